// Differential: for cfg files and ANSIBLE_* combinations written to temp dirs, our resolved settings against
// `ansible-config dump --only-changed --format json` (Debian's ansible-core 2.14), run with the cwd in the project
// and HOME pointed at a temp home. All cases run at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSettings, type Settings } from '../../../src/settings/load-settings.js';
import { SETTING_DEFINITIONS } from '../../../src/settings/setting-definitions.js';
import { tempDir } from '../../support/temp-dir.js';

interface Case {
  name: string;
  files: Record<string, string>; // paths under the case root: proj/ is the cwd, home/ is HOME
  env?: Record<string, string>; // `$ROOT` is replaced by the case root
  worldWritableCwd?: boolean;
}

const CASES: Case[] = [
  {
    name: 'cwd cfg: both delimiters, key case, inline comments, continuation, relative paths',
    files: {
      'proj/ansible.cfg': [
        '# project settings',
        '[defaults]',
        'inventory = hosts,',
        '    ../shared/hosts',
        'FORKS: 7 ; seven',
        'roles_path = roles:../other roles:/abs',
        'private_key_file = keys/id_ed25519',
        "remote_user = 'deploy'",
        'timeout = 25',
        'gathering = smart',
        'retry_files_save_path = ./retry',
        'vault_password_file = ~/vault.txt',
        'vault_identity_list = dev@dev.txt, "prod@prompt"',
        '[privilege_escalation]',
        'become = yes',
        'become_user = admin',
        'become_ask_pass = on',
        'become_method = sudo',
      ].join('\n'),
    },
  },
  { name: 'env over cfg', files: { 'proj/ansible.cfg': '[defaults]\nforks = 7\ninventory = hosts\nremote_user = a\n' }, env: { ANSIBLE_FORKS: '9', ANSIBLE_INVENTORY: 'x, y/z', ANSIBLE_REMOTE_USER: 'b', ANSIBLE_ROLES_PATH: 'r1:/r2', ANSIBLE_TIMEOUT: '3', ANSIBLE_BECOME: 'True' } },
  { name: 'ANSIBLE_CONFIG as a directory: paths against that directory', files: { 'proj/ansible.cfg': '[defaults]\nforks = 1\n', 'conf/ansible.cfg': '[defaults]\nforks = 3\ninventory = inv\nprivate_key_file = k\n' }, env: { ANSIBLE_CONFIG: '$ROOT/conf' } },
  { name: 'ANSIBLE_CONFIG as a file', files: { 'conf/my.cfg': '[defaults]\nforks = 4\n' }, env: { ANSIBLE_CONFIG: '$ROOT/conf/my.cfg' } },
  { name: 'missing ANSIBLE_CONFIG falls through to the cwd', files: { 'proj/ansible.cfg': '[defaults]\nforks = 1\n' }, env: { ANSIBLE_CONFIG: '$ROOT/nope.cfg' } },
  { name: 'home cfg when the cwd has none', files: { 'home/.ansible.cfg': '[defaults]\nforks = 2\nroles_path = ~/roles\n' } },
  { name: 'world-writable cwd: its cfg is refused, home used', files: { 'proj/ansible.cfg': '[defaults]\nforks = 1\n', 'home/.ansible.cfg': '[defaults]\nforks = 2\n' }, worldWritableCwd: true },
  {
    name: 'booleans, lists, callbacks, [DEFAULT]',
    files: {
      'proj/ansible.cfg': [
        '[DEFAULT]',
        'timeout = 44',
        '[defaults]',
        'host_key_checking = False',
        'retry_files_enabled = maybe',
        'stdout_callback = json',
        'callback_whitelist = timer',
        'callbacks_enabled = profile_tasks, timer',
        'gathering = explicit',
        '[ssh_connection]',
        'ssh_args = -o ConnectTimeout=5',
      ].join('\n'),
    },
  },
  { name: 'empty env values', files: { 'proj/ansible.cfg': '[defaults]\nforks = 7\nremote_user = a\n' }, env: { ANSIBLE_FORKS: '', ANSIBLE_REMOTE_USER: '' } },
  { name: 'env vars expanded in paths, {{CWD}}', files: { 'proj/ansible.cfg': '[defaults]\nprivate_key_file = $KEYDIR/id\nroles_path = {{CWD}}/roles:${KEYDIR}/roles\n' }, env: { KEYDIR: '$ROOT/keys' } },
  { name: 'callbacks from env: the newer name wins', files: {}, env: { ANSIBLE_CALLBACK_WHITELIST: 'timer', ANSIBLE_CALLBACKS_ENABLED: 'profile_tasks', ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_HOST_KEY_CHECKING: '0' } },
  // Errors: both refuse.
  { name: 'error: not a number', files: { 'proj/ansible.cfg': '[defaults]\nforks = many\n' } },
  { name: 'error: not a choice', files: { 'proj/ansible.cfg': '[defaults]\ngathering = sometimes\n' } },
  { name: 'error: key twice', files: { 'proj/ansible.cfg': '[defaults]\nforks = 1\nforks = 2\n' } },
  { name: 'error: key before any section', files: { 'proj/ansible.cfg': 'forks = 1\n[defaults]\n' } },
  { name: 'error: line without delimiter', files: { 'proj/ansible.cfg': '[defaults]\nforks\n' } },
];

