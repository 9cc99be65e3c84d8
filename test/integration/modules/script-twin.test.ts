// script against Ansible's: the same controller-side scripts run with ansible-playbook on master1 and with tsinfra
// on its twin master2 (arguments with quotes, creates/removes, chdir, executable, a non-zero rc under failed_when).
// Compared: what the scripts left on each host, and the registered changed/rc/stderr/stdout (Ansible's ssh runs the
// script on a pty, which turns "\n" into "\r\n" and folds stderr into stdout: compared on stdout_lines, see
// docs/modules.md#script). Then: nothing left behind in /tmp, a second run and --check report changed=0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';
const dir = mkdtempSync(join(tmpdir(), 'tsinfra-script-twin-'));
const ARGS = join(dir, 'args.sh');
writeFileSync(ARGS, '#!/bin/sh\nmkdir -p /var/tmp/sc\nprintf \'%s|\' "$#" "$@" > /var/tmp/sc/args\necho "out $1"\n');
const FAILS = join(dir, 'fails.sh');
writeFileSync(FAILS, '#!/bin/sh\necho "about to fail"\ntouch /var/tmp/sc/failed-once\nexit 3\n');
const WHERE = join(dir, 'where.py');
writeFileSync(WHERE, 'import os\nopen("/var/tmp/sc/where", "w").write(os.getcwd() + "\\n")\nprint("py")\n');

const CASES: [name: string, task: string][] = [
  ['args', `script: ${ARGS} "a b" 'c$HOME' d creates=/var/tmp/sc/args`],
  ['skipped_creates', `script: ${ARGS} x creates=/var/tmp/sc/args`],
  ['skipped_removes', `script:\n        cmd: ${ARGS} y\n        removes: /var/tmp/sc/nothing`],
  ['fails', `script: ${FAILS}\n      args: { creates: /var/tmp/sc/failed-once }\n      failed_when: false`],
  ['where', `ansible.builtin.script: ${WHERE} chdir=/var/tmp executable=python3 creates=/var/tmp/sc/where`],
];

const book = (dump: boolean) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.map(([name, task]) => `    - name: script ${name}\n      ${task}\n      register: ${name}\n${dump ? dumpTask(name) : ''}`).join('');

const KEYS = ['changed', 'rc', 'stdout_lines', 'failed'];
const norm = (r: Record<string, unknown>) => ({
  ...Object.fromEntries(KEYS.map((k) => [k, r[k]])),
  stdout_lines: ((r.stdout_lines as string[] | undefined) ?? []).map((l) => l.replace(/\r$/, '')),
});

test('script runs as Ansible runs it, registering the same rc and output', { timeout: 600_000 }, async () => {
  const theirs = await ansiblePlay(lab!, THEIRS, book(true));
  const ours = await tsinfraPlay(lab!, OURS, book(true));
  assertBothSucceeded(theirs, ours);
  let agreed = 0;
  const disagree: string[] = [];
  for (const [name] of CASES) {
    const a = norm(await registeredOn(lab!, THEIRS, name));
    const b = norm(await registeredOn(lab!, OURS, name));
    for (const k of KEYS) {
      if (JSON.stringify(a[k as keyof typeof a]) === JSON.stringify(b[k as keyof typeof b])) agreed++;
      else disagree.push(`${name}.${k}: tsinfra ${JSON.stringify(b[k as keyof typeof b])} ansible ${JSON.stringify(a[k as keyof typeof a])}`);
    }
  }
  const STATE = 'cd /var/tmp/sc && for f in $(ls | sort); do echo "$f: $(cat $f)"; done';
  const sa = ok(await hostExec(lab!, THEIRS, STATE));
  const sb = ok(await hostExec(lab!, OURS, STATE));
  process.stderr.write(`script differential: ${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ; host state ${sa === sb ? 'identical' : 'differs'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa);
  assert.match(sb, /^args: 3\|a b\|c\$HOME\|d\|$/m, 'arguments keep their quoting');
  assert.match(sb, /^where: \/var\/tmp$/m);
  const ours2 = await registeredOn(lab!, OURS, 'fails');
  assert.equal(ours2.rc, 3);
  assert.equal(ours2.changed, true);
  assert.equal((await registeredOn(lab!, OURS, 'skipped_creates')).changed, false);
  assert.equal(ok(await hostExec(lab!, OURS, 'ls -A /tmp | grep -c tsinfra-script || true')).trim(), '0', 'nothing left behind');

  const again = await tsinfraPlay(lab!, OURS, book(false));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, 'a second run changes nothing (every task has creates/removes)');
  ok(await hostExec(lab!, OURS, 'rm -f /var/tmp/sc/where'));
  const check = await tsinfraPlay(lab!, OURS, book(false), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 1, '--check: the script whose creates is gone would run');
  assert.equal((await hostExec(lab!, OURS, 'test -e /var/tmp/sc/where')).code, 1, '--check ran nothing');
});

test('a failing script fails the task with its rc and output', { timeout: 400_000 }, async () => {
  const r = await tsinfraPlay(lab!, OURS, `- hosts: all\n  gather_facts: false\n  tasks:\n    - script: ${FAILS}\n`);
  assert.equal(r.failed, 1, r.output);
  assert.match(r.output, /non-zero return code/);
  assert.match(r.output, /about to fail/);
});
