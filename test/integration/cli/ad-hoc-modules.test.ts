// Ad-hoc modules against `ansible`: the same `PATTERN -m MODULE -a ARGS` run by Debian's ansible on master1 and by
// tsinfra on its twin master2, one inventory for both. Compared: the status words, the JSON's key set (volatile keys
// aside), command's `rc=N >>` text, -o lines, and the exit codes (failed 2, unreachable 4). One lab, every pair at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inBatches, oracleDir } from '../../support/ansible-cli.js';
import { spawn } from 'node:child_process';
import { TSINFRA, type CliResult } from '../../support/cli.js';
import { findHost, hostExec, ok, startLab } from '../../support/lab.js';

const started = Date.now();
const lab = await startLab({ kind: 'namespace', hosts: 2 });
const THEIRS = 'master1';
const OURS = 'master2';
const o = oracleDir('tsinfra-ad-hoc-');
const common = `ansible_user=root ansible_ssh_private_key_file=${lab.privateKeyPath} ansible_python_interpreter=/usr/bin/python3 ` +
  `tsinfra_known_hosts_file=${lab.knownHostsPath} ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHostsPath} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'`;
const line = (h: string) => `${h} ansible_host=${findHost(lab, h).sshAddress} ${common}`;
o.write('hosts.ini', `${line(THEIRS)}\n${line(OURS)}\n[down]\ndead1 ansible_host=127.0.0.1 ansible_port=1 ${common}\ndead2 ansible_host=127.0.0.1 ansible_port=1 ${common}\n`);

// [case, pattern's host pair (ansible's, ours), arguments after the pattern]
type Case = [name: string, hosts: [string, string], args: string[]];
const CASES: Case[] = [
  ['ping', [THEIRS, OURS], ['-m', 'ping']],
  ['command', [THEIRS, OURS], ['-a', 'echo hello']],
  ['command stderr', [THEIRS, OURS], ['-m', 'shell', '-a', 'echo out; echo err >&2']],
  ['apt --check', [THEIRS, OURS], ['-m', 'apt', '-a', 'name=openssh-server state=present', '--check']],
  ['command --check: skipped', [THEIRS, OURS], ['-a', 'touch /tmp/never', '--check']],
  ['a failing command', [THEIRS, OURS], ['-a', 'false']],
  ['an unreachable host', ['dead1', 'dead2'], ['-m', 'ping']],
  ['-o, ping', [THEIRS, OURS], ['-m', 'ping', '-o']],
  ['-o, command', [THEIRS, OURS], ['-m', 'shell', '-a', 'echo a; echo b >&2', '-o']],
  ['-e into -a', [THEIRS, OURS], ['-m', 'debug', '-a', 'msg={{ greeting }}', '-e', 'greeting=hi']],
];
const COPY = ['-m', 'copy', '-a', 'content=twin dest=/tmp/ad-hoc-copy mode=0644'];

const pair = (hosts: [string, string], args: string[]) =>
  Promise.all([o.ansible('ansible', [hosts[0], '-i', 'hosts.ini', ...args]), o.tsinfra([hosts[1], '-i', 'hosts.ini', ...args])]);
const runs = inBatches(CASES.map(([, hosts, args]) => () => pair(hosts, args)), 6);
// copy twice, in order: CHANGED, then SUCCESS.
const copies = (async () => [await pair([THEIRS, OURS], COPY), await pair([THEIRS, OURS], COPY)])();

/** `host | WORD => {json}` (or `host | WORD | rc=…`): the status word and the parsed JSON, the host name replaced. */
function parse(r: CliResult, host: string): { head: string; json?: Record<string, unknown>; rest: string } {
  const out = r.stdout.replaceAll(host, 'HOST');
  const m = /^HOST \| ([A-Z!]+)(?: => (\{[\s\S]*\}))?/.exec(out);
  assert.ok(m, `no ad-hoc result line:\n${r.stdout}${r.stderr}`);
  return { head: m[1]!, json: m[2] ? (JSON.parse(m[2]) as Record<string, unknown>) : undefined, rest: out };
}

// Volatile or Ansible's own: timing, the module invocation, copy's temp source, apt's cache time.
const VOLATILE = ['start', 'end', 'delta', 'invocation', 'src', 'cache_update_time', 'warnings', 'deprecations'];
const keys = (j: Record<string, unknown> | undefined) => Object.keys(j ?? {}).filter((k) => !VOLATILE.includes(k)).sort();