interface Prepared {
  c: Case;
  root: string;
  cwd: string;
  home: string;
  env: Record<string, string>;
}

function prepare(c: Case): Prepared {
  const root = tempDir('tsinfra-cfg-diff-');
  mkdirSync(join(root, 'proj'));
  mkdirSync(join(root, 'home'));
  for (const [name, text] of Object.entries(c.files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  if (c.worldWritableCwd) chmodSync(join(root, 'proj'), 0o777);
  const env = Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, v.replaceAll('$ROOT', root)]));
  return { c, root, cwd: join(root, 'proj'), home: join(root, 'home'), env };
}

/** The process environment without ANSIBLE_* (the machine's own must not leak into a case). */
function baseEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => !k.startsWith('ANSIBLE_') && v !== undefined) as [string, string][]);
}

function ansibleConfig(p: Prepared): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('ansible-config', ['dump', '--only-changed', '--format', 'json'], { cwd: p.cwd, env: { ...baseEnv(), ...p.env, HOME: p.home }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Ours, in Ansible's terms: name → { value, origin } for every setting not at its default. */
function oursChanged(s: Settings): Record<string, { value: unknown; origin: string }> {
  const out: Record<string, { value: unknown; origin: string }> = {};
  out.CONFIG_FILE = { value: s.configFile ?? null, origin: '' };
  for (const d of SETTING_DEFINITIONS) {
    const o = s.origins[d.name];
    if (!d.ansible || o.kind === 'default') continue;
    out[d.ansible] = { value: s[d.name], origin: o.kind === 'file' ? o.file : `env: ${o.variable}` };
  }
  return out;
}

const OUR_NAMES = new Set(['CONFIG_FILE', ...SETTING_DEFINITIONS.flatMap((d) => (d.ansible ? [d.ansible] : []))]);

test(`ansible-config dump --only-changed agrees with our settings (${CASES.length} cases)`, async () => {
  const started = Date.now();
  const prepared = CASES.map(prepare);
  const results = await Promise.all(prepared.map(ansibleConfig));
  let agreed = 0;
  const disagreements: string[] = [];
  prepared.forEach((p, i) => {
    const real = results[i]!;
    let ours: Settings | Error;
    try {
      ours = loadSettings({ env: { ...baseEnv(), ...p.env }, cwd: p.cwd, home: p.home });
    } catch (err) {
      ours = err as Error;
    }
    if (real.code !== 0 || ours instanceof Error) {
      if (real.code !== 0 && ours instanceof Error) agreed++;
      else disagreements.push(`${p.c.name}: ansible-config exit ${real.code} (${real.stderr.trim().slice(0, 200)}), ours ${ours instanceof Error ? `threw ${ours.message}` : 'loaded'}`);
      return;
    }
    const theirs = Object.fromEntries(
      (JSON.parse(real.stdout) as { name: string; value: unknown; origin: string }[]).filter((e) => OUR_NAMES.has(e.name)).map((e) => [e.name, { value: e.value, origin: e.origin }]),
    );
    try {
      assert.deepEqual(oursChanged(ours), theirs);
      if (p.c.worldWritableCwd) {
        assert.match(real.stderr, /world writable directory/);
        assert.match(ours.warnings.join('\n'), /is being run in a world writable directory \(.*\), ignoring it as an ansible.cfg source/);
      }
      agreed++;
    } catch (err) {
      disagreements.push(`${p.c.name}: ${(err as Error).message}`);
    }
  });
  process.stderr.write(`ansible-config differential: ${agreed}/${CASES.length} cases agree in ${Date.now() - started} ms\n`);
  assert.deepEqual(disagreements, []);
});
