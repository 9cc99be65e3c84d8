// The interrupt exit code against the oracle: ansible-playbook and tsinfra play run the same playbook on
// `localhost ansible_connection=local` (the slow task delegated to localhost), each gets SIGINT once its slow task is running (the task writes its pid to a
// marker file, then sleeps), and both must exit with the same code (99: REFERENCE.md, measured). Root-free, no lab:
// the lab-side checks of an interrupt (no remote process left, the recap) are test/faults/interrupt.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { oracleDir } from '../../support/ansible-cli.js';
import { TSINFRA } from '../../support/cli.js';

const o = oracleDir('tsinfra-interrupt-');
o.write('hosts.ini', '[web]\nlocalhost ansible_connection=local\n');
const book = (marker: string) =>
  `- hosts: web\n  gather_facts: false\n  tasks:\n    - name: slow\n      shell: echo $$ > ${join(o.dir, marker)}; exec sleep 60\n      delegate_to: localhost\n    - name: never\n      command: /bin/true\n`;
o.write('ansible.yml', book('ansible.pid'));
o.write('tsinfra.yml', book('tsinfra.pid'));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `program`, sends SIGINT once the slow task wrote its marker; the exit code, the output, and the task's pid. */
async function interrupted(program: string, args: string[], marker: string): Promise<{ code: number | null; output: string; taskPid?: number }> {
  const child = spawn(program, args, { cwd: o.dir, env: { ...process.env, NO_COLOR: '1', ANSIBLE_NOCOLOR: '1', ANSIBLE_CONFIG: join(o.dir, 'ansible.cfg'), ANSIBLE_LOCAL_TEMP: join(o.dir, '.tmp') }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (b: Buffer) => (output += b));
  child.stderr.on('data', (b: Buffer) => (output += b));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const file = join(o.dir, marker);
  const deadline = Date.now() + 90_000; // ansible-playbook's start on a loaded machine
  while (!existsSync(file) && child.exitCode === null && Date.now() < deadline) await sleep(100);
  assert.ok(existsSync(file), `${program}: the slow task never started:\n${output}`);
  const taskPid = Number(readFileSync(file, 'utf8').trim());
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000); // a hang fails below, with the output
  const code = await closed;
  clearTimeout(timer);
  return { code, output, taskPid };
}

test('SIGINT mid-task: tsinfra play exits with the code ansible-playbook exits with', { timeout: 300_000 }, async () => {
  const [ansible, ours] = await Promise.all([
    interrupted('ansible-playbook', ['-i', 'hosts.ini', 'ansible.yml'], 'ansible.pid'),
    interrupted(TSINFRA, ['play', '-i', 'hosts.ini', 'tsinfra.yml'], 'tsinfra.pid'),
  ]);
  const isAlive = (pid?: number) => {
    try {
      return pid !== undefined && process.kill(pid, 0);
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 50 && isAlive(ours.taskPid); i++) await sleep(100);
  const oursLeft = isAlive(ours.taskPid);
  // ansible-playbook leaves its task's process running; the test ends it (and ours, had it been left).
  for (const r of [ansible, ours]) {
    try {
      if (r.taskPid) process.kill(r.taskPid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  assert.equal(ansible.code, 99, `ansible-playbook:\n${ansible.output}`);
  assert.equal(ours.code, ansible.code, `tsinfra:\n${ours.output}`);
  assert.doesNotMatch(ours.output, /TASK \[never\]/, 'no task after the interrupt');
  assert.equal(oursLeft, false, 'tsinfra stopped the task it interrupted');
});
