// synchronize's rsync command line, flag for flag as ansible.posix builds it, its reading of rsync's itemized output,
// and the push/pull sides (controller paths found, the host as user@address:path); OpenSSH options as our connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ControllerSide, ExecResult, SshRoute } from '../../../src/modules/define.js';
import { remotePath, rsyncCommand, rsyncOutcome, synchronize, type SynchronizeArgs } from '../../../src/modules/synchronize.js';
import { controllerSide } from '../../../src/engine/controller-side.js';
import { opensshOptions } from '../../../src/transport/ssh/openssh-options.js';
import type { ConnectTarget } from '../../../src/transport/transport.js';
import { argsOf, localIO, nastyTempDir } from './support.js';

const args = (raw: Record<string, unknown>) => argsOf<SynchronizeArgs>('synchronize', raw);
const route: SshRoute = { address: '10.0.0.5', port: 2222, user: 'deploy', privateKeyFiles: ['/k/id'], options: ['-o', 'BatchMode=yes'], hasPassword: false };
const inputs = { rsync: '/usr/bin/rsync', ssh: '/usr/bin/ssh', src: '/src/', dest: 'deploy@10.0.0.5:/dest', route, isCheck: false };

test('synchronize: the default command is ansible.posix\'s', () => {
  const { cmd, argv } = rsyncCommand(args({ src: '/src/', dest: '/dest' }), inputs);
  assert.equal(
    cmd,
    "/usr/bin/rsync --delay-updates -F --compress --archive --rsh='/usr/bin/ssh -S none -i /k/id -o Port=2222 -o BatchMode=yes' --out-format='<<CHANGED>>%i %n%L' /src/ deploy@10.0.0.5:/dest",
  );
  assert.deepEqual(argv.slice(-4), ['--rsh=/usr/bin/ssh -S none -i /k/id -o Port=2222 -o BatchMode=yes', '--out-format=<<CHANGED>>%i %n%L', '/src/', 'deploy@10.0.0.5:/dest']);
});

test('synchronize: flags: check, delete, archive parts, no archive, rsync_opts split as a shell would, become, port and key', () => {
  const { cmd } = rsyncCommand(
    args({ src: '/s', dest: '/d', delete: true, checksum: true, perms: false, times: false, existing_only: true, rsync_opts: ['--exclude=*.tmp', '--chmod "F644"'], dest_port: 22, private_key: '/other key', rsync_timeout: 5, partial: true }),
    { ...inputs, isCheck: true, route: { ...route, becomeUser: 'root' } },
  );
  assert.equal(
    cmd,
    "/usr/bin/rsync --delay-updates -F --compress --timeout=5 --dry-run --delete-after --existing --checksum --archive --no-perms --no-times " +
      `--rsh='/usr/bin/ssh -S none -i '"'"'/other key'"'"' -o Port=22 -o BatchMode=yes' --rsync-path='sudo -u root rsync' --exclude=*.tmp --chmod "F644" --partial ` +
      "--out-format='<<CHANGED>>%i %n%L' /src/ deploy@10.0.0.5:/dest",
  );
  assert.deepEqual(rsyncCommand(args({ src: '/s', dest: '/d', rsync_opts: ['--chmod "F644"'] }), inputs).argv.slice(-5, -3), ['--chmod', 'F644'], 'an option string is split as a shell would');
  const bare = rsyncCommand(args({ src: '/s', dest: '/d', archive: false, recursive: true, times: true, perms: false, compress: false, delay_updates: false, rsync_path: 'nice rsync' }), inputs).cmd;
  assert.equal(bare, "/usr/bin/rsync --recursive --times --rsh='/usr/bin/ssh -S none -i /k/id -o Port=2222 -o BatchMode=yes' --rsync-path='nice rsync' --out-format='<<CHANGED>>%i %n%L' /src/ deploy@10.0.0.5:/dest");
  assert.ok(!rsyncCommand(args({ src: '/s', dest: '/d', rsync_opts: '--rsh=ssh -p 9' }), inputs).cmd.includes('/usr/bin/ssh'), 'a --rsh in rsync_opts replaces ours');
});

