// What a user meets first when a run goes wrong or they ask for more (-vvv): each remote script with its host,
// timing and secrets masked; a module failing for want of root gets one "use become" hint after the reason.
// Through the real loader and engine on the fake transport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeTransport } from '../../../src/transport/fake.js';
import { becomeHint } from '../../../src/engine/module-runner.js';
import { quote } from '../../../src/shell/quote.js';
import { fakeFile, fileProbeReply, inventoryOf, runFakePlay } from '../../support/fake-play.js';

const SECRET = 'TOPSECRET-c0ntent-4471';

test('-vvv traces: each task script with its host, task, rc and timing; copy content shows as ********', async () => {
  const fake = new FakeTransport();
  fakeFile(fake, '/etc/app.conf', undefined);
  const run = await runFakePlay({
    fake,
    verbosity: 3,
    files: {
      'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - name: write it
      copy: { dest: /etc/app.conf, content: "${SECRET}\\n" }
      environment: { APP_MODE: prod }
`,
      'inventory.yaml': inventoryOf('web1'),
    },
  });
  assert.equal(run.status('write it', 'web1'), 'changed');
  const traces = run.traces.filter((t) => t.task?.includes('write it'));
  assert.ok(traces.length >= 2, `a probe and an apply: ${JSON.stringify(traces)}`);
  for (const t of traces) {
    assert.equal(t.host, 'web1');
    assert.equal(t.rc, 0);
    assert.ok(t.durationMs >= 0);
    assert.match(t.script, /^export APP_MODE=prod\n/, 'the environment as it is exported');
  }
  const apply = traces.find((t) => t.script.includes('tsi_dest'))!;
  assert.ok(apply, 'the apply script is traced');
  assert.match(apply.script, /\*\*\*/);
  const all = JSON.stringify(run.traces);
  assert.ok(!all.includes(SECRET) && !all.includes(Buffer.from(`${SECRET}\n`).toString('base64')), 'never the content, plain or base64');
  // The script that ran had the content: only the trace is masked.
  assert.ok(run.fake.calls().some((c) => c.script?.includes(Buffer.from(`${SECRET}\n`).toString('base64'))));
});

test('-vvv: a no_log task shows that it ran a script, never the script', async () => {
  const fake = new FakeTransport();
  fakeFile(fake, '/etc/app.conf', undefined);
  const run = await runFakePlay({
    fake,
    verbosity: 3,
    files: {
      'site.yaml': `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: hidden\n      copy: { dest: /etc/app.conf, content: "${SECRET}\\n" }\n      no_log: true\n`,
      'inventory.yaml': inventoryOf('web1'),
    },
  });
  assert.equal(run.status('hidden', 'web1'), 'changed');
  assert.ok(run.traces.length >= 2);
  assert.ok(run.traces.every((t) => t.script === '(hidden: no_log)'), JSON.stringify(run.traces));
});

const DENIED = "mktemp: failed to create file via template '/root/.tsinfra.XXXXXX': Permission denied\n";

/** The fake's hosts, logged in as `deploy` (not root). */
class DeployFake extends FakeTransport {
  override targetOf(host: { name: string }) {
    return { ...super.targetOf(host), user: 'deploy' };
  }
}

async function deniedRun(vars: string) {
  const fake = new DeployFake();
  fake.on(`p=${quote('/root/app.conf')}\n`, fileProbeReply(undefined));
  fake.on('tsi_dest=', { rc: 1, stderr: DENIED });
  return runFakePlay({
    fake,
    files: {
      'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - name: write it
      copy: { dest: /root/app.conf, content: "x\\n" }
${vars}`,
      'inventory.yaml': inventoryOf('web1'),
    },
  });
}

test('a module failing on permission, run as a non-root login without become: the reason and one hint', async () => {
  const run = await deniedRun('');
  const [r] = run.results('write it');
  assert.equal(r?.status, 'failed');
  // The message says what failed and why (the end of stderr, as Ansible's msg gives the reason), then one hint; the
  // text report then leaves out the stderr section the message already holds.
  assert.match(r!.message!, /copy apply failed \(exit 1\): .*mktemp.* \(hint: deploy is not root: use become \(-b, or become: true\) or connect as root\)$/s);
  assert.equal(r!.message!.match(/use become/g)?.length, 1);
  assert.equal(r!.stderr, DENIED);
  // With become the same failure is not about become: no hint.
  const [withBecome] = (await deniedRun('      become: true\n')).results('write it');
  assert.equal(withBecome?.status, 'failed');
  assert.doesNotMatch(withBecome!.message!, /hint/);
});

test('no become hint with become, as root, or for a failure that is not about permission', () => {
  const denied = { stdout: '', stderr: DENIED, code: 1, signal: null };
  const as = (user: string) => ({ target: { user } as never });
  assert.match(becomeHint(as('deploy'), denied) ?? '', /use become/);
  assert.match(becomeHint(as('deploy'), { ...denied, stderr: 'E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\n' }) ?? '', /use become/);
  assert.equal(becomeHint({ ...as('deploy'), become: { user: 'root' } }, denied), undefined);
  assert.equal(becomeHint(as('root'), denied), undefined);
  assert.equal(becomeHint(as('deploy'), { ...denied, stderr: 'No space left on device\n' }), undefined);
});
