// Installs one role as ansible-galaxy's GalaxyRole.install does (galaxy/role.py, utils/galaxy.py): a git source is
// cloned, checked out at `version` and turned into a tar with `git archive --prefix=NAME/`; a tarball (path or URL)
// is used as is. The archive's role is the shortest directory holding meta/main.yml; its regular files and symlinks
// land in ROLES_PATH/NAME, and meta/.galaxy_install_info records the version. git and tar run with execFile: no shell.
import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { TsinfraError } from '../errors.js';
import type { RoleRequirement } from './role-requirements.js';

const run = promisify(execFile);

export class RoleInstallError extends TsinfraError {
  constructor(role: string, message: string) {
    super('TSI_ROLE_INSTALL', `- ${role} was NOT installed successfully: ${message}`);
  }
}

const META_MAIN = ['meta/main.yml', 'meta/main.yaml'];
const INSTALL_INFO = 'meta/.galaxy_install_info';

/** `git@host:path` (scp-like) and `….git` URLs are git even without `scm: git` (ansible-galaxy would ask Galaxy). */
function isGit(r: RoleRequirement): boolean {
  if (r.scm !== undefined) return true;
  return /^[\w.-]+@[\w.-]+:/.test(r.src) || /\.git\/?$/.test(r.src);
}

async function git(args: string[], cwd: string): Promise<void> {
  try {
    await run('git', args, { cwd, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' }, maxBuffer: 16 << 20 });
  } catch (err) {
    const e = err as { code?: unknown; stderr?: string };
    if (e.code === 'ENOENT') throw new Error('git is not installed: it is needed to install a role from a git source');
    throw new Error(`git ${args[0]} failed (rc=${String(e.code)}): ${(e.stderr ?? '').trim()}`);
  }
}

/** A tar of the role at `version` (HEAD when not given), as scm_archive_resource makes it. */
async function gitArchive(r: RoleRequirement, tmp: string): Promise<string> {
  if (r.scm !== undefined && r.scm !== 'git') throw new Error(`scm ${r.scm} is not supported (only git)`);
  await git(['clone', '--quiet', '--', r.src, r.name], tmp);
  const repo = join(tmp, r.name);
  if (r.version) await git(['checkout', '--quiet', r.version], repo);
  const tar = join(tmp, `${r.name}.tar`);
  await git(['archive', `--prefix=${r.name}/`, `--output=${tar}`, 'HEAD'], repo);
  return tar;
}

async function download(url: string, tmp: string): Promise<string> {
  const res = await fetch(url).catch((err: Error) => {
    throw new Error(`failed to download the file: ${err.message}`);
  });
  if (!res.ok || !res.body) throw new Error(`failed to download the file: HTTP ${res.status}`);
  const file = join(tmp, 'download.tar');
  await pipeline(Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]), createWriteStream(file));
  return file;
}

/** Regular files and symlinks under dir, as paths relative to it (directories are made, not copied, as tarfile does). */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return filesUnder(dir, rel);
    return e.isFile() || e.isSymbolicLink() ? [rel] : [];
  });
}

/** The role inside an unpacked archive: the shortest parent of a meta/main.yml (sub-roles have longer ones). */
function roleRootOf(files: string[]): string | undefined {
  const parents = files.filter((f) => META_MAIN.some((m) => f === m || f.endsWith(`/${m}`))).map((f) => dirname(dirname(f)));
  return parents.sort((a, b) => a.length - b.length)[0];
}

