// Argument validation: good args get defaults and Ansible-style scalars; bad ones get exact, actionable messages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, getModule, levenshtein, MODULES, moduleNames, moduleSchemas, validateArgs } from '../../../src/modules/registry.js';

function problems(module: string, raw: unknown): string[] {
  const r = validateArgs(module, raw);
  assert.equal(r.ok, false, `expected ${module} ${JSON.stringify(raw)} to be refused`);
  return r.ok ? [] : r.problems.map((p) => `${p.path} ${p.message}`);
}

function ok(module: string, raw: unknown): Record<string, unknown> {
  const r = validateArgs(module, raw);
  assert.ok(r.ok, r.ok ? '' : r.problems.map((p) => p.message).join('; '));
  return r.args;
}

test('every module is registered once, with a name, a summary and a compiled schema', () => {
  assert.deepEqual(moduleNames(), [
    'add_host', 'alternatives', 'apt', 'apt_key', 'apt_repository', 'archive', 'assemble', 'assert', 'async_status', 'at', 'authorized_key',
    'blockinfile', 'capabilities', 'cluster_apply', 'cluster_hosts', 'command', 'config_file', 'copy', 'cron',
    'debconf', 'debug', 'fail', 'fetch', 'file', 'filesystem', 'find', 'firewall', 'get_url', 'getent', 'git', 'group', 'group_by',
    'hostname', 'include_vars', 'ini_file', 'iptables', 'known_hosts', 'lineinfile', 'locale_gen', 'make', 'modprobe',
    'mount', 'package', 'package_facts', 'pam_limits', 'patch', 'pause', 'ping', 'pip', 'raw', 'reboot', 'replace', 'script', 'service', 'service_facts', 'set_fact', 'setup', 'shell',
    'slurp', 'stat', 'synchronize', 'sysctl', 'systemd', 'systemd_service', 'tempfile', 'template', 'timezone', 'ufw', 'unarchive', 'uri',
    'user', 'wait_for', 'wait_for_connection', 'zerotier',
  ]);
  assert.equal(new Set(MODULES.map((m) => m.name)).size, MODULES.length);
  for (const m of MODULES) assert.ok(m.summary.length > 10, m.name);
  assert.equal(getModule('apt')?.kind, 'state');
  assert.equal(getModule('shell')?.kind, 'action');
});

test('schemas export as plain JSON Schema', () => {
  const s = moduleSchemas();
  assert.deepEqual(Object.keys(s), moduleNames());
  const apt = s.apt as { type: string; properties: Record<string, { enum?: string[] }>; additionalProperties: boolean };
  assert.equal(apt.type, 'object');
  assert.equal(apt.additionalProperties, false);
  assert.deepEqual(apt.properties.state?.enum, ['present', 'absent', 'latest']);
  assert.equal(JSON.stringify(s).includes('Symbol'), false);
});

test('defaults are filled and the input is not mutated', () => {
  const raw = { name: ['nginx'] };
  assert.deepEqual(ok('apt', raw), { name: ['nginx'], state: 'present', update_cache: false, cache_valid_time: 0, purge: false, lock_timeout: 60 });
  assert.deepEqual(raw, { name: ['nginx'] });
});

test('enum, type, required and pattern messages', () => {
  assert.deepEqual(problems('apt', { name: 'nginx', state: 'installed' }), ['/state apt.state must be one of present, absent, latest']);
  assert.deepEqual(problems('copy', { content: 'x' }), ['/dest copy.dest is required']);
  assert.deepEqual(problems('file', { path: 'etc/x' }), ['/path file.path must be an absolute path (starting with /)']);
  assert.deepEqual(problems('file', { path: '/x', mode: '0999' }), ['/mode file.mode must be an octal mode as a quoted string, like "0644"']);
  assert.deepEqual(problems('apt', { name: ['ok', 42] }), ['/name/1 apt.name[1] must be a string, got the number 42']);
  assert.deepEqual(problems('apt', { name: ['Bad Name'] }), [
    '/name/0 apt.name[0] must be a package name, optionally with :arch and =version (nginx, libc6:i386, curl=7.88.1-10)',
  ]);
  assert.deepEqual(problems('wait_for', { port: 70000 }), ['/port wait_for.port must be <= 65535']);
  assert.deepEqual(problems('copy', { dest: '/x', content: 'a', backup: 'maybe' }), ['/backup copy.backup must be a boolean (true or false), got the string "maybe"']);
  assert.deepEqual(problems('sysctl', { name: 'vm.swappiness', value: { a: 1 } }), ['/value sysctl.value must be a value on one line (a string or a number), got a mapping']);
  assert.deepEqual(problems('file', 'just a string'), [' file: expected name=value arguments, got "just a string"']);
});

