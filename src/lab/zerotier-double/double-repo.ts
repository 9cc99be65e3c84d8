// The apt repository of the ZeroTier TEST DOUBLE, laid out like download.zerotier.com's: one signed suite per
// Debian codename under debian/<codename>/ (dists/<codename>/main/binary-<arch>/Packages, pool/), plus the
// repository's public key, armored at contact@zerotier.com.gpg (the real key's file name) and binary at
// zerotier.gpg. Built once with dpkg-deb, dpkg-scanpackages and gpg, cached by a hash of its inputs; the lab's
// HTTP stand-in (central-server.ts) serves it on the controller's public address.
//
// It is deliberately NOT in the lab's flat repository (/srv/tsinfra-apt): `apt-get install zerotier-one` works in
// a lab host only after the role added the ZeroTier apt source and key, as in production.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { LabError } from '../../errors.js';
import { withFileLock } from '../file-lock.js';
import { labCacheRoot } from '../lab-paths.js';
import { runTool } from '../run-tool.js';
import { packageFiles, ZT_DOUBLE_PACKAGE_VERSION } from './package-files.js';

/** Bump when the build recipe changes (not the package files: those are hashed). */
const RECIPE_VERSION = 1;
/** Systemd hosts boot Debian bookworm; namespace hosts run the controller's release. */
const SYSTEMD_ROOTFS_CODENAME = 'bookworm';

export interface ZerotierDoubleRepo {
  /** The directory served at the HTTP root. */
  siteDir: string;
  /** Suites served: debian/<codename> <codename> main. */
  codenames: string[];
  /** The repository's signing key, ASCII-armored (what `apt_repository: key:` takes). */
  armoredKey: string;
  /** The package's file name in the pool. */
  debFile: string;
}

const ROOT = () => join(labCacheRoot(), 'zerotier-double');

export function controllerCodename(): string {
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    return /^VERSION_CODENAME=["']?([a-z]+)/m.exec(text)?.[1] ?? SYSTEMD_ROOTFS_CODENAME;
  } catch {
    return SYSTEMD_ROOTFS_CODENAME;
  }
}

async function debArchitecture(): Promise<string> {
  return (await runTool('dpkg', ['--print-architecture'])).stdout.trim() || 'amd64';
}

function fingerprint(architecture: string, codenames: string[]): string {
  const hash = createHash('sha256').update(`${RECIPE_VERSION} ${architecture} ${codenames.join(',')}\n`);
  for (const f of packageFiles(architecture)) hash.update(`${f.path} ${f.mode}\n${f.content}\n`);
  return hash.digest('hex').slice(0, 16);
}

async function buildDeb(workDir: string, architecture: string): Promise<string> {
  const root = join(workDir, 'pkg');
  for (const f of packageFiles(architecture)) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
    writeFileSync(path, f.content);
    chmodSync(path, f.mode);
  }
  const deb = join(workDir, `zerotier-one_${ZT_DOUBLE_PACKAGE_VERSION}_${architecture}.deb`);
  await runTool('dpkg-deb', ['--root-owner-group', '-Zgzip', '--build', root, deb]);
  return deb;
}

function sha256Line(dir: string, rel: string): string {
  const data = readFileSync(join(dir, rel));
  return ` ${createHash('sha256').update(data).digest('hex')} ${data.length} ${rel}`;
}

async function writeSuite(suiteRoot: string, codename: string, architecture: string): Promise<string> {
  const scan = await runTool('dpkg-scanpackages', ['--multiversion', 'pool', '/dev/null'], { cwd: suiteRoot });
  const dists = join(suiteRoot, 'dists', codename);
  const binary = `main/binary-${architecture}`;
  mkdirSync(join(dists, binary), { recursive: true });
  writeFileSync(join(dists, binary, 'Packages'), scan.stdout);
  writeFileSync(join(dists, binary, 'Packages.gz'), gzipSync(scan.stdout, { level: 9 }));
  const release = [
    'Origin: tsinfra lab ZeroTier test double',
    'Label: ZeroTier (tsinfra lab test double)',
    `Suite: ${codename}`,
    `Codename: ${codename}`,
    `Date: ${new Date().toUTCString()}`,
    `Architectures: ${architecture}`,
    'Components: main',
    'Description: zerotier-one test double for the tsinfra lab (not ZeroTier)',
    'SHA256:',
    sha256Line(dists, `${binary}/Packages`),
    sha256Line(dists, `${binary}/Packages.gz`),
    '',
  ].join('\n');
  writeFileSync(join(dists, 'Release'), release);
  return dists;
}

