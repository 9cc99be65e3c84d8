// The engine against real systemd hosts: a playbook using every module. Check mode changes nothing, the first
// run changes the hosts as intended (checked independently through nsenter), the second changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { verify } from 'unixcrypt';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra } from '../../support/cli.js';

const lab = await startLab({ kind: 'systemd', hosts: 3 });
const HOSTS = ['master1', 'master2', 'master3'];
const playbook = join(import.meta.dirname, '../../fixtures/playbooks/lab/all-modules.yaml');

function recapOf(stdout: string): Record<string, Record<string, number>> {
  const recap = jsonLines(stdout).find((e) => e.type === 'recap');
  assert.ok(recap, 'a recap event');
  return recap.hosts as Record<string, Record<string, number>>;
}

async function onHost(host: string, cmd: string): Promise<string> {
  return ok(await hostExec(lab, host, cmd), `${cmd} on ${host}`);
}

test('--check reports changes and leaves the hosts untouched', async () => {
  const r = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--check', '--json']);
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const recap = recapOf(r.stdout);
  for (const h of HOSTS) assert.ok(recap[h]!.changed! > 5, `${h} would change: ${JSON.stringify(recap[h])}`);
  for (const h of HOSTS) {
    assert.equal((await hostExec(lab, h, 'test -e /opt/demo')).code, 1, 'no directory');
    assert.equal((await hostExec(lab, h, 'id appuser')).code, 1, 'no user');
    assert.equal((await hostExec(lab, h, 'test -e /var/tmp/created-once')).code, 1, 'command not run');
  }
});

test('the first run changes the hosts as intended', async () => {
  const r = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--json']);
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const recap = recapOf(r.stdout);
  for (const h of HOSTS) {
    assert.equal(recap[h]!.failed, 0);
    assert.equal(recap[h]!.rescued, 1, 'the fail task was rescued');
    assert.equal(await onHost(h, 'cat /opt/demo/app.conf'), `# managed by tsinfra\nhost=${h}\nos=debian\nowner=tsinfra\n`);
    assert.equal(await onHost(h, 'cat /opt/demo/settings.conf'), 'port=8080\n');
    assert.equal(await onHost(h, 'stat -c %a /opt/demo/inline.txt'), '640\n');
    assert.equal(await onHost(h, 'cat /opt/demo/inline.txt'), `hello ${h}\n`);
    assert.equal(await onHost(h, 'readlink /opt/demo/current'), '/opt/demo\n');
    assert.equal(await onHost(h, 'cat /opt/demo/static.txt'), 'static file from the role\n');
    assert.match(await onHost(h, 'cat /opt/demo/block.conf'), /# BEGIN ANSIBLE MANAGED BLOCK\nalpha=1\nbeta=2\n# END ANSIBLE MANAGED BLOCK/);
    assert.match(await onHost(h, "dpkg-query -W -f='${Status}' curl"), /install ok installed/);
    assert.match(await onHost(h, 'cat /etc/apt/sources.list.d/demo.list'), /signed-by=\/etc\/apt\/keyrings\/demo.asc/);
    assert.match(await onHost(h, 'cat /etc/sysctl.d/60-demo.conf'), /^net.ipv4.ip_forward\s*=\s*1$/m);
    assert.match(await onHost(h, 'cat /home/appuser/.ssh/authorized_keys'), /demo@tsinfra/);
    const hash = (await onHost(h, 'getent shadow appuser')).split(':')[1]!;
    assert.ok(await verify('correct horse battery staple', hash), 'the password verifies against the shadow hash');
    assert.equal((await onHost(h, 'wc -l < /var/tmp/handler-runs')).trim(), '1', 'the handler notified twice ran once');
    assert.equal(await onHost(h, 'test -e /var/tmp/created-once && echo yes'), 'yes\n');
  }
  assert.ok(!r.stdout.includes('correct horse battery staple'), 'no_log hides the password');
});

test('the second run reports changed=0 on every host and runs no handler', async () => {
  const r = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--json']);
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const recap = recapOf(r.stdout);
  for (const h of HOSTS) {
    assert.equal(recap[h]!.changed, 0, `${h}: ${JSON.stringify(recap[h])}`);
    assert.equal(recap[h]!.failed, 0);
    assert.equal((await onHost(h, 'wc -l < /var/tmp/handler-runs')).trim(), '1');
  }
});

test('--diff --check shows unified diffs for drifted template, copy, lineinfile and blockinfile files, changing nothing', async () => {
  await onHost('master1', [
    "sed -i 's/^owner=.*/owner=someone-else/' /opt/demo/app.conf",
    "printf 'hello stranger\\n' > /opt/demo/inline.txt",
    "sed -i 's/^port=.*/port=9999/' /opt/demo/settings.conf",
    "sed -i 's/^beta=2$/beta=3/' /opt/demo/block.conf",
  ].join(' && '));
  const before = await onHost('master1', 'cat /opt/demo/app.conf /opt/demo/inline.txt /opt/demo/settings.conf /opt/demo/block.conf');
  const r = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--limit', 'master1', '--check', '--diff']);
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  for (const [removed, added] of [['owner=someone-else', 'owner=tsinfra'], ['hello stranger', 'hello master1'], ['port=9999', 'port=8080'], ['beta=3', 'beta=2']]) {
    assert.match(r.stdout, new RegExp(`^-${removed}$`, 'm'), `diff removes ${removed}`);
    assert.match(r.stdout, new RegExp(`^\\+${added}$`, 'm'), `diff adds ${added}`);
  }
  assert.equal(await onHost('master1', 'cat /opt/demo/app.conf /opt/demo/inline.txt /opt/demo/settings.conf /opt/demo/block.conf'), before, 'check mode changed nothing');
});
