// Which ansible.cfg Ansible would read (lib/ansible/config/manager.py find_ini_config_file): the first that exists
// and is readable of $ANSIBLE_CONFIG (a file, or a directory holding ansible.cfg), ./ansible.cfg unless the working
// directory is world-writable, ~/.ansible.cfg, /etc/ansible/ansible.cfg.
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { resolveSettingPath } from './setting-path.js';

export interface ConfigFileSources {
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  /** /etc/ansible/ansible.cfg; tests point it elsewhere. */
  systemFile?: string;
}

export interface FoundConfigFile {
  file?: string;
  warnings: string[];
}

const WORLD_WRITABLE = 0o002;

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export function findConfigFile(s: ConfigFileSources): FoundConfigFile {
  const candidates: string[] = [];
  const fromEnv = s.env.ANSIBLE_CONFIG;
  let envPath: string | undefined;
  if (fromEnv !== undefined) {
    envPath = resolveSettingPath(fromEnv, { baseDir: s.cwd, env: s.env, home: s.home });
    if (isDirectory(envPath)) envPath = join(envPath, 'ansible.cfg');
    candidates.push(envPath);
  }
  let skippedCwdFile = false;
  const cwdFile = join(s.cwd, 'ansible.cfg');
  try {
    if (statSync(s.cwd).mode & WORLD_WRITABLE) skippedCwdFile = existsSync(cwdFile);
    else candidates.push(cwdFile);
  } catch {
    // an unreadable working directory is simply not a source, as in Ansible
  }
  candidates.push(join(s.home, '.ansible.cfg'), s.systemFile ?? '/etc/ansible/ansible.cfg');
  const file = candidates.find((c) => existsSync(c) && readable(c));
  const warnings: string[] = [];
  if (skippedCwdFile && file !== envPath) {
    warnings.push(
      `tsinfra is being run in a world writable directory (${s.cwd}), ignoring it as an ansible.cfg source. ` +
        'For more information see https://docs.ansible.com/ansible/devel/reference_appendices/config.html#cfg-in-world-writable-dir',
    );
  }
  if (file && !['.cfg', '.ini'].includes(extname(file))) {
    // Ansible reads only INI config files and refuses any other extension.
    throw new UsageError(`unsupported configuration file extension for ${file}: ${JSON.stringify(extname(file))}`, { hint: 'ansible.cfg must end in .cfg or .ini' });
  }
  return { file, warnings };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
