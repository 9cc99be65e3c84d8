// apt_key against Ansible's. Ansible's apt_key runs apt-key, which adds to the global /etc/apt/trusted.gpg; tsinfra
// writes each key as its own keyring in /etc/apt/keyrings/ with a trusted.gpg.d link (docs/modules.md#apt_key), so
// the files differ by design. What is compared is what apt trusts: the fingerprints in trusted.gpg and
// trusted.gpg.d/ on each host, after keys added by url (from a server on the controller), by data and removed by id;
// and the registered `changed`. Then a second tsinfra run and --check report changed=0, and the warning is given once.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, ok, run, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';
import { startFileServer } from '../../support/file-server.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';

// Three throwaway keys, made in a temporary GNUPGHOME on the controller.
const home = mkdtempSync(join(tmpdir(), 'tsinfra-apt-key-'));
after(() => rmSync(home, { recursive: true, force: true }));
async function makeKey(name: string): Promise<{ armored: string; fpr: string }> {
  const gpg = (args: string[]) => run('gpg', ['--homedir', home, '--batch', ...args]);
  ok(await gpg(['--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', `${name} <${name}@twin.test>`, 'ed25519', 'sign', '1d']), `gen ${name}`);
  const armored = ok(await gpg(['--armor', '--export', `${name}@twin.test`]));
  const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(ok(await gpg(['--with-colons', '--fingerprint', `${name}@twin.test`])))![1]!;
  return { armored, fpr };
}
const byUrl = lab ? await makeKey('byurl') : undefined;
const byData = lab ? await makeKey('bydata') : undefined;
const removed = lab ? await makeKey('removed') : undefined;
const server = lab ? await startFileServer(lab.controllerAddress, { '/keys/repo.asc': byUrl!.armored }) : undefined;
after(() => server?.close());

const indent = (text: string) => text.trim().split('\n').map((l) => `          ${l}`).join('\n');
const book = (dump: boolean) => `- hosts: all
  gather_facts: false
  tasks:
    - name: apt_key url
      ansible.builtin.apt_key: { url: "${server?.url}/keys/repo.asc", state: present }
      register: by_url
${dump ? dumpTask('by_url') : ''}    - name: apt_key data
      apt_key:
        data: |
${indent(byData?.armored ?? '')}
      register: by_data
${dump ? dumpTask('by_data') : ''}    - name: apt_key data to remove
      apt_key:
        id: "${removed?.fpr}"
        data: |
${indent(removed?.armored ?? '')}
    - name: apt_key absent
      apt_key: { id: "${removed?.fpr}", state: absent }
      register: gone
${dump ? dumpTask('gone') : ''}`;

const TRUSTED =
  'for f in /etc/apt/trusted.gpg /etc/apt/trusted.gpg.d/*; do [ -e "$f" ] && gpg --batch --no-default-keyring --keyring /dev/null --with-colons --show-keys "$f" 2>/dev/null; done | ' +
  "awk -F: '$1 == \"fpr\" { print $10 }' | sort -u";

test('apt_key makes apt trust the keys Ansible makes it trust', { timeout: 600_000 }, async () => {
  const theirs = await ansiblePlay(lab!, THEIRS, book(true));
  const ours = await tsinfraPlay(lab!, OURS, book(true));
  assertBothSucceeded(theirs, ours);
  assert.equal(ours.output.split('apt_key is deprecated').length - 1, 1, 'warned once');
  const ta = ok(await hostExec(lab!, THEIRS, TRUSTED));
  const tb = ok(await hostExec(lab!, OURS, TRUSTED));
  let agreed = 0;
  const disagree: string[] = [];
  for (const name of ['by_url', 'by_data', 'gone']) {
    const a = await registeredOn(lab!, THEIRS, name);
    const b = await registeredOn(lab!, OURS, name);
    if (a.changed === b.changed) agreed++;
    else disagree.push(`${name}.changed: tsinfra ${String(b.changed)} ansible ${String(a.changed)}`);
  }
  process.stderr.write(`apt_key differential: ${agreed} of 3 registered changed agree; trusted fingerprints ${ta === tb ? 'identical' : 'differ'} (${tb.trim().split('\n').length})\n`);
  assert.deepEqual(disagree, []);
  assert.equal(tb, ta);
  assert.ok(tb.includes(byUrl!.fpr) && tb.includes(byData!.fpr) && !tb.includes(removed!.fpr));
  const files = ok(await hostExec(lab!, OURS, 'ls /etc/apt/keyrings; ls -l /etc/apt/trusted.gpg.d | grep -c keyrings'));
  assert.match(files, /^10_99_\d+_\d+_\d+_keys_repo_asc\.asc$/m, 'the url key, named after its URL');
  assert.match(files, /^key-[0-9a-f]{16}\.asc$/m, 'the data key, named after its sha256');
  assert.doesNotMatch(files, new RegExp(removed!.fpr));

  const again = await tsinfraPlay(lab!, OURS, book(false));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 2, 'a second run: only the add-then-remove pair changes');
  const steady = book(false).replace(/    - name: apt_key data to remove[\s\S]*?(?=    - name: apt_key absent)/, '');
  const third = await tsinfraPlay(lab!, OURS, steady);
  assert.equal(third.changed, 0, third.output);
  ok(await hostExec(lab!, OURS, 'rm -f /etc/apt/trusted.gpg.d/key-*.asc'));
  const check = await tsinfraPlay(lab!, OURS, steady, { check: true });
  assert.equal(check.changed, 1, '--check: the removed link would be made again');
  assert.equal(ok(await hostExec(lab!, OURS, 'ls /etc/apt/trusted.gpg.d | grep -c "^key-" || true')).trim(), '0', '--check changed nothing');
});
