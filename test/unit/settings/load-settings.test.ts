// ansible.cfg parsing (Python configparser's rules) and where each setting comes from: env > cfg > default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../src/errors.js';
import { iniValue, parseIniFile } from '../../../src/settings/ini-file.js';
import { loadSettings, originText } from '../../../src/settings/load-settings.js';
import { parseSshArgs } from '../../../src/settings/ssh-args.js';
import { tempDir } from '../../support/temp-dir.js';
import { tsinfra } from '../../support/cli.js';

test('parseIniFile: comments, both delimiters, key case, continuation lines, [DEFAULT]', () => {
  const ini = parseIniFile(
    [
      '# a comment',
      '; another',
      '[defaults]',
      'Remote_User = deploy ; inline comment',
      'forks: 7',
      'note = a;b # not a comment',
      'inventory = one,',
      '   two',
      '',
      '   three',
      '',
      'empty =',
      '[DEFAULT]',
      'timeout = 30',
      '[privilege_escalation]',
      'become=yes',
    ].join('\n'),
    '/p/ansible.cfg',
  );
  assert.deepEqual(iniValue(ini, 'defaults', 'remote_user'), { value: 'deploy', line: 4 });
  assert.equal(iniValue(ini, 'defaults', 'forks')?.value, '7');
  assert.equal(iniValue(ini, 'defaults', 'note')?.value, 'a;b # not a comment');
  assert.equal(iniValue(ini, 'defaults', 'inventory')?.value, 'one,\ntwo\n\nthree');
  assert.equal(iniValue(ini, 'defaults', 'empty')?.value, '');
  assert.equal(iniValue(ini, 'defaults', 'timeout')?.value, '30', '[DEFAULT] fills every section');
  assert.equal(iniValue(ini, 'privilege_escalation', 'become')?.value, 'yes');
  assert.equal(iniValue(ini, 'colors', 'timeout'), undefined, 'a missing section has nothing, not even [DEFAULT]');
});

test('parseIniFile: errors name file:line and what was expected', () => {
  const bad = (text: string, pattern: RegExp) => assert.throws(() => parseIniFile(text, '/p/ansible.cfg'), (e: unknown) => e instanceof UsageError && pattern.test(e.message));
  bad('forks = 5\n', /^\/p\/ansible\.cfg:1:1: expected a section header/);
  bad('[defaults]\nforks = 5\nFORKS = 6\n', /^\/p\/ansible\.cfg:3:1: key "forks" appears twice in \[defaults\] \(first at line 2\)/);
  bad('[defaults]\n[other]\n[defaults]\n', /^\/p\/ansible\.cfg:3:1: section \[defaults\] appears twice/);
  bad('[defaults]\njust words\n', /ansible\.cfg:2:1: expected key = value or key: value, got "just words"/);
});

function project(files: Record<string, string>): { root: string; cwd: string; home: string } {
  const root = tempDir('tsinfra-settings-');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  mkdirSync(join(root, 'proj'), { recursive: true });
  mkdirSync(join(root, 'home'), { recursive: true });
  return { root, cwd: join(root, 'proj'), home: join(root, 'home') };
}

const load = (p: { root: string; cwd: string; home: string }, env: Record<string, string> = {}) => loadSettings({ env, cwd: p.cwd, home: p.home, systemFile: join(p.root, 'etc.cfg') });

test('loadSettings: ./ansible.cfg, relative paths against the cfg directory, env over file, defaults', () => {
  const p = project({ 'proj/ansible.cfg': '[defaults]\ninventory = hosts, ../inv2\nroles_path = roles:/abs/roles\nprivate_key_file = ~/k\nforks = 7\nremote_user = "deploy"\n' });
  const s = load(p);
  assert.equal(s.configFile, join(p.cwd, 'ansible.cfg'));
  assert.deepEqual(s.inventory, [join(p.cwd, 'hosts'), join(p.root, 'inv2')]);
  assert.deepEqual(s.rolesPath, [join(p.cwd, 'roles'), '/abs/roles']);
  assert.equal(s.privateKeyFile, join(p.home, 'k'));
  assert.equal(s.remoteUser, 'deploy');
  assert.equal(s.forks, 7);
  assert.equal(originText(s.origins.forks), `${join(p.cwd, 'ansible.cfg')}:5`);
  assert.equal(s.timeout, 10);
  assert.equal(originText(s.origins.timeout), 'default');
  const e = load(p, { ANSIBLE_FORKS: '9', ANSIBLE_INVENTORY: 'a,b', ANSIBLE_ROLES_PATH: 'r1:r2' });
  assert.equal(e.forks, 9);
  assert.equal(originText(e.origins.forks), 'env ANSIBLE_FORKS');
  assert.deepEqual(e.inventory, [join(p.cwd, 'a'), join(p.cwd, 'b')], 'env paths resolve against the working directory');
  assert.deepEqual(e.rolesPath, [join(p.cwd, 'r1'), join(p.cwd, 'r2')]);
  // As Ansible: the empty variable still hides the file's value, and its type error falls back to the default.
  const empty = load(p, { ANSIBLE_FORKS: '' });
  assert.deepEqual([empty.forks, originText(empty.origins.forks)], [50, 'default']);
});

