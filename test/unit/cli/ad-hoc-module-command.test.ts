// `tsinfra PATTERN -m MODULE -a ARGS` without hosts: -a as Ansible's adhoc.py reads it, the one-task play it builds
// (loaded from memory by the playbook loader, with its checks), and the minimal/oneline callbacks' text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adHocPlay, moduleArgsValue } from '../../../src/cli/ad-hoc-module-command.js';
import { main, withAdHocCommand } from '../../../src/cli/main.js';
import { parseYaml } from '../../../src/config/yaml-source.js';
import { ValidationErrors } from '../../../src/playbook/validation-errors.js';
import { loadPlaybookSource } from '../../../src/playbook/load-playbook.js';
import { registryCatalog } from '../../../src/playbook/registry-catalog.js';
import { formatAdHocModuleResult, pythonJson, shownResult } from '../../../src/report/ad-hoc-module-report.js';

test('-a: {json} is a mapping, anything else stays the k=v / free-form text; nothing is {}', () => {
  assert.deepEqual(moduleArgsValue('{"name": "curl", "state": "present"}'), { name: 'curl', state: 'present' });
  assert.equal(moduleArgsValue('name=curl state=present'), 'name=curl state=present');
  assert.equal(moduleArgsValue('echo {a}'), 'echo {a}');
  assert.deepEqual(moduleArgsValue(undefined), {});
  assert.equal(moduleArgsValue('{{ cmd }}'), '{{ cmd }}', 'JSON only, as Ansible: a template stays text');
});

const load = (module: string, args?: string) =>
  loadPlaybookSource(parseYaml(JSON.stringify(adHocPlay('web', module, args)), '/nowhere/(ad-hoc)'), { rolesPath: [], catalog: registryCatalog, projectDir: '/nowhere' });

test('the one-task play loads from memory: k=v args parsed by the loader, facts not gathered', async () => {
  const plan = await load('copy', 'content=x dest=/tmp/f mode=0644');
  assert.equal(plan.plays.length, 1);
  const play = plan.plays[0]!;
  assert.equal(play.hosts, 'web');
  assert.equal(play.gatherFacts, false);
  const task = play.tasks[0] as unknown as { module: string; register?: string };
  assert.equal(task.module, 'copy');
  assert.match(JSON.stringify(task), /dest=\/tmp\/f/);
  assert.ok(task.register);
});

test('an unknown module or argument is a load error before any host is touched', async () => {
  await assert.rejects(load('nosuchmodule', 'a=b'), ValidationErrors);
  await assert.rejects(load('copy', 'bogus=1 dest=/x'), ValidationErrors);
});

test('minimal callback: JSON sorted, 4-space indent, without failed/skipped/changes/diff/invocation', () => {
  const registered = { ping: 'pong', failed: false, changed: false, changes: [], invocation: {} };
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'ok', module: 'ping', registered }, false), 'h | SUCCESS => {\n    "changed": false,\n    "ping": "pong"\n}\n');
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'changed', module: 'copy', registered: { changed: true, b: { z: 1, a: [] } } }, false), 'h | CHANGED => {\n    "b": {\n        "a": [],\n        "z": 1\n    },\n    "changed": true\n}\n');
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'failed', module: 'apt', registered: { changed: false, failed: true, msg: 'no' } }, false), 'h | FAILED! => {\n    "changed": false,\n    "msg": "no"\n}\n');
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'skipped', module: 'command', registered: { skipped: true } }, false), 'h | SKIPPED\n');
  assert.match(formatAdHocModuleResult({ host: 'h', status: 'unreachable', module: 'ping', registered: { changed: false, msg: 'refused', unreachable: true } }, false), /^h \| UNREACHABLE! => \{\n {4}"changed": false,\n {4}"msg": "refused",\n {4}"unreachable": true\n\}\n$/);
});

