// Exit codes, differential: ansible-playbook and tsinfra play run on the same playbooks and inventory, and must
// exit alike. The host is a user-level sshd on 127.0.0.1 (both tools connect over SSH as root with its key); the
// unreachable host is 127.0.0.1 on a closed port. Every pair runs at once: the file takes a few seconds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode } from '../../../src/cli/exit-codes.js';
import { inBatches, oracleDir } from '../../support/ansible-cli.js';
import { startSshd } from '../../support/sshd.js';

const sshd = await startSshd({ extraConfig: ['Subsystem sftp internal-sftp'] }); // Ansible copies its modules over sftp
const o = oracleDir('tsinfra-exit-codes-');
const common = `ansible_user=root ansible_ssh_private_key_file=${sshd.clientKey} ansible_python_interpreter=/usr/bin/python3 ` +
  `tsinfra_known_hosts_file=${sshd.knownHosts} ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHosts} -o IdentitiesOnly=yes'`;
o.write('hosts.ini', `[good]\nloop ansible_host=127.0.0.1 ansible_port=${sshd.port} ${common}\n[down]\ndead ansible_host=127.0.0.1 ansible_port=1 ${common}\n`);
const book = (name: string, hosts: string, tasks: string) =>
  o.write(name, `- hosts: ${hosts}\n  gather_facts: false\n  tasks:\n${tasks}`);
book('ok.yml', 'all', '    - command: /bin/true\n');
book('fail.yml', 'all', '    - command: /bin/false\n');
book('nomatch.yml', 'nosuchgroup', '    - command: /bin/true\n');
book('parse.yml', 'all', '    - command: [unclosed\n');
book('badmodule.yml', 'all', '    - nosuchmodule: a=b\n');

// [case, arguments after `-i hosts.ini`, the code both must give]
const CASES: [string, string[], number][] = [
  ['success', ['-l', 'good', 'ok.yml'], 0],
  ['a failed host', ['-l', 'good', 'fail.yml'], 2],
  ['an unreachable host', ['-l', 'dead', 'ok.yml'], 4],
  ['a failed and an unreachable host: unreachable wins', ['fail.yml'], 4],
  ["the play's hosts match nothing", ['nomatch.yml'], 0],
  ['--limit leaves no host', ['-l', 'nosuch', 'ok.yml'], 1],
  ['a YAML error', ['-l', 'good', 'parse.yml'], 4],
  ['an unknown module', ['-l', 'good', 'badmodule.yml'], 4],
  ['a missing playbook', ['-l', 'good', 'missing.yml'], 1],
  ['an unknown option', ['--bogus', '-l', 'good', 'ok.yml'], 2],
];

// Three pairs at a time: each case's test awaits its own pair.
const runs = inBatches(CASES.map(([, args]) => () =>
  Promise.all([o.ansible('ansible-playbook', ['-i', 'hosts.ini', ...args]), o.tsinfra(['play', '-i', 'hosts.ini', ...args])]),
), 3);

for (const [i, [name, args, expected]] of CASES.entries()) {
  test(`exit code, ${name}: ansible-playbook and tsinfra both exit ${expected}`, async () => {
    const [ansible, ours] = await runs[i]!;
    const context = (r: { stdout: string; stderr: string }) => `${args.join(' ')}\n${r.stdout.slice(-1500)}${r.stderr.slice(-1500)}`;
    assert.equal(ansible.code, expected, `ansible-playbook: ${context(ansible)}`);
    assert.equal(ours.code, ansible.code, `tsinfra: ${context(ours)}`);
  });
}

test('interrupted runs exit 99, as ansible-playbook (its KeyboardInterrupt handler)', () => {
  assert.equal(ExitCode.interrupted, 99);
});
