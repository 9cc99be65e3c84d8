// `tsinfra roles install -r requirements.yml`: ansible-galaxy role install for git sources, tarballs and local paths,
// into the first roles_path (ansible.cfg / ANSIBLE_ROLES_PATH) or -p, with ansible-galaxy's messages.
import type { Command } from 'commander';
import { rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { installedVersion, installRole } from '../galaxy/install-role.js';
import { readRequirements, roleDependencies, type RoleRequirement } from '../galaxy/role-requirements.js';
import { commandSettings } from './command-settings.js';

interface InstallOptions {
  roleFile: string;
  rolesPath?: string;
  force?: boolean;
  /** false with --no-deps. */
  deps: boolean;
  forceWithDeps?: boolean;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const warn = (line: string) => process.stderr.write(`tsinfra: warning: ${line}\n`);

/** "name (version)", or "name" without a version: GalaxyRole's repr. */
const shown = (r: RoleRequirement) => (r.version ? `${r.name} (${r.version})` : r.name);

async function install(o: InstallOptions): Promise<void> {
  const requirements = await readRequirements(o.roleFile);
  const rolesPath = o.rolesPath ? resolve(o.rolesPath) : commandSettings().rolesPath[0] ?? join(homedir(), '.ansible', 'roles');
  if (requirements.collections > 0) warn(`${o.roleFile} lists ${requirements.collections} collection(s): tsinfra does not install collections, they are skipped`);
  if (requirements.roles.length === 0) {
    out('Skipping install, no requirements found');
    return;
  }
  out('Starting galaxy role install process');
  for (const r of requirements.roles) {
    const dir = join(rolesPath, r.name);
    const installed = await installedVersion(dir);
    if (installed !== undefined) {
      if (!o.force && installed !== r.version) {
        warn(`- ${r.name} (${installed}) is already installed - use --force to change version to ${r.version || 'unspecified'}`);
        continue;
      }
      if (!o.force) {
        out(`- ${shown(r)} is already installed, skipping.`);
        continue;
      }
      out(`- changing role ${r.name} from ${installed} to ${r.version || 'unspecified'}`);
    }
    out(`- extracting ${r.name} to ${dir}`);
    await installRole(r, dir, o.force === true);
    out(`- ${shown(r)} was installed successfully`);
    if (!o.deps) continue;
    // As ansible-galaxy: a new role's dependencies join the list being installed (so theirs do too).
    for (const dep of await roleDependencies(dir)) {
      const depInstalled = await installedVersion(join(rolesPath, dep.name));
      if (depInstalled === undefined) {
        if (!requirements.roles.some((x) => x.name === dep.name)) {
          out(`- adding dependency: ${shown(dep)}`);
          requirements.roles.push(dep);
        } else {
          out(`- dependency ${dep.name} already pending installation.`);
        }
      } else if (depInstalled !== dep.version) {
        if (o.forceWithDeps) {
          out(`- changing dependent role ${dep.name} from ${depInstalled} to ${dep.version || 'unspecified'}`);
          await rm(join(rolesPath, dep.name), { recursive: true }); // galaxy-installed (it has install info), as dep_role.remove()
          requirements.roles.push(dep);
        } else {
          warn(`- dependency ${shown(dep)} (${dep.version}) from role ${r.name} differs from already installed version (${depInstalled}), skipping`);
        }
      } else if (o.forceWithDeps) {
        requirements.roles.push(dep);
      } else {
        out(`- dependency ${dep.name} is already installed, skipping.`);
      }
    }
  }
}

export function registerRolesCommand(program: Command): void {
  const roles = program.command('roles').description('install roles, as ansible-galaxy role does');
  roles
    .command('install')
    .description('install the roles a requirements.yml lists (git URLs, tarballs, local paths) into roles_path')
    .requiredOption('-r, --role-file <file>', 'the requirements file (requirements.yml)')
    .option('-p, --roles-path <dir>', 'install here (default: the first roles_path in ansible.cfg, else ~/.ansible/roles)')
    .option('-f, --force', 'replace a role that is already installed')
    .option('-n, --no-deps', "do not install the roles' dependencies (meta/main.yml dependencies with a src)")
    .option('--force-with-deps', 'replace a role that is already installed, and its dependencies')
    .action((o: InstallOptions) => install({ ...o, force: o.force || o.forceWithDeps }));
}