test('unknown arguments get a did-you-mean within distance 2', () => {
  assert.deepEqual(problems('apt', { name: 'nginx', stat: 'present' }), ["/stat apt: unknown argument 'stat' (did you mean 'state'?)"]);
  assert.deepEqual(problems('copy', { dest: '/x', content: 'a', mdoe: '0644' }), ["/mdoe copy: unknown argument 'mdoe' (did you mean 'mode'?)"]);
  assert.deepEqual(problems('file', { path: '/x', colour: 'red' }), ["/colour file: unknown argument 'colour'"]);
  assert.deepEqual(problems('file', { pth: '/x' }), ["/pth file: unknown argument 'pth' (did you mean 'path'?)"], 'no second message for the missing path');
  assert.deepEqual(problems('copy', { content: 'x', mode: 1 }), [
    '/mode copy.mode must be a quoted string: write mode: "0001" (unquoted, YAML reads it as the number 1)',
    '/dest copy.dest is required',
  ]);
  assert.deepEqual(problems('aptt', {}), [" unknown module 'aptt' (did you mean 'apt'?)"]);
  assert.equal(levenshtein('kitten', 'sitting'), 3);
  assert.equal(closest('sate', ['state', 'src']), 'state');
  assert.equal(closest('zzzz', ['state']), undefined);
});

test('numeric modes are refused with the fix', () => {
  assert.deepEqual(problems('file', { path: '/x', mode: 644 }), ['/mode file.mode must be a quoted string: write mode: "0644" (unquoted, YAML reads it as the number 644)']);
  assert.deepEqual(problems('file', { path: '/x', mode: 755 }), ['/mode file.mode must be a quoted string: write mode: "0755" (unquoted, YAML reads it as the number 755)']);
  assert.deepEqual(problems('copy', { dest: '/x', content: '', mode: 493 }), ['/mode copy.mode must be a quoted string: write mode: "0755" (unquoted, YAML reads it as the number 493)'], 'digits that are not octal: the octal value');
  assert.equal(ok('file', { path: '/x', mode: '0644' }).mode, '0644');
  assert.equal(ok('file', { path: '/x', mode: '1777' }).mode, '1777');
});

test('Ansible scalars: yes/no booleans, numeric strings, numbers for strings', () => {
  const a = ok('apt', { name: 'nginx', update_cache: 'yes', cache_valid_time: '3600', purge: 'False' });
  assert.equal(a.update_cache, true);
  assert.equal(a.cache_valid_time, 3600);
  assert.equal(a.purge, false);
  assert.equal(ok('lineinfile', { path: '/x', line: 42 }).line, '42');
  assert.equal(ok('sysctl', { name: 'vm.swappiness', value: 10 }).value, 10);
});

test('comma lists and aliases', () => {
  assert.deepEqual(ok('apt', { pkg: 'nginx, curl' }).name, ['nginx', 'curl']);
  assert.deepEqual(ok('user', { name: 'deploy', groups: 'sudo,adm' }).groups, ['sudo', 'adm']);
  assert.equal(ok('file', { dest: '/srv', state: 'directory' }).path, '/srv');
  assert.deepEqual(problems('file', { dest: '/a', path: '/b' }), ['/dest file: give either path or dest, not both']);
  assert.equal(ok('blockinfile', { path: '/x', content: 'a' }).block, 'a');
});

test('free-form command lines', () => {
  assert.deepEqual(ok('shell', 'echo hi | wc -c'), { cmd: 'echo hi | wc -c', executable: '/bin/sh', stdin_add_newline: true, strip_empty_ends: true });
  assert.deepEqual(ok('command', 'make install creates=/usr/local/bin/x chdir="/src/my app"'), {
    cmd: 'make install',
    creates: '/usr/local/bin/x',
    chdir: '/src/my app',
    stdin_add_newline: true,
    strip_empty_ends: true,
  });
  assert.equal(ok('shell', "echo 'creates=/x'").cmd, "echo 'creates=/x'", 'quoted words stay in the command');
  assert.equal(ok('shell', 'FOO=bar env').cmd, 'FOO=bar env', 'only known keys are taken out');
  assert.deepEqual(ok('raw', 'apt-get install -y python3'), { cmd: 'apt-get install -y python3' });
  assert.deepEqual(ok('command', { argv: ['ls', '-l'] }).argv, ['ls', '-l']);
  assert.deepEqual(problems('command', { cmd: "echo 'oops" }), ['/cmd command.cmd has an unterminated single quote']);
  assert.deepEqual(problems('command', {}), [' command needs either cmd (or the free-form line) or argv']);
  assert.deepEqual(ok('set_fact', 'a=1 b="two words"'), { a: '1', b: 'two words' });
  assert.deepEqual(ok('fail', 'boom'), { msg: 'boom' });
  assert.deepEqual(ok('hostname', 'web1'), { name: 'web1' });
});

