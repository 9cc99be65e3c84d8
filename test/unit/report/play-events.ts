// A fixed run, as the engine reports it: the input of the reporter snapshot tests, and the snapshot helper.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunEvent, TaskRef } from '../../../src/engine/events.js';

const SNAPSHOTS = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/report');

/** Compares with test/fixtures/report/NAME; UPDATE_SNAPSHOTS=1 rewrites the file instead (review its diff). */
export function matchSnapshot(actual: string, name: string): void {
  const path = join(SNAPSHOTS, name);
  if (process.env.UPDATE_SNAPSHOTS) writeFileSync(path, actual);
  assert.equal(actual, readFileSync(path, 'utf8'));
}

const task = (id: string, name: string, extra: Partial<TaskRef> = {}): TaskRef => ({ id, name, at: `site.yml:${id}:5`, ...extra });

const gather = task('3', 'Gathering Facts');
const packages = task('10', 'install packages', { role: 'base' });
const users = task('20', 'create users', { role: 'base' });
const motd = task('30', 'write motd');
const probe = task('40', 'check disk');
const secret = task('50', 'set the database password');
const show = task('60', 'show the address');
const handler = task('70', 'restart nginx', { role: 'web', isHandler: true });
const hosts = ['master1', 'worker1', 'db-primary'];

export const PLAY_EVENTS: RunEvent[] = [
  { type: 'run_start', playbook: 'site.yml', check: false, diff: true, hosts: 3 },
  { type: 'play_start', play: 'base setup', hosts },
  { type: 'task_start', task: gather, hosts },
  { type: 'host_result', task: gather, result: { host: 'master1', status: 'ok', changes: [], durationMs: 40 } },
  { type: 'host_result', task: gather, result: { host: 'worker1', status: 'ok', changes: [], durationMs: 41 } },
  { type: 'host_result', task: gather, result: { host: 'db-primary', status: 'unreachable', changes: [], message: 'db-primary: connect ECONNREFUSED 10.99.0.13:22', durationMs: 3 } },
  { type: 'task_start', task: packages, hosts: ['master1', 'worker1'] },
  { type: 'host_result', task: packages, result: { host: 'master1', status: 'changed', changes: ['install nginx 1.22.1-9', 'install sshguard'], durationMs: 900 } },
  { type: 'host_result', task: packages, result: { host: 'worker1', status: 'ok', changes: [], durationMs: 120 } },
  { type: 'task_start', task: users, hosts: ['master1', 'worker1'] },
  { type: 'host_result', task: users, result: { host: 'master1', status: 'changed', changes: ['create user alice'], item: 'alice', durationMs: 30 } },
  { type: 'host_result', task: users, result: { host: 'master1', status: 'ok', changes: [], item: 'bob', durationMs: 20 } },
  { type: 'host_result', task: users, result: { host: 'master1', status: 'skipped', changes: [], message: 'condition false', item: 'carol', durationMs: 1 } },
  { type: 'host_result', task: users, result: { host: 'master1', status: 'changed', changes: [], durationMs: 60 } },
  { type: 'host_result', task: users, result: { host: 'worker1', status: 'failed', changes: [], message: 'useradd: group admins does not exist', item: 'alice', durationMs: 30 } },
  { type: 'host_result', task: users, result: { host: 'worker1', status: 'failed', changes: [], message: 'useradd: group admins does not exist', ignored: true, durationMs: 31 } },
  { type: 'task_start', task: motd, hosts: ['master1', 'worker1'] },
  {
    type: 'host_result',
    task: motd,
    result: {
      host: 'master1', status: 'changed', changes: ['write /etc/motd (2 lines differ)'], durationMs: 15,
      diff: { path: '/etc/motd', before: 'Welcome\nto master1\nmanaged by hand\n', after: 'Welcome\nto master1\nmanaged by tsinfra\n' },
    },
  },
  { type: 'host_result', task: motd, result: { host: 'worker1', status: 'skipped', changes: [], message: 'condition false', durationMs: 1 } },
  { type: 'task_start', task: probe, hosts: ['master1', 'worker1'] },
  { type: 'host_result', task: probe, result: { host: 'master1', status: 'ok', changes: [], stdout: '/dev/vda1 40G 12G\n', stderr: '', rc: 0, durationMs: 9 } },
  {
    type: 'host_result',
    task: probe,
    result: {
      host: 'worker1', status: 'failed', changes: [], message: 'non-zero return code 2', durationMs: 9, rc: 2,
      stdout: Array.from({ length: 25 }, (_, i) => `line ${i + 1}`).join('\n') + '\n', stderr: "df: /data: No such file or directory\n",
    },
  },
  { type: 'task_start', task: secret, hosts: ['master1'] },
  { type: 'host_result', task: secret, result: { host: 'master1', status: 'changed', changes: ['set password to hunter2'], stdout: 'hunter2', durationMs: 5, noLog: true } },
  { type: 'task_start', task: show, hosts: ['master1'] },
  { type: 'host_result', task: show, result: { host: 'master1', status: 'ok', changes: [], message: 'master1 is at 10.99.0.11\nand 10.99.2.11', durationMs: 0 } },
  { type: 'task_start', task: handler, hosts: ['master1'] },
  { type: 'host_result', task: handler, result: { host: 'master1', status: 'changed', changes: ['restart nginx'], durationMs: 200 } },
  { type: 'play_end', play: 'base setup' },
  {
    type: 'recap',
    hosts: {
      master1: { ok: 4, changed: 5, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
      worker1: { ok: 2, changed: 0, unreachable: 0, failed: 1, skipped: 1, rescued: 0, ignored: 1 },
      'db-primary': { ok: 0, changed: 0, unreachable: 1, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
    },
    durationMs: 3210,
    retryFile: '/tmp/site.retry',
    roundTrips: 17,
  },
];