/**
 * Where a module's registered keys do not match Ansible's yet (module work, not the ad-hoc command's): the keys only
 * Ansible has (-) and only tsinfra has (+). Asserted exactly, so a fixed module makes its entry fail and go.
 */
const KNOWN_KEY_GAPS: Record<string, string[]> = {
};

function compare(name: string, [ansible, ours]: CliResult[], hosts: [string, string], gaps = KNOWN_KEY_GAPS[name] ?? []): void {
  const context = `${name}\nansible (${ansible!.code}):\n${ansible!.stdout}${ansible!.stderr.slice(-1500)}\ntsinfra (${ours!.code}):\n${ours!.stdout}${ours!.stderr.slice(-1500)}`;
  const a = parse(ansible!, hosts[0]);
  const b = parse(ours!, hosts[1]);
  assert.equal(b.head, a.head, `status word: ${context}`);
  assert.equal(ours!.code, ansible!.code, `exit code: ${context}`);
  if (a.json) {
    const theirs = keys(a.json);
    const mine = keys(b.json);
    const diff = [...theirs.filter((k) => !mine.includes(k)).map((k) => `-${k}`), ...mine.filter((k) => !theirs.includes(k)).map((k) => `+${k}`)];
    assert.deepEqual(diff, gaps, `JSON keys (-: only ansible's, +: only ours): ${context}`);
  } else {
    const unreachable = (t: string) => t.replace(/^(HOST \| UNREACHABLE!:) .*/m, '$1');
    assert.equal(unreachable(b.rest), unreachable(a.rest), `text: ${context}`);
  }
}

for (const [i, [name, hosts]] of CASES.entries()) {
  test(`ad-hoc ${name}: tsinfra prints and exits as ansible`, { timeout: 400_000 }, async () => {
    compare(name, await runs[i]!, hosts);
  });
}

test('ad-hoc copy: CHANGED, then SUCCESS, the file written on the host', { timeout: 400_000 }, async () => {
  const [first, second] = await copies;
  compare('copy #1', first, [THEIRS, OURS]);
  compare('copy #2', second, [THEIRS, OURS]);
  assert.equal(parse(first[1]!, OURS).head, 'CHANGED');
  assert.equal(parse(second[1]!, OURS).head, 'SUCCESS');
  assert.equal(ok(await hostExec(lab, OURS, 'cat /tmp/ad-hoc-copy')), 'twin');
});

test('results stream per host as each finishes (as ansible); options before the pattern', { timeout: 400_000 }, async () => {
  // THEIRS finishes at once; OURS waits for a file the test writes only once THEIRS's result is printed, so results
  // held back to the end never come (OURS gives up after 90 s and the run fails).
  ok(await hostExec(lab, OURS, 'rm -f /tmp/ad-hoc-go'));
  const wait = `{% if inventory_hostname == '${OURS}' %}i=0; until [ -e /tmp/ad-hoc-go ] || [ $i -ge 450 ]; do sleep 0.2; i=$((i+1)); done; test -e /tmp/ad-hoc-go{% else %}true{% endif %}`;
  const child = spawn(TSINFRA, ['-i', 'hosts.ini', '-m', 'shell', '-a', wait, `${THEIRS}:${OURS}`], { cwd: o.dir, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      stdout += b;
      if (stdout.includes(`${THEIRS} | CHANGED`)) resolve();
    });
    void exited.then(() => reject(new Error(`tsinfra ended before printing ${THEIRS}'s result:\n${stdout}${stderr}`)));
  });
  assert.ok(!stdout.includes(OURS), `${OURS}'s result came before it could: ${stdout}`);
  ok(await hostExec(lab, OURS, 'touch /tmp/ad-hoc-go'));
  assert.equal(await exited, 0, `exit code:\n${stdout}${stderr}`);
  assert.ok(stdout.startsWith(`${THEIRS} | CHANGED | rc=0 >>`) && stdout.includes(`\n${OURS} | CHANGED | rc=0 >>`), stdout);
});

test('exact outputs agree where nothing is volatile', { timeout: 400_000 }, async () => {
  for (const [i, [name, hosts]] of CASES.entries()) {
    if (name === 'apt --check' || hosts[0] !== THEIRS) continue; // apt's cache time; ssh's own error text
    const [ansible, ours] = await runs[i]!;
    assert.equal(ours!.stdout.replaceAll(OURS, 'HOST'), ansible!.stdout.replaceAll(THEIRS, 'HOST'), name);
  }
  process.stderr.write(`ad-hoc-modules.test.ts: ${CASES.length + 2} pairs compared in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