test('cross-argument rules', () => {
  assert.deepEqual(problems('copy', { dest: '/x' }), [' copy needs one of content, content_base64, src']);
  assert.deepEqual(problems('copy', { dest: '/x', content: 'a', src: 'b' }), [' copy takes only one of content, src']);
  assert.deepEqual(problems('lineinfile', { path: '/x' }), ['/line lineinfile.line is required with state: present']);
  assert.deepEqual(problems('lineinfile', { path: '/x', line: 'a', regexp: '(' }), [
    '/regexp lineinfile.regexp is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
  ]);
  assert.deepEqual(problems('lineinfile', { path: '/x', line: 'a', backrefs: true }), ['/backrefs lineinfile.backrefs needs regexp']);
  assert.deepEqual(problems('file', { path: '/x', state: 'link' }), ['/src file.src is required with state: link']);
  assert.deepEqual(problems('user', { name: 'a', password: '$6$s$h', password_plain: 'p' }), ['/password_plain user takes password (a hash) or password_plain, not both']);
  assert.deepEqual(problems('user', { name: 'a', password: 'hunter2' }), ['/password user.password must be a crypt hash like $6$salt$… (use password_plain for plain text)']);
  assert.deepEqual(problems('apt', {}), ['/name apt needs name (or update_cache: true)']);
  assert.deepEqual(problems('apt', { name: 'curl=1.0', state: 'latest' }), ['/name apt: a version (curl=1.0) only goes with state: present']);
  assert.deepEqual(problems('service', { name: 'nginx' }), [' service needs state or enabled']);
  assert.deepEqual(problems('wait_for', { port: 80, path: '/x' }), ['/path wait_for: port and path parameter can not both be passed to wait_for']);
  assert.deepEqual(problems('set_fact', { 'bad-name': 1 }), ["/bad-name set_fact: 'bad-name' is not a valid variable name"]);
  assert.deepEqual(problems('authorized_key', { user: 'a', key: 'not a key' }), ['/key authorized_key.key holds no public key (expected: type base64 [comment])']);
  assert.deepEqual(problems('apt_repository', { repo: 'deb http://x/ s m', key: 'k', key_url: 'https://x/k' }), ['/key_url apt_repository takes key or key_url, not both']);
  assert.deepEqual(problems('blockinfile', { path: '/x', marker: '# managed' }), ['/marker blockinfile.marker must contain {mark}, or the begin and end markers would be the same line']);
});

test('actions declare check-mode behaviour and whether they need the host', () => {
  const actions = MODULES.filter((m) => m.kind === 'action');
  const skip = actions.filter((m) => m.kind === 'action' && m.checkMode === 'skip').map((m) => m.name).sort();
  assert.deepEqual(skip, ['async_status', 'command', 'fetch', 'raw', 'shell', 'tempfile', 'uri']);
  const local = actions.filter((m) => m.kind === 'action' && m.controllerOnly).map((m) => m.name).sort();
  assert.deepEqual(local, ['add_host', 'assert', 'cluster_apply', 'cluster_hosts', 'debug', 'fail', 'group_by', 'include_vars', 'pause', 'set_fact']);
});

test('docs/modules.md documents every module and argument', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../docs/modules.md', import.meta.url), 'utf8');
  for (const [name, schema] of Object.entries(moduleSchemas())) {
    const at = doc.indexOf(`\n## ${name}\n`);
    assert.ok(at >= 0, `no section for ${name}`);
    const section = doc.slice(at + 1).split('\n## ')[0]!;
    for (const key of Object.keys((schema.properties ?? {}) as object)) assert.ok(section.includes(`| \`${key}\``), `${name}.${key} is not documented`);
  }
});

test("Ansible's k=v form: quotes, escapes, templates with spaces, a string for a list; stray words are refused", () => {
  assert.deepEqual(ok('copy', 'src=a.txt dest="/tmp/b c" mode=0644'), { src: 'a.txt', dest: '/tmp/b c', mode: '0644', backup: false, force: true });
  assert.deepEqual(ok('lineinfile', "path=/etc/x line='{{ a }} {{ b | join(\" \") }}' regexp=^a\\s"), ok('lineinfile', { path: '/etc/x', line: '{{ a }} {{ b | join(" ") }}', regexp: '^a\\s' }));
  assert.deepEqual((ok('apt', 'name=curl,git state=present') as { name: string[] }).name, ['curl', 'git']);
  assert.deepEqual(problems('file', 'path=/x stray'), [' file: expected name=value arguments, got "stray"']);
  assert.deepEqual(problems('file', 'path="/x'), [' file: no closing quotation ("): quote the whole line, or use a mapping']);
});