test('synchronize: changed, msg and stdout_lines from the itemized output', () => {
  assert.deepEqual(rsyncOutcome('', false), { changed: false, msg: '', stdout_lines: [] });
  assert.deepEqual(rsyncOutcome('<<CHANGED>>.d..t...... ./\n<<CHANGED>>>f+++++++++ a.txt\n<<CHANGED>>*deleting   old\n', false), {
    changed: true,
    msg: '.d..t...... ./\n>f+++++++++ a.txt\n*deleting   old\n',
    stdout_lines: ['.d..t...... ./', '>f+++++++++ a.txt', '*deleting   old'],
  });
  assert.equal(rsyncOutcome('<<CHANGED>>.f          same\n', true).changed, false, 'with link_dest a leading . is no change');
});

test('synchronize: remote paths as ansible.posix writes them', () => {
  assert.equal(remotePath('10.0.0.5', '/d', 'root'), 'root@10.0.0.5:/d');
  assert.equal(remotePath('fd00::5', '/d', 'root'), '[root@fd00::5]:/d');
  assert.equal(remotePath('h', '/d', undefined), 'h:/d');
  assert.equal(remotePath('h', 'rsync://x/m', 'root'), 'rsync://x/m');
});

test('synchronize: push finds a relative src in the playbook files/, pull writes to the controller; rsync failure is reported', async () => {
  const { dir, cleanup } = nastyTempDir();
  try {
    mkdirSync(join(dir, 'files', 'site'), { recursive: true });
    const ran: string[][] = [];
    let answer: ExecResult = { stdout: '<<CHANGED>>>f+++++++++ index.html\n', stderr: '', code: 0, signal: null };
    const real = controllerSide([join(dir, 'files'), dir]);
    const controller: ControllerSide = { ...real, run: async (argv) => (ran.push([...argv]), answer) };
    const io = localIO({ ssh: route, controller });
    const pushed = await synchronize.run(args({ src: 'site/', dest: '/var/www' }), io);
    assert.equal(pushed.changed, true);
    assert.deepEqual(pushed.stdout_lines, ['>f+++++++++ index.html']);
    assert.deepEqual(ran[0]!.slice(-2), [join(dir, 'files', 'site') + '/', 'deploy@10.0.0.5:/var/www']);
    await synchronize.run(args({ src: '/etc/app', dest: 'backup', mode: 'pull' }), io);
    assert.deepEqual(ran[1]!.slice(-2), ['deploy@10.0.0.5:/etc/app', join(dir, 'backup')], 'pull: a missing relative dest is under the playbook dir');
    answer = { stdout: '', stderr: 'rsync: connection unexpectedly closed\n', code: 255, signal: null };
    const failed = await synchronize.run(args({ src: '/s', dest: '/d' }), io);
    assert.equal(failed.failed, true);
    assert.equal(failed.rc, 255);
    assert.equal(failed.msg, 'rsync: connection unexpectedly closed\n');
    const password = await synchronize.run(args({ src: '/s', dest: '/d' }), localIO({ ssh: { ...route, hasPassword: true }, controller }));
    assert.match(String(password.msg), /password.*use a key/);
  } finally {
    cleanup();
  }
});

const target = (over: Partial<ConnectTarget> = {}): ConnectTarget => ({
  name: 'h', address: '10.0.0.5', port: 22, user: 'root', privateKeyFiles: ['/k'], hostKeyPolicy: 'strict', knownHostsFiles: ['/kh one', '/kh2'],
  connectTimeoutMs: 10_000, keepaliveIntervalMs: 5_000, maxChannels: 8, jumps: [], ...over,
});

test('OpenSSH options: our host key policy, known_hosts, timeouts; jump hosts as a nested ProxyCommand', () => {
  assert.deepEqual(opensshOptions(target()), [
    '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'UserKnownHostsFile="/kh one" /kh2', '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=5',
  ]);
  assert.ok(opensshOptions(target({ hostKeyPolicy: 'off' })).includes('UserKnownHostsFile=/dev/null'));
  assert.ok(opensshOptions(target({ hostKeyPolicy: 'accept-new' })).includes('StrictHostKeyChecking=accept-new'));
  const j1 = target({ name: 'j1', address: '1.1.1.1', user: 'a' });
  const j2 = target({ name: 'j2', address: '2.2.2.2', user: 'b', port: 2200 });
  const proxy = opensshOptions(target({ jumps: [j1, j2] })).find((o) => o.startsWith('ProxyCommand='))!;
  assert.match(proxy, /^ProxyCommand=ssh -S none -p 2200 -i \/k .* -W 10\.0\.0\.5:22 b@2\.2\.2\.2$/);
  assert.match(proxy, /ProxyCommand=ssh -S none -p 22 .* -W 2\.2\.2\.2:2200 a@1\.1\.1\.1'/, 'the inner hop reaches the outer jump host');
});