test('loadSettings: which file: ANSIBLE_CONFIG (file or dir) > ./ansible.cfg > ~/.ansible.cfg; world-writable cwd refused', () => {
  const p = project({ 'proj/ansible.cfg': '[defaults]\nforks = 1\n', 'home/.ansible.cfg': '[defaults]\nforks = 2\n', 'elsewhere/ansible.cfg': '[defaults]\nforks = 3\n' });
  assert.equal(load(p).forks, 1);
  assert.equal(load(p, { ANSIBLE_CONFIG: join(p.root, 'elsewhere') }).forks, 3);
  assert.equal(load(p, { ANSIBLE_CONFIG: join(p.root, 'missing.cfg') }).forks, 1, 'a missing ANSIBLE_CONFIG falls through');
  chmodSync(p.cwd, 0o777);
  const ww = load(p);
  assert.equal(ww.forks, 2);
  assert.match(ww.warnings[0]!, new RegExp(`^tsinfra is being run in a world writable directory \\(${p.cwd}\\), ignoring it as an ansible.cfg source\\.`));
  assert.deepEqual(load(p, { ANSIBLE_CONFIG: join(p.cwd, 'ansible.cfg') }).warnings, [], 'no warning when ANSIBLE_CONFIG names it');
  chmodSync(p.cwd, 0o755);
});

test('loadSettings: types as Ansible reads them, derived settings, and bad values', () => {
  const p = project({
    'proj/ansible.cfg': [
      '[defaults]',
      'host_key_checking = False',
      'gathering = explicit',
      'stdout_callback = json',
      'callback_whitelist = timer',
      'callbacks_enabled = timer, profile_tasks',
      'retry_files_enabled = maybe',
      'vault_identity_list = dev@~/dev.txt, prod@prompt',
      'pipelining = True',
      'nocolor = 1',
      '[privilege_escalation]',
      'become = on',
      'become_user = admin',
      '[ssh_connection]',
      "ssh_args = -C -o ControlMaster=auto -o 'ConnectTimeout 4' -oUserKnownHostsFile=/tmp/kh",
    ].join('\n'),
  });
  const s = load(p);
  assert.equal(s.hostKeyPolicy, 'accept-new');
  assert.equal(s.gatherFactsDefault, false);
  assert.equal(s.json, true);
  assert.deepEqual(s.callbacksEnabled, ['timer', 'profile_tasks']);
  assert.equal(s.profile, true);
  assert.equal(s.retryFilesEnabled, false, "Ansible's non-strict boolean: anything else is false");
  assert.deepEqual(s.vaultIdentityList, ['dev@~/dev.txt', 'prod@prompt']);
  assert.equal(s.become, true);
  assert.equal(s.becomeUser, 'admin');
  assert.equal(s.connectTimeoutSec, 4);
  assert.equal(s.ssh.knownHostsFile, '/tmp/kh');
  assert.deepEqual(s.ssh.ignored, ['-C', '-o ControlMaster=auto']);
  assert.ok(s.notes.some((n) => /^not honoured: \[defaults\] pipelining \(.*:9\): tsinfra always sends scripts on stdin/.test(n)));
  assert.ok(s.notes.some((n) => /^settings tsinfra does not read: \[defaults\] nocolor/.test(n)));
  const bad = project({ 'proj/ansible.cfg': '[defaults]\n\nforks = many\n' });
  assert.throws(() => load(bad), (e: unknown) => e instanceof UsageError && /ansible\.cfg:3:1: forks: expected a whole number, got "many"/.test(e.message));
  assert.throws(() => load(bad, { ANSIBLE_GATHERING: 'sometimes', ANSIBLE_FORKS: '3' }), (e: unknown) => e instanceof UsageError && /ANSIBLE_GATHERING: expected one of implicit, explicit, smart/.test(e.message));
});

test('parseSshArgs: the first value wins, as in OpenSSH; unknown values are problems', () => {
  const a = parseSshArgs('-o StrictHostKeyChecking=no -o StrictHostKeyChecking=yes -o ServerAliveInterval=15 -o ConnectTimeout=x');
  assert.equal(a.hostKeyPolicy, 'off');
  assert.equal(a.serverAliveIntervalSec, 15);
  assert.equal(a.connectTimeoutSec, undefined);
  assert.deepEqual(a.problems, ['ConnectTimeout must be a whole number of seconds, got "x"']);
});

test('tsinfra config dump: values and origins; a bad ansible.cfg exits 5 as Ansible does', async () => {
  const p = project({ 'proj/ansible.cfg': '[defaults]\nforks = 7\n' });
  const env = { HOME: p.home, ANSIBLE_REMOTE_USER: 'deploy', TSINFRA_INVENTORY: '' };
  const dump = await tsinfra(['config', 'dump', '--only-changed', '--become-user', 'bob'], { cwd: p.cwd, env });
  assert.equal(dump.code, 0, dump.stderr);
  assert.equal(
    dump.stdout,
    `config file: ${join(p.cwd, 'ansible.cfg')}\nremote_user = deploy  (env ANSIBLE_REMOTE_USER)\nforks       = 7  (${join(p.cwd, 'ansible.cfg')}:2)\nbecome_user = bob  (cli --become-user)\n`,
  );
  writeFileSync(join(p.cwd, 'ansible.cfg'), '[defaults]\nforks = 7\nforks = 8\n');
  const bad = await tsinfra(['config', 'dump'], { cwd: p.cwd, env });
  assert.deepEqual([bad.code, bad.stderr], [5, `tsinfra: ${join(p.cwd, 'ansible.cfg')}:3:1: key "forks" appears twice in [defaults] (first at line 2)\n`]);
});
