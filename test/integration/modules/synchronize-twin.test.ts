// synchronize against ansible.posix's: the same playbook with ansible-playbook on master1 and tsinfra on its twin
// master2. A controller tree pushed with delete (a stale file on the host goes), a host tree pulled back to the
// controller, a push with rsync_opts and no archive. Compared: the trees on the two hosts and the two pulled trees,
// and the registered changed/rc/msg/stdout_lines/failed and cmd (its ssh command and host names taken out). Then a
// second tsinfra run changes nothing, and --check reports a change (a new stale file) and changes nothing.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHost, hostExec, ok, run, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, differences, tsinfraPlay } from '../../support/ansible-twin.js';

const started = Date.now();
const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';

const dir = mkdtempSync(join(tmpdir(), 'tsinfra-sync-twin-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SRC = join(dir, 'src');
const PULLED = join(dir, 'pulled');
mkdirSync(join(SRC, 'sub'), { recursive: true });
writeFileSync(join(SRC, 'a.txt'), 'alpha\n');
writeFileSync(join(SRC, 'sub', 'b conf'), 'beta with a space\n');
writeFileSync(join(SRC, 'skip.tmp'), 'excluded by rsync_opts\n');
writeFileSync(join(SRC, 'secret.key'), 'mode 600\n');
chmodSync(join(SRC, 'secret.key'), 0o600);
symlinkSync('a.txt', join(SRC, 'link'));
// Fixed times: both hosts get the same tree, whatever second each file was written in.
const t = new Date('2026-01-02T03:04:05Z');
for (const p of ['a.txt', 'sub/b conf', 'skip.tmp', 'secret.key', 'sub', '.']) utimesSync(join(SRC, p), t, t);
mkdirSync(PULLED);

const CASES: [name: string, args: string][] = [
  ['push', `src: "${SRC}/", dest: /srv/sync, delete: true`],
  ['pull', `mode: pull, src: /srv/pullsrc/, dest: "${PULLED}/{{ inventory_hostname }}/"`],
  ['opts', `src: "${SRC}/", dest: /srv/plain, archive: false, recursive: true, times: true, checksum: true, rsync_opts: ["--exclude=*.tmp"]`],
];
const KEYS = ['changed', 'failed', 'rc', 'msg', 'stdout_lines'];

// One task leaves every registered result on the host (ansible-playbook spends seconds per task).
const DUMP = `    - copy: { content: "{{ { ${CASES.map(([n]) => `'${n}': ${n}`).join(', ')} } | to_json }}", dest: /tmp/sync-registered.json }\n`;
const book = (dump: boolean) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.map(([name, args]) => `    - name: synchronize ${name}\n      ansible.posix.synchronize: { ${args} }\n      register: ${name}\n`).join('') +
  (dump ? DUMP : '');

async function registered(host: string): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(ok(await hostExec(lab!, host, 'cat /tmp/sync-registered.json'), `registered results on ${host}`)) as Record<string, Record<string, unknown>>;
}

const TREE = (root: string) => `cd ${root} && find . -printf '%p %y %m %s %l\\n' | sort && find . -type f -exec md5sum {} + | sort`;

/** A registered value without what differs between the hosts by design: its address and name (the pull's dest). */
function shape(value: unknown, host: string): unknown {
  return JSON.parse(JSON.stringify(value ?? null).replaceAll(findHost(lab!, host).sshAddress, 'HOST').replaceAll(host, 'NAME'));
}

/** cmd without the ssh command too (ours checks the host key as our connection does; Ansible's turns checking off). */
const cmdShape = (cmd: unknown, host: string) => String(shape(cmd, host)).replace(/--rsh='(?:[^']|'"'"')*'/, '--rsh=SSH');

test('synchronize pushes and pulls what ansible.posix does, registering the same keys', { timeout: 600_000 }, async () => {
  for (const h of [THEIRS, OURS]) {
    ok(await hostExec(lab!, h, 'mkdir -p /srv/sync /srv/pullsrc/d && echo old > /srv/sync/stale.txt && echo pulled > /srv/pullsrc/d/p.txt && touch -d 2026-01-01 /srv/pullsrc/d/p.txt /srv/pullsrc/d /srv/pullsrc'), `setup on ${h}`);
  }
  const lap = Date.now();
  const theirs = await ansiblePlay(lab!, THEIRS, book(true));
  const ansibleSeconds = (Date.now() - lap) / 1000;
  const ours = await tsinfraPlay(lab!, OURS, book(true));
  process.stderr.write(`ansible-playbook ${ansibleSeconds.toFixed(1)} s, tsinfra ${((Date.now() - lap) / 1000 - ansibleSeconds).toFixed(1)} s\n`);
  assertBothSucceeded(theirs, ours);
  assert.equal(ours.changed, theirs.changed, `changed counts: tsinfra ${ours.changed}, ansible ${theirs.changed}`);

  const disagree: string[] = [];
  let agreed = 0;
  const [all, allOurs] = [await registered(THEIRS), await registered(OURS)];
  for (const [name] of CASES) {
    const [a, b] = [all[name]!, allOurs[name]!];
    const pick = (r: Record<string, unknown>, host: string) => ({ ...Object.fromEntries(KEYS.map((k) => [k, shape(r[k], host)])), cmd: cmdShape(r.cmd, host) });
    const d = differences(pick(b, OURS), pick(a, THEIRS));
    disagree.push(...d.map((x) => `${name}.${x}`));
    agreed += KEYS.length + 1 - d.length;
  }
  const trees = await Promise.all([THEIRS, OURS].map(async (h) => ok(await hostExec(lab!, h, `${TREE('/srv/sync')}; echo ---; ${TREE('/srv/plain')}`), `tree on ${h}`)));
  const pulled = await Promise.all([THEIRS, OURS].map(async (h) => ok(await run('sh', ['-c', TREE(join(PULLED, h))]), `pulled tree of ${h}`)));
  process.stderr.write(`synchronize differential: ${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ; host trees ${trees[0] === trees[1] ? 'identical' : 'differ'}, pulled trees ${pulled[0] === pulled[1] ? 'identical' : 'differ'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(trees[1], trees[0]);
  assert.equal(pulled[1], pulled[0]);
  assert.doesNotMatch(trees[1]!, /stale\.txt/, 'delete removed the stale file');
  assert.match(trees[1]!, /\.\/link l 777 5 a\.txt/, 'the symlink is kept as a link');
  assert.match(trees[1]!, /\.\/secret\.key f 600/, 'the mode is kept');
  assert.doesNotMatch(trees[1]!.split('---')[1]!, /skip\.tmp|link/, 'rsync_opts excluded *.tmp; no archive: no links');
  assert.match(pulled[1]!, /\.\/d\/p\.txt f/);
  assert.equal(allOurs.push!.changed, true);

  const again = await tsinfraPlay(lab!, OURS, book(false));
  assert.equal(again.code, 0, again.output.slice(-3000));
  assert.equal(again.changed, 0, `a second run changes nothing:\n${again.output.slice(-3000)}`);

  ok(await hostExec(lab!, OURS, 'echo new > /srv/sync/stale2.txt'));
  const check = await tsinfraPlay(lab!, OURS, book(false), { check: true });
  assert.equal(check.code, 0, check.output.slice(-3000));
  assert.equal(check.changed, 1, `--check: the push would delete stale2.txt:\n${check.output.slice(-3000)}`);
  ok(await hostExec(lab!, OURS, 'test -f /srv/sync/stale2.txt'), '--check deleted nothing');
  process.stderr.write(`synchronize-twin: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
