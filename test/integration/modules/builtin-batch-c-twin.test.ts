// service_facts, package_facts, wait_for, pause and git against Ansible's: one playbook with every case applied with
// ansible-playbook to master1 and with tsinfra to its twin master2. Compared: each case's registered keys and the
// resulting state (the git checkouts). Then a second tsinfra run reports changed=0, and a --check run after the
// state was disturbed reports the changes and makes none.
import { test } from 'node:test';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { hostExec, ok, run, startLab } from '../../support/lab.js';
import { ansiblePlay, assertBothSucceeded, compareCases, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const started = Date.now();
const T = '/var/tmp/twin-c';
// The repository git clones: made on the controller before the lab starts, so every lab host sees it at the same
// path through its overlay root (the controller's / is the lower layer).
const G = `/var/tmp/tsinfra-git-twin-${process.pid}`;
process.once('exit', () => rmSync(G, { recursive: true, force: true }));
const GIT = 'git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main';
ok(
  await run('sh', [
    '-c',
    [
      `rm -rf ${G} && mkdir -p ${G}/src && cd ${G}/src && ${GIT} init -q`,
      `echo one > a.txt && ${GIT} add a.txt && ${GIT} commit -qm one && ${GIT} tag v1`,
      `${GIT} checkout -qb dev && echo dev > d.txt && ${GIT} add d.txt && ${GIT} commit -qm dev`,
      `${GIT} checkout -q main && echo two > a.txt && ${GIT} commit -qam two && ${GIT} tag -a v2 -m v2`,
      `cd .. && git clone -q --bare src repo.git && git clone -q --bare src other.git`,
    ].join(' && '),
  ]),
  'git fixture',
);
const lab = await startLab({ kind: 'namespace', hosts: 2 });
const THEIRS = 'master1';
const OURS = 'master2';

// once: left out of the second and --check runs (they only wait: pause, sleeps and timeouts).
type Case = [name: string, module: string, args: string, keys: string[], options?: { failing?: boolean; once?: boolean }];
const WAIT = ['changed', 'state', 'port', 'path', 'search_regex', 'match_groups', 'match_groupdict', 'elapsed', 'failed', 'msg', 'uid', 'gid', 'owner', 'group', 'mode', 'size'];
// stdout ("Paused for 1.01 seconds") carries the wall time's hundredths: checked by pattern below.
const PAUSE = ['changed', 'rc', 'stderr', 'delta', 'echo', 'user_input'];
const GITK = ['changed', 'before', 'after', 'remote_url_changed', 'msg', 'failed', 'warnings'];

const CASES: Case[] = [
  ['sf', 'service_facts', '{}', ['changed', 'ansible_facts', 'skipped', 'msg']],
  ['pf', 'package_facts', '{}', ['changed', 'ansible_facts']],
  ['w_path', 'wait_for', `{ path: ${T}/ready.log, search_regex: '^status: (?P<state>\\w+) (\\d+)$', timeout: 5 }`, WAIT],
  ['w_plain', 'wait_for', `path=${T}/ready.log`, WAIT],
  ['w_absent', 'wait_for', `path=${T}/nothing state=absent timeout=3`, WAIT],
  ['w_port', 'wait_for', 'port=22 timeout=5', WAIT],
  ['w_stopped', 'wait_for', 'port=1 state=stopped timeout=5', WAIT],
  ['w_drained', 'wait_for', 'port=9999 state=drained timeout=5', WAIT],
  ['w_sleep', 'wait_for', 'timeout=1', WAIT, { once: true }],
  ['w_timeout', 'wait_for', `{ path: ${T}/ready.log, search_regex: never-there, timeout: 1 }`, ['changed', 'failed', 'msg'], { failing: true, once: true }],
  ['p_seconds', 'pause', 'seconds=1', PAUSE, { once: true }],
  ['p_minutes', 'pause', 'minutes=0', PAUSE, { once: true }],
  ['p_prompt', 'pause', '{ prompt: "Continue?", echo: false }', PAUSE],
  ['g_clone', 'git', `repo=${G}/repo.git dest=${T}/co1`, GITK],
  ['g_again', 'git', `{ repo: "file://${G}/repo.git", dest: ${T}/co1 }`, GITK],
  ['g_noupdate', 'git', `{ repo: ${G}/other.git, dest: ${T}/co1, update: false, version: dev }`, GITK],
  ['g_tag', 'git', `{ repo: ${G}/repo.git, dest: ${T}/co2, version: v1 }`, GITK],
  ['g_branch', 'git', `{ repo: ${G}/repo.git, dest: ${T}/co3, version: dev }`, GITK],
  ['g_shallow', 'git', `{ repo: ${G}/repo.git, dest: ${T}/co4, version: v2, depth: 1 }`, GITK],
  ['g_url', 'git', `{ name: ${G}/repo.git, dest: ${T}/co5, version: dev, accept_hostkey: true }`, GITK],
  ['g_force', 'git', `{ repo: ${G}/repo.git, dest: ${T}/co6, version: main, force: true }`, GITK],
  // msg checked below (ours names the module first, as every plan error does); Ansible also registers `before` on this failure, we do not.
  ['g_modified', 'git', `{ repo: ${G}/repo.git, dest: ${T}/co7 }`, ['changed', 'failed'], { failing: true }],
];

const book = (options: { dump: boolean }) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.filter((c) => options.dump || !c[4]?.once).map(([name, module, args, , o]) => `    - name: ${module} ${name}\n      ansible.builtin.${module}: ${args}\n      register: ${name}\n${o?.failing ? '      ignore_errors: true\n' : ''}`).join('') +
  (options.dump
    ? `    - set_fact:\n        twin_all: { ${CASES.map((c) => `${c[0]}: "{{ ${c[0]} }}"`).join(', ')} }\n${dumpTask('twin_all')}`
    : '');

const FIXTURES = [
  `rm -rf ${T} && mkdir -p ${T}`,
  `printf 'boot\\nstatus: ready 42\\n' > ${T}/ready.log`,
  `git clone -q --no-local ${G}/other.git ${T}/co5`,
  `git clone -q file://${G}/repo.git ${T}/co6 && echo local >> ${T}/co6/a.txt`,
  `git clone -q file://${G}/repo.git ${T}/co7 && echo local >> ${T}/co7/a.txt`,
];
// Each checkout: its commit, branch, remote URL, status and files.
const STATE = `cd ${T} && for d in co*; do echo "$d"; git -C $d rev-parse HEAD; git -C $d branch --show-current; git -C $d remote get-url origin; git -C $d status --porcelain; ls -A $d; git -C $d rev-list --count HEAD; done`;

test('service_facts, package_facts, wait_for, pause and git register and change what Ansible does', { timeout: 600_000 }, async () => {
  for (const host of [THEIRS, OURS]) ok(await hostExec(lab, host, FIXTURES.join(' && ')), `fixtures on ${host}`);
  const t0 = Date.now();
  const theirs = await ansiblePlay(lab, THEIRS, book({ dump: true }));
  const t1 = Date.now();
  const ours = await tsinfraPlay(lab, OURS, book({ dump: true }));
  process.stderr.write(`# builtin batch c: ansible-playbook ${((t1 - t0) / 1000).toFixed(1)} s, tsinfra ${((Date.now() - t1) / 1000).toFixed(1)} s (${CASES.length} cases)\n`);
  assertBothSucceeded(theirs, ours);

  const all = { theirs: await registeredOn(lab, THEIRS, 'twin_all'), ours: await registeredOn(lab, OURS, 'twin_all') };
  const { disagree, summary } = compareCases(all, CASES);
  const sa = ok(await hostExec(lab, THEIRS, STATE));
  const sb = ok(await hostExec(lab, OURS, STATE));
  process.stderr.write(`builtin batch c differential: registered keys agree: ${summary}; state ${sa === sb ? 'identical' : 'differs'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa);
  const services = ((all.ours.sf as Record<string, unknown>).ansible_facts as { services: Record<string, { state: string }> }).services;
  assert.equal(services.ssh?.state, 'running', 'sshd runs on the lab host');
  assert.deepEqual((all.ours.w_path as Record<string, unknown>).match_groupdict, { state: 'ready' });
  const modified = `Local modifications exist in the destination: ${T}/co7 (force=no).`;
  assert.equal((all.theirs.g_modified as Record<string, unknown>).msg, modified);
  assert.equal((all.ours.g_modified as Record<string, unknown>).msg, `git: ${modified}`);
  assert.equal((all.ours.g_url as Record<string, unknown>).remote_url_changed, true);
  for (const [name, unit] of [['p_seconds', 'seconds'], ['p_minutes', 'minutes']]) {
    for (const side of [all.ours, all.theirs]) assert.match(String((side[name!] as Record<string, unknown>).stdout), new RegExp(`^Paused for [0-9.]+ ${unit}$`));
  }

  const again = await tsinfraPlay(lab, OURS, book({ dump: false }));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, `a second run changes nothing:\n${again.output.slice(-3000)}`);

  // Disturbed: a checkout moved to another tag, a tracked file edited under force. --check reports both, changes nothing.
  ok(await hostExec(lab, OURS, `git -C ${T}/co2 checkout -q v2 && echo again >> ${T}/co6/a.txt`));
  const before = ok(await hostExec(lab, OURS, STATE + '; true'));
  const check = await tsinfraPlay(lab, OURS, book({ dump: false }), { check: true });
  assert.equal(check.code, 0, check.output);
  // The two disturbed checkouts, plus g_modified: after an earlier planned change the engine reports a plan error
  // in check mode as a change it cannot plan yet (Ansible fails that task, ignored, in check mode too).
  assert.equal(check.changed, 3, `--check reports the changes:\n${check.output.slice(-3000)}`);
  for (const c of [`check out`, `discard local modifications in ${T}/co6`, 'cannot plan until earlier changes are made: git: Local modifications']) assert.ok(check.output.includes(c), c);
  assert.equal(ok(await hostExec(lab, OURS, STATE + '; true')), before, '--check changed nothing');
  process.stderr.write(`builtin-batch-c-twin took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
