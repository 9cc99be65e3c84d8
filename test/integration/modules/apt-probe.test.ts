// The apt probe reads dpkg's status file with one sed where it used to run dpkg-query. Both run here for real (this
// machine's /bin/sh, sed and dpkg-query, read-only): the module's parser must make the same state of either output.
// A crafted database (test/fixtures/dpkg/status: as dpkg itself rewrote it, plus description lines that look like
// fields) adds what this machine lacks: multi-arch instances, config-files, half-installed, a missing Architecture.
// The fallbacks to dpkg-query are checked the same way, on cases where the status file alone would give a
// different state.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dpkgProbe, parseApt, type AptState } from '../../../src/modules/apt.js';
import type { Script } from '../../../src/shell/script.js';
import { argsOf, stateModule } from '../../unit/modules/support.js';

const ADMINDIR = '/var/lib/dpkg';
const FIXTURE = join(import.meta.dirname, '../../fixtures/dpkg/status');
const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();

const temp = mkdtempSync(join(tmpdir(), 'tsinfra-apt-probe-'));
after(() => rmSync(temp, { recursive: true, force: true }));

function run(script: Script, env: Record<string, string> = {}, shell = ['/bin/sh']): string {
  const r = spawnSync(shell[0]!, [...shell.slice(1), '-s'], { input: script.text, encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** Which way the probe went: the status file's lines, dpkg-query's, or nothing printed. */
function source(stdout: string): 'status' | 'dpkg-query' | 'none' {
  if (/^Package:/m.test(stdout)) return 'status';
  return /^pkg=/m.test(stdout) ? 'dpkg-query' : 'none';
}

/** The state from the status file and from dpkg-query (forced: DPKG_ADMINDIR set), for the same names. */
function both(names: string[], admindir = ADMINDIR): { fast: AptState; query: AptState; fastOut: string } {
  const script = dpkgProbe(names, admindir);
  const fastOut = run(script);
  const queryOut = run(script, { DPKG_ADMINDIR: admindir });
  assert.notEqual(source(fastOut), 'dpkg-query');
  assert.notEqual(source(queryOut), 'status');
  return { fast: parseApt(fastOut, names), query: parseApt(queryOut, names), fastOut };
}

function adminDir(name: string): string {
  const dir = join(temp, name);
  mkdirSync(join(dir, 'updates'), { recursive: true });
  mkdirSync(join(dir, 'triggers'));
  copyFileSync(FIXTURE, join(dir, 'status'));
  writeFileSync(join(dir, 'arch'), 'amd64\ni386\n');
  return dir;
}

/** Name and arch of each stanza of a status file. */
function stanzas(text: string): { name: string; arch: string }[] {
  return text
    .split(/\n\n+/)
    .filter((s) => s.startsWith('Package: '))
    .map((s) => ({ name: /^Package: (.*)$/m.exec(s)![1]!, arch: /^Architecture: (.*)$/m.exec(s)?.[1] ?? '' }));
}

test("this machine's dpkg database: every package, plain and with :arch, gives the state dpkg-query gives", (t) => {
  const journal = spawnSync('/bin/sh', ['-c', `ls ${ADMINDIR}/updates | grep -q '^[0-9]' || [ -s ${ADMINDIR}/triggers/Unincorp ]`]);
  if (journal.status === 0) return t.skip('dpkg has a journal or pending triggers here: the probe rightly uses dpkg-query');
  const found = stanzas(readFileSync(join(ADMINDIR, 'status'), 'utf8'));
  assert.ok(found.length > 100, `only ${found.length} packages`);
  const plain = [...new Set(found.map((p) => p.name))];
  const names = [
    ...plain,
    ...found.filter((p) => p.arch !== '').map((p) => `${p.name}:${p.arch}`),
    ...plain.map((n) => `${n}:i386`),
    ...plain.map((n) => `${n}:all`),
    // Names dpkg knows only from other packages' relations (dpkg-query lists them not-installed), and unknown ones.
    'debconf-2.0',
    'awk',
    'c-compiler',
    'tsinfra-no-such-package',
  ];
  const whole = both(names);
  assert.equal(source(whole.fastOut), 'status');
  assert.deepEqual(whole.fast, whole.query);
  const installed = [...whole.fast.packages.values()].flat().filter((p) => p.status === 'installed').length;
  assert.ok(installed > 100, `${installed} installed`);
  // Smaller mixed sets, as tasks ask: the :arch filter must not depend on what else is asked.
  for (let i = 0; i < names.length; i += 37) {
    const some = names.filter((_, j) => (j - i) % 37 === 0 || (j >= i && j < i + 3));
    const r = both(some);
    assert.deepEqual(r.fast, r.query, some.join(' '));
  }
});

test('through the module: probe and parse give dpkg-query\'s state for a task with versions and arches', () => {
  const m = stateModule('apt');
  const args = argsOf('apt', { name: ['dash', 'libc6:amd64', 'coreutils=9.9-9', 'tsinfra-no-such-package', 'dpkg:i386'] });
  const fast = run(m.probe(args)!);
  const query = run(m.probe(args)!, { DPKG_ADMINDIR: ADMINDIR });
  assert.equal(source(fast), 'status');
  assert.equal(source(query), 'dpkg-query');
  const r = (stdout: string) => m.parse({ stdout, stderr: '', code: 0, signal: null }, args);
  assert.deepEqual(r(fast), r(query));
  assert.deepEqual(m.plan(args, r(fast)), m.plan(args, r(query)));
});

const CRAFTED = ['adduser', 'g++', 'half', 'halfconf', 'libc6', 'libfoo1', 'libstdc++6', 'oldcfg', 'python3.11', 'trigaw'];
const CRAFTED_MORE = ['trigpend', 'unpacked-pkg', 'wine32', 'zlib1g', 'phantom-dep', 'debconf-2.0', 'other-alt', 'nope'];
const ALL_CRAFTED = [...CRAFTED, ...CRAFTED_MORE];
const withArches = ALL_CRAFTED.flatMap((n) => [n, `${n}:amd64`, `${n}:i386`, `${n}:all`]);

test('multi-arch, config-files, half-installed, no Architecture: the same state as dpkg-query, in its order', () => {
  const dir = adminDir('crafted');
  const sets = [
    withArches,
    ALL_CRAFTED,
    withArches.filter((n) => n.includes(':')),
    ['libc6:i386'],
    ['libc6', 'libc6:i386'],
    ['libfoo1:i386', 'zlib1g:amd64'],
    ['adduser:amd64', 'wine32:amd64', 'wine32:i386'],
    ['oldcfg', 'half', 'python3.11'],
  ];
  for (const names of sets) {
    const r = both(names, dir);
    assert.deepEqual(r.fast, r.query, names.join(' '));
  }
  // What the comparison covers: two instances in dpkg's order, config-files, no version, no arch, the dropped
  // not-installed names; and the continuation line " Version: 9.9" in libc6's Description is not a field.
  const s = both(ALL_CRAFTED, dir).fast.packages;
  assert.deepEqual(s.get('libc6'), [
    { arch: 'amd64', status: 'installed', version: '2.36-9+deb12u14' },
    { arch: 'i386', status: 'installed', version: '2.36-9+deb12u14' },
  ]);
  assert.deepEqual(s.get('libfoo1')?.map((p) => p.status), ['installed', 'config-files']);
  assert.deepEqual(s.get('half'), [{ arch: 'amd64', status: 'half-installed', version: '' }]);
  assert.deepEqual(s.get('oldcfg'), [{ arch: '', status: 'config-files', version: '1.0' }]);
  for (const n of ['phantom-dep', 'debconf-2.0', 'nope']) assert.equal(s.has(n), false, n);
  assert.deepEqual(both(['libc6:i386'], dir).fast.packages.get('libc6'), [{ arch: 'i386', status: 'installed', version: '2.36-9+deb12u14' }]);
  assert.equal(both(['adduser:amd64'], dir).fast.packages.size, 0, 'an arch-all package is not name:amd64');
});

test('busybox sh and busybox sed read the status file the same way', () => {
  assert.ok(busybox !== '', 'busybox is installed (scripts/setup.sh installs it)');
  const dir = adminDir('busybox');
  const bin = join(temp, 'busybox-bin');
  mkdirSync(bin);
  symlinkSync(busybox, join(bin, 'sed'));
  const script = dpkgProbe(withArches, dir);
  const out = run(script, { PATH: `${bin}:${process.env.PATH ?? ''}` }, [busybox, 'sh']);
  assert.equal(source(out), 'status');
  assert.deepEqual(parseApt(out, withArches), parseApt(run(script, { DPKG_ADMINDIR: dir }), withArches));
});

test('fallbacks to dpkg-query: journal, unincorporated triggers, DPKG_ADMINDIR or DPKG_ROOT, no status file, no sed', () => {
  // Not a journal: dpkg's own temp file. The status file stays the source.
  const plain = adminDir('plain');
  writeFileSync(join(plain, 'updates', 'tmp.i'), '#padded\n');
  assert.equal(source(run(dpkgProbe(['g++'], plain))), 'status');

  // An interrupted dpkg left g++ unpacked in its journal: only dpkg-query (which applies it) says so.
  const journal = adminDir('journal');
  const gxx = /^Package: g\+\+\n(?:.+\n)*/m.exec(readFileSync(FIXTURE, 'utf8'))![0];
  writeFileSync(join(journal, 'updates', '0000'), gxx.replace('Status: hold ok installed', 'Status: install ok unpacked'));
  const j = run(dpkgProbe(['g++', 'libc6'], journal));
  assert.equal(source(j), 'dpkg-query');
  assert.deepEqual(parseApt(j).packages.get('g++')?.map((p) => p.status), ['unpacked']);

  // A trigger activated outside dpkg (triggers/Unincorp): dpkg-query shows wine32 triggers-pending, the file installed.
  const trig = adminDir('triggers');
  writeFileSync(join(trig, 'triggers', 'tsinfra-test'), 'wine32\n');
  writeFileSync(join(trig, 'triggers', 'Unincorp'), 'tsinfra-test -\n');
  const u = run(dpkgProbe(['wine32'], trig));
  assert.equal(source(u), 'dpkg-query');
  assert.deepEqual(parseApt(u).packages.get('wine32')?.map((p) => p.status), ['triggers-pending']);

  // Another database named in the environment (even empty: dpkg-query reads it), no status file, no sed.
  assert.equal(source(run(dpkgProbe(['g++'], plain), { DPKG_ADMINDIR: plain })), 'dpkg-query');
  assert.equal(source(run(dpkgProbe(['g++'], plain), { DPKG_ROOT: '' })), 'dpkg-query');
  const empty = join(temp, 'empty');
  mkdirSync(empty);
  assert.equal(run(dpkgProbe(['g++'], empty)), '');
  const bin = join(temp, 'no-sed-bin');
  mkdirSync(bin);
  const dpkgQuery = spawnSync('sh', ['-c', 'command -v dpkg-query'], { encoding: 'utf8' }).stdout.trim();
  symlinkSync(dpkgQuery, join(bin, 'dpkg-query'));
  assert.equal(source(run(dpkgProbe(['g++'], plain), { PATH: bin })), 'dpkg-query');
});