/** A throwaway signing key: generated per build, its secret half deleted once the suites are signed. */
async function signSuites(workDir: string, siteDir: string, distsDirs: string[]): Promise<string> {
  const home = join(workDir, 'gnupg');
  mkdirSync(home, { mode: 0o700 });
  const gpg = (args: string[]) => runTool('gpg', ['--batch', '--quiet', '--homedir', home, '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  try {
    await gpg(['--quick-gen-key', 'tsinfra lab ZeroTier test double <zerotier-double@tsinfra.invalid>', 'ed25519', 'sign', 'never']);
    for (const dists of distsDirs) {
      await gpg(['--clearsign', '--output', join(dists, 'InRelease'), join(dists, 'Release')]);
      await gpg(['--armor', '--detach-sign', '--output', join(dists, 'Release.gpg'), join(dists, 'Release')]);
    }
    await gpg(['--export', '--output', join(siteDir, 'zerotier.gpg')]);
    await gpg(['--armor', '--export', '--output', join(siteDir, 'contact@zerotier.com.gpg')]);
  } finally {
    await runTool('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { allowFailure: true }).catch(() => undefined);
    rmSync(home, { recursive: true, force: true });
  }
  return readFileSync(join(siteDir, 'contact@zerotier.com.gpg'), 'utf8');
}

async function build(final: string, architecture: string, codenames: string[]): Promise<void> {
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const deb = await buildDeb(tmp, architecture);
    const site = join(tmp, 'site');
    const distsDirs: string[] = [];
    for (const codename of codenames) {
      const suiteRoot = join(site, 'debian', codename);
      const pool = join(suiteRoot, 'pool', 'main', 'z', 'zerotier-one');
      mkdirSync(pool, { recursive: true });
      writeFileSync(join(pool, deb.split('/').pop()!), readFileSync(deb));
      distsDirs.push(await writeSuite(suiteRoot, codename, architecture));
    }
    await signSuites(tmp, site, distsDirs);
    rmSync(join(tmp, 'pkg'), { recursive: true, force: true });
    rmSync(deb, { force: true });
    renameSync(tmp, final);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function repoAt(dir: string, architecture: string, codenames: string[]): ZerotierDoubleRepo {
  const siteDir = join(dir, 'site');
  return {
    siteDir,
    codenames,
    armoredKey: readFileSync(join(siteDir, 'contact@zerotier.com.gpg'), 'utf8'),
    debFile: `zerotier-one_${ZT_DOUBLE_PACKAGE_VERSION}_${architecture}.deb`,
  };
}

/** The current build of the double's repository, built first if its inputs changed. Needs gpg (gnupg). */
export async function ensureZerotierDoubleRepo(onProgress: (m: string) => void = () => {}): Promise<ZerotierDoubleRepo> {
  const architecture = await debArchitecture();
  const codenames = [...new Set([controllerCodename(), SYSTEMD_ROOTFS_CODENAME])];
  const final = join(ROOT(), `repo-${fingerprint(architecture, codenames)}`);
  if (existsSync(final)) return repoAt(final, architecture, codenames);
  mkdirSync(ROOT(), { recursive: true });
  return withFileLock(join(ROOT(), '.build.lock'), async () => {
    if (!existsSync(final)) {
      onProgress('building the ZeroTier test double package and its signed apt repository');
      await build(final, architecture, codenames).catch((err: unknown) => {
        throw new LabError(`cannot build the ZeroTier test double's apt repository: ${(err as Error).message}`, { hint: 'apt-get install dpkg-dev gnupg' });
      });
    }
    return repoAt(final, architecture, codenames);
  }, 5 * 60_000);
}
