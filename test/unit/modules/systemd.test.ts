// systemd: `systemctl show` parsed as Ansible parses it, the registered name/state/enabled/status, the argument
// rules, and the probe run with the real /bin/sh (dash) on this machine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { stateResult } from '../../../src/modules/define.js';
import { parseSystemctlShow } from '../../../src/modules/lib/systemd.js';
import { parseSystemd } from '../../../src/modules/systemd.js';
import { validateArgs } from '../../../src/modules/registry.js';
import { argsOf, runSh, stateModule } from './support.js';

test('parseSystemctlShow: Key=value lines, values trimmed, multi-line Exec values up to the brace', () => {
  const text = 'Id=nginx.service\nDescription= A web server \nExecStart={ path=/usr/sbin/nginx ; argv[]=/usr/sbin/nginx -g daemon on;\n master_process on; ; ignore_errors=no }\nExecReload={ path=/bin/kill ; argv[]=/bin/kill -HUP $MAINPID }\nEnvironment=A=1 B=2\nnot a property\n';
  assert.deepEqual(parseSystemctlShow(text), {
    Id: 'nginx.service',
    Description: 'A web server',
    ExecStart: '{ path=/usr/sbin/nginx ; argv[]=/usr/sbin/nginx -g daemon on;\n master_process on; ; ignore_errors=no }',
    ExecReload: '{ path=/bin/kill ; argv[]=/bin/kill -HUP $MAINPID }',
    Environment: 'A=1 B=2',
  });
});

function registered(raw: Record<string, unknown>, probe: string) {
  const m = stateModule('systemd');
  const args = argsOf('systemd', raw);
  const state = m.parse({ stdout: probe, stderr: '', code: 0, signal: null }, args);
  const changes = m.plan(args, state);
  return stateResult(m, { args, state, changes });
}

const status = (active: string) => `status_begin\nId=app.service\nLoadState=loaded\nActiveState=${active}\nstatus_end\n`;

test("systemd registers Ansible's name, state, enabled and status (the unit before the task)", () => {
  const started = registered({ name: 'app', state: 'restarted', enabled: true }, `booted=1\nis_enabled=disabled\n${status('inactive')}`);
  assert.equal(started.changed, true);
  assert.equal(started.name, 'app');
  assert.equal(started.state, 'started', 'restarted and reloaded report started, as Ansible does');
  assert.equal(started.enabled, true);
  assert.deepEqual(started.status, { Id: 'app.service', LoadState: 'loaded', ActiveState: 'inactive' });
  // Unchanged: enabled is what is-enabled says, in Ansible's terms (static counts as enabled).
  const fixed = registered({ name: 'app', enabled: false }, `booted=1\nis_enabled=static\n${status('active')}`);
  assert.equal(fixed.changed, false);
  assert.equal(fixed.enabled, true);
  assert.equal('state' in fixed, false);
  const stopped = registered({ name: 'app', state: 'stopped' }, `booted=1\nis_enabled=enabled\n${status('inactive')}`);
  assert.equal(stopped.state, 'stopped');
  assert.equal(stopped.changed, false);
  const reload = registered({ daemon_reload: true }, 'booted=1\n');
  assert.deepEqual([reload.name, reload.status, reload.changed], [null, {}, false]);
});

test('systemd arguments: one of the actions, name for unit actions, no globs; Ansible aliases', () => {
  const problems = (raw: unknown) => {
    const r = validateArgs('systemd', raw);
    return r.ok ? [] : r.problems.map((p) => p.message);
  };
  assert.deepEqual(problems({ name: 'x' }), ['systemd needs one of state, enabled, masked, daemon_reload, daemon_reexec']);
  assert.deepEqual(problems({ state: 'started' }), ['systemd: state needs name']);
  assert.equal(problems({ name: 'ssh*', state: 'started' }).length, 1);
  assert.deepEqual(problems({ service: 'ssh', state: 'started', 'daemon-reexec': 'yes' }), []);
  assert.deepEqual(problems({ name: 'dev-disk-by\\x2dlabel-data.mount', state: 'started' }), []);
  assert.deepEqual(argsOf('systemd_service', { unit: 'ssh', enabled: 'no' }), { name: 'ssh', enabled: false, daemon_reload: false, daemon_reexec: false, scope: 'system', no_block: false });
});

test('the probe runs under /bin/sh and tells whether PID 1 is systemd', () => {
  const m = stateModule('systemd');
  for (const raw of [{ name: 'tsi\\x2dodd@a:b.service', state: 'started' }, { daemon_reload: true, daemon_reexec: true }, { name: 'x', enabled: true, scope: 'user' }]) {
    const args = argsOf('systemd', raw);
    const r = runSh(m.probe(args)!);
    assert.equal(r.code, 0, r.stderr);
    const s = parseSystemd(r.stdout);
    assert.equal(s.isBooted, existsSync('/run/systemd/system'));
    if (!s.isBooted) assert.throws(() => m.plan(args, s), /not booted with systemd \(PID 1 is .+\)/);
  }
});
