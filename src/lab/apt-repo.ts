// The lab's local apt repository: packages from LAB_APT_PACKAGES (plus a lab's own `packages`/`servePackages`) and
// their dependency closure, downloaded once on the controller (`apt-get download`, never `apt-get install`), served
// to hosts read-only at /srv/tsinfra-apt, with apt lists pre-built so `apt-get install X` works in a host at once.
// Each build is immutable (a directory named by a hash of its inputs, renamed into place when complete), so labs
// that are up keep a consistent repository.
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, copyFileSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LabError } from '../errors.js';
import { LAB_APT_PACKAGES } from './apt-packages.js';
import { withFileLock } from './file-lock.js';
import { labCacheRoot } from './lab-paths.js';
import { runTool } from './run-tool.js';

/** Where hosts see the repository, and their only apt source. */
export const HOST_REPO_PATH = '/srv/tsinfra-apt';
export const HOST_SOURCE_LINE = `deb [trusted=yes] file:${HOST_REPO_PATH} ./`;

export interface AptRepo {
  /** The flat repository (bind-mounted at HOST_REPO_PATH). */
  dir: string;
  /** Pre-built /var/lib/apt/lists files for HOST_SOURCE_LINE. */
  listsDir: string;
}

const APT_ROOT = () => join(labCacheRoot(), 'apt');
const DEBS_DIR = () => join(APT_ROOT(), 'debs');
const STANZAS_DIR = () => join(APT_ROOT(), 'stanzas');
/** Extra .debs to serve as they are (the lab's own test doubles, e.g. the ZeroTier stand-in). */
export const localDebsDir = () => join(APT_ROOT(), 'local');

// apt-get download is refused to _apt when the target dir is root's: downloads run unsandboxed, as root.
const APT_OPTS = ['-o', 'APT::Sandbox::User=root', '-o', 'Debug::NoLocking=1'];

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir).filter((n) => statSync(join(dir, n)).isFile()).sort();
  } catch {
    return [];
  }
}

/** Inputs that change the repository: the package list, the controller's apt lists and local debs. */
function fingerprint(packages: readonly string[]): string {
  const hash = createHash('sha256').update(packages.join(' '));
  for (const dir of ['/var/lib/apt/lists', localDebsDir()]) {
    for (const name of listFiles(dir).filter((n) => n !== 'lock')) {
      const st = statSync(join(dir, name));
      hash.update(`${dir}/${name}:${st.size}:${st.mtimeMs}\n`);
    }
  }
  return hash.digest('hex').slice(0, 16);
}

const INST_LINE = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) /;

async function simulateInstall(packages: readonly string[], statusFile: string | undefined): Promise<Map<string, string>> {
  const statusOpt = statusFile ? ['-o', `Dir::State::status=${statusFile}`] : [];
  const result = await runTool('apt-get', ['-s', ...APT_OPTS, ...statusOpt, 'install', '--', ...packages], {
    env: { ...process.env, LC_ALL: 'C' },
  }).catch((err: unknown) => {
    throw new LabError(`cannot resolve the lab's packages with apt: ${(err as Error).message}`, { hint: 'apt-get update' });
  });
  const found = new Map<string, string>();
  for (const line of result.stdout.split('\n')) {
    const m = INST_LINE.exec(line);
    if (m?.[1] && m[2]) found.set(m[1], m[2]);
  }
  return found;
}

/** name → version: what apt would install on an empty system, plus upgrades the controller would take. */
async function resolveClosure(packages: readonly string[], workDir: string): Promise<Map<string, string>> {
  const empty = join(workDir, 'empty-status');
  writeFileSync(empty, '');
  const [fromEmpty, fromController] = await Promise.all([simulateInstall(packages, empty), simulateInstall(packages, undefined)]);
  return new Map([...fromController, ...fromEmpty]);
}

function debFilePrefix(name: string, version: string): string {
  return `${name}_${version.replace(/:/g, '%3a')}_`;
}