test('command/shell/raw print `rc=N >>` and their output; debug with msg shows msg alone', () => {
  const r = { changed: true, rc: 0, stdout: 'out', stderr: 'err', stdout_lines: ['out'] };
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'changed', module: 'shell', registered: r }, false), 'h | CHANGED | rc=0 >>\nouterr\n');
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'failed', module: 'command', registered: { changed: true, failed: true, rc: 1, stdout: '', stderr: '', msg: 'non-zero return code' } }, false), 'h | FAILED | rc=1 >>\nnon-zero return code\n');
  assert.deepEqual(shownResult({ changed: false, failed: false, msg: 'hi' }, 'debug'), { msg: 'hi' });
});

test('oneline callback (-o): JSON on one line as Python dumps it with indent=0, command output escaped', () => {
  assert.equal(pythonJson({ ping: 'pong', changed: false, n: { b: [1, 2] } }, true), '{"changed": false,"n": {"b": [1,2]},"ping": "pong"}');
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'changed', module: 'shell', registered: { changed: true, rc: 0, stdout: 'a\nb', stderr: 'e' } }, true), 'h | CHANGED | rc=0 | (stdout) a\\nb (stderr) e\n');
  assert.equal(formatAdHocModuleResult({ host: 'h', status: 'unreachable', module: 'ping', registered: { msg: 'down', unreachable: true } }, true), 'h | UNREACHABLE!: down\n');
});

test('a bad --forks is a command-line error (exit 2, as argparse), for play and ad-hoc alike', async () => {
  const write = process.stderr.write;
  process.stderr.write = () => true; // commander's message
  try {
    assert.equal(await main(['node', 'tsinfra', 'play', 'x.yml', '--forks', 'abc']), 2);
    assert.equal(await main(['node', 'tsinfra', 'all', '-m', 'ping', '--forks', 'abc']), 2);
  } finally {
    process.stderr.write = write;
  }
});

test('-e on shell/ping: extra vars override every host variable (connection and become), and join secretsOf', async () => {
  const { withExtraVars } = await import('../../../src/cli/extra-vars.js');
  const { secretsOf } = await import('../../../src/cli/secrets-of.js');
  const host = { name: 'h', groups: ['all'], vars: { ansible_user: 'root', x: 1 }, origins: {} };
  const selected = { hosts: [host], defaults: {} } as unknown as Parameters<typeof withExtraVars>[0];
  const seen = withExtraVars(selected, { ansible_user: 'deploy', ansible_become_password: 's3cret-pw' });
  assert.deepEqual(seen.hosts[0]!.vars, { ansible_user: 'deploy', x: 1, ansible_become_password: 's3cret-pw' });
  assert.equal(host.vars.ansible_user, 'root', 'the inventory is not changed');
  assert.ok(secretsOf(seen).includes('s3cret-pw'));
  assert.equal(withExtraVars(selected, {}), selected);
});

test('options before or after the pattern, as `ansible -i inv -m ping all`: routed to adhoc; commands stay commands', () => {
  const route = (...words: string[]) => withAdHocCommand(['node', 'tsinfra', ...words]).slice(2);
  assert.deepEqual(route('-i', 'inv', '-m', 'ping', 'all'), ['adhoc', '-i', 'inv', '-m', 'ping', 'all']);
  assert.deepEqual(route('-i', 'inv', 'all', '-m', 'ping'), ['adhoc', '-i', 'inv', 'all', '-m', 'ping']);
  assert.deepEqual(route('all', '-a', 'uptime'), ['adhoc', 'all', '-a', 'uptime']);
  assert.deepEqual(route('--module-name=ping', 'web'), ['adhoc', '--module-name=ping', 'web']);
  assert.deepEqual(route('play', 'site.yml', '-e', 'a=1'), ['play', 'site.yml', '-e', 'a=1']);
  assert.deepEqual(route('-i', 'inv', 'all'), ['-i', 'inv', 'all'], 'no -m/-a: not ad-hoc');
  assert.deepEqual(route('-h'), ['-h']);
});

test('options before the pattern parse as after it (commander on the adhoc command)', async () => {
  const write = process.stderr.write;
  process.stderr.write = () => true; // commander's message
  try {
    assert.equal(await main(['node', 'tsinfra', '--forks', 'abc', '-m', 'ping', 'all']), 2, 'a bad option before the pattern is still a usage error');
  } finally {
    process.stderr.write = write;
  }
});