async function unpack(archive: string, into: string, dest: string): Promise<void> {
  // -p keeps the archive's modes (tarfile chmods each member to its mode); root keeps its owners, as tarfile does
  await run('tar', ['-xpf', archive, '-C', into]).catch((err: { stderr?: string }) => {
    throw new Error(`the file does not appear to be a valid tar archive: ${(err.stderr ?? '').trim()}`);
  });
  const files = filesUnder(into);
  const root = roleRootOf(files);
  if (root === undefined) throw new Error('this role does not appear to have a meta/main.yml file.');
  const base = root === '.' ? '' : `${root}/`;
  for (const f of files) {
    const target = join(dest, f.startsWith(base) ? f.slice(base.length) : f);
    if (lstatSync(join(into, f)).isSymbolicLink()) {
      const to = resolve(dirname(target), readlinkSync(join(into, f)));
      if (relative(dest, to).startsWith('..')) throw new Error(`invalid symlink ${f}: it points outside the role`);
    }
    await mkdir(dirname(target), { recursive: true });
    await rename(join(into, f), target);
  }
}

/** time.strftime('%c') in the C locale, in UTC as ansible-galaxy writes it (datetime.utcnow()). */
function cDate(d: Date): string {
  const utc = d.toUTCString(); // "Sun, 06 Dec 2026 07:05:03 GMT"
  return `${utc.slice(0, 3)} ${utc.slice(8, 11)} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)} ${d.getUTCFullYear()}`;
}

export function galaxyInstallInfo(version: string, now = new Date()): string {
  return stringify({ install_date: cDate(now), version }, { version: '1.1', singleQuote: true });
}

/** The version recorded in ROLE/meta/.galaxy_install_info, or undefined when the role was not installed by galaxy. */
export async function installedVersion(roleDir: string): Promise<string | undefined> {
  const text = await readFile(join(roleDir, INSTALL_INFO), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const info = parse(text, { version: '1.1' }) as { version?: unknown } | null;
  return info?.version === undefined || info.version === null ? '' : String(info.version);
}

/** Install `r` into `roleDir` (which must not exist, or is replaced when `force`). */
export async function installRole(r: RoleRequirement, roleDir: string, force: boolean): Promise<void> {
  const parent = dirname(roleDir);
  await mkdir(parent, { recursive: true });
  // the work happens beside the role so the final moves are renames on one filesystem
  const tmp = await mkdtemp(join(parent, `.tsinfra-${r.name.replaceAll('/', '_')}-`));
  try {
    const unpacked = join(tmp, 'unpacked');
    await mkdir(unpacked);
    const src = r.src.startsWith('file://') && !isGit(r) ? r.src.slice('file://'.length) : r.src;
    if (isGit(r)) {
      await unpack(await gitArchive(r, tmp), unpacked, join(tmp, 'role'));
    } else if (existsSync(src) && statSync(src).isDirectory()) {
      // a local directory: not something ansible-galaxy installs (it asks Galaxy); we copy it, without its .git
      const copied = (path: string) => !path.split('/').includes('.git');
      await cp(src, join(tmp, 'role'), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true, filter: copied });
      if (roleRootOf(filesUnder(join(tmp, 'role'))) !== '.') throw new Error(`${src} has no meta/main.yml`);
    } else if (existsSync(src)) {
      await unpack(src, unpacked, join(tmp, 'role'));
    } else if (src.includes('://')) {
      await unpack(await download(src, tmp), unpacked, join(tmp, 'role'));
    } else {
      throw new Error(`${src} is not a file, a directory or a URL (installing from Ansible Galaxy is not supported)`);
    }
    await mkdir(join(tmp, 'role', 'meta'), { recursive: true });
    await writeFile(join(tmp, 'role', INSTALL_INFO), galaxyInstallInfo(r.version));
    if (existsSync(roleDir)) {
      if (!force) throw new Error(`the specified role ${r.name} appears to already exist. Use --force to replace it.`);
      if (!META_MAIN.some((m) => existsSync(join(roleDir, m)))) {
        throw new Error(`${roleDir} doesn't appear to contain a role. Please remove this directory manually if you really want to put the role here.`);
      }
      await rm(roleDir, { recursive: true });
    }
    await rename(join(tmp, 'role'), roleDir);
  } catch (err) {
    throw err instanceof TsinfraError ? err : new RoleInstallError(r.name, (err as Error).message);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