function findCachedDeb(cached: string[], name: string, version: string): string | undefined {
  const prefix = debFilePrefix(name, version);
  return cached.find((f) => f.startsWith(prefix) && f.endsWith('.deb'));
}

// Download into a private directory, then move: a crash never leaves a truncated .deb in the cache.
async function downloadMissing(closure: Map<string, string>, onProgress: (m: string) => void): Promise<void> {
  mkdirSync(DEBS_DIR(), { recursive: true });
  const cached = listFiles(DEBS_DIR());
  const missing = [...closure].filter(([n, v]) => !findCachedDeb(cached, n, v)).map(([n, v]) => `${n}=${v}`);
  if (missing.length === 0) return;
  onProgress(`downloading ${missing.length} packages for the lab's apt repository`);
  const tmp = join(DEBS_DIR(), `.download-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    await runTool('apt-get', ['download', ...APT_OPTS, ...missing], { cwd: tmp, env: { ...process.env, LC_ALL: 'C' } }).catch((err: unknown) => {
      throw new LabError(`cannot download the lab's packages: ${(err as Error).message}`, { hint: 'apt-get update (the apt lists may be stale)' });
    });
    for (const f of listFiles(tmp)) renameSync(join(tmp, f), join(DEBS_DIR(), f));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function releaseFile(dir: string): string {
  const entries = ['Packages', 'Packages.gz'].map((f) => {
    const data = readFileSync(join(dir, f));
    return ` ${createHash('sha256').update(data).digest('hex')} ${data.length} ${f}`;
  });
  return ['Origin: tsinfra-lab', 'Label: tsinfra-lab', 'Suite: lab', 'Codename: lab', `Date: ${new Date().toUTCString()}`, 'SHA256:', ...entries, ''].join('\n');
}

/** A .deb's index stanza, cached by name, size and mtime (the repository's debs are hard links into the cache). */
function stanzaPath(debPath: string): string {
  const st = statSync(debPath);
  return join(STANZAS_DIR(), createHash('sha256').update(`${basename(debPath)}:${st.size}:${st.mtimeMs}`).digest('hex').slice(0, 32));
}

// dpkg-scanpackages opens every .deb (minutes under load for the whole closure): it scans only the debs no earlier
// build indexed, and each repository's Packages is its debs' cached stanzas, so a lab's extra packages cost seconds.
async function scanNewDebs(repoDir: string, debs: string[], workDir: string): Promise<void> {
  const missing = debs.filter((f) => !existsSync(stanzaPath(join(repoDir, f))));
  if (missing.length === 0) return;
  const scanDir = join(workDir, 'scan');
  mkdirSync(scanDir);
  for (const f of missing) linkSync(join(repoDir, f), join(scanDir, f));
  const scan = await runTool('dpkg-scanpackages', ['.', '/dev/null'], { cwd: scanDir });
  mkdirSync(STANZAS_DIR(), { recursive: true });
  for (const stanza of scan.stdout.split('\n\n').filter((t) => t.trim())) {
    const file = /^Filename: \.\/(.+)$/m.exec(stanza)?.[1];
    if (!file || !missing.includes(file)) throw new LabError(`dpkg-scanpackages printed an unexpected entry: ${stanza.slice(0, 200)}`);
    const path = stanzaPath(join(repoDir, file));
    writeFileSync(`${path}.tmp-${process.pid}`, `${stanza.trim()}\n`);
    renameSync(`${path}.tmp-${process.pid}`, path);
  }
  rmSync(scanDir, { recursive: true, force: true });
}

async function writeIndexes(repoDir: string, workDir: string): Promise<void> {
  const debs = listFiles(repoDir).filter((n) => n.endsWith('.deb'));
  await scanNewDebs(repoDir, debs, workDir);
  const packages = debs.map((f) => `${readFileSync(stanzaPath(join(repoDir, f)), 'utf8')}\n`).join('');
  writeFileSync(join(repoDir, 'Packages'), packages);
  writeFileSync(join(repoDir, 'Packages.gz'), gzipSync(packages, { level: 9 }));
  writeFileSync(join(repoDir, 'Release'), releaseFile(repoDir));
}

/** apt-get update against the repository where it is now, then rename the list files to the hosts' path. */
async function buildLists(repoDir: string, listsDir: string, workDir: string): Promise<void> {
  const raw = join(workDir, 'lists-raw');
  mkdirSync(join(raw, 'partial'), { recursive: true });
  const sourceList = join(workDir, 'sources.list');
  writeFileSync(sourceList, `deb [trusted=yes] file:${repoDir} ./\n`);
  await runTool('apt-get', [
    'update', ...APT_OPTS,
    '-o', `Dir::Etc::SourceList=${sourceList}`, '-o', 'Dir::Etc::SourceParts=/nonexistent',
    '-o', `Dir::State::Lists=${raw}`, '-o', 'Acquire::GzipIndexes=false', '-o', 'Acquire::Languages=none',
  ]);
  // apt names list files after the URI ('/' → '_'): `_srv_tsinfra-apt_._Packages` for the hosts' source.
  const toPrefix = `${HOST_REPO_PATH.replace(/\//g, '_')}_._`;
  mkdirSync(listsDir, { recursive: true });
  for (const f of listFiles(raw).filter((n) => n.includes('_._'))) {
    renameSync(join(raw, f), join(listsDir, toPrefix + f.slice(f.lastIndexOf('_._') + 3)));
  }
}

function linkDebs(closure: Map<string, string>, repoDir: string): void {
  const cached = listFiles(DEBS_DIR());
  for (const [name, version] of closure) {
    const file = findCachedDeb(cached, name, version);
    if (!file) throw new LabError(`package ${name}=${version} is missing from ${DEBS_DIR()} after download`);
    linkSync(join(DEBS_DIR(), file), join(repoDir, file));
  }
  for (const f of listFiles(localDebsDir()).filter((n) => n.endsWith('.deb'))) copyFileSync(join(localDebsDir(), f), join(repoDir, f));
}

async function buildRepo(final: string, packages: readonly string[], onProgress: (m: string) => void): Promise<void> {
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'repo'), { recursive: true });
  try {
    const closure = await resolveClosure(packages, tmp);
    await downloadMissing(closure, onProgress);
    linkDebs(closure, join(tmp, 'repo'));
    await writeIndexes(join(tmp, 'repo'), tmp);
    await buildLists(join(tmp, 'repo'), join(tmp, 'lists'), tmp);
    rmSync(join(tmp, 'lists-raw'), { recursive: true, force: true });
    renameSync(tmp, final);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function repoAt(dir: string): AptRepo {
  return { dir: join(dir, 'repo'), listsDir: join(dir, 'lists') };
}

/** Debian package names (policy 5.6.1); also keeps a name from being read as an apt-get option. */
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** Throws naming the first package that is not a Debian package name. */
export function checkPackageNames(names: readonly string[], option: string): void {
  const bad = names.find((n) => !PACKAGE_NAME.test(n));
  if (bad !== undefined) throw new LabError(`${option}: ${JSON.stringify(bad)} is not a Debian package name (expected lowercase letters, digits, + - .)`);
}

/**
 * The current repository, built (or completed) first if its inputs changed. `extra` packages are served besides
 * LAB_APT_PACKAGES; each distinct set is its own repository, sharing the download cache.
 */
export async function ensureAptRepo(extra: readonly string[] = [], onProgress: (m: string) => void = () => {}): Promise<AptRepo> {
  const packages = [...new Set([...LAB_APT_PACKAGES, ...[...extra].sort()])];
  const final = join(APT_ROOT(), `repo-${fingerprint(packages)}`);
  if (existsSync(final)) return repoAt(final);
  mkdirSync(APT_ROOT(), { recursive: true });
  return withFileLock(join(APT_ROOT(), '.build.lock'), async () => {
    if (existsSync(final)) return repoAt(final);
    onProgress(`building the lab's apt repository for ${packages.length} packages and their dependencies`);
    await buildRepo(final, packages, onProgress);
    return repoAt(final);
  }, 15 * 60_000);
}
