// The prepare-like playbook (15 steps, bench/playbooks/prepare-like.yaml): first run and no-change run, tsinfra
// and (with --with-ansible) ansible-playbook on the same lab, alternately, so their ratio comes from one bench run.
// Before each first run the hosts are put back as they were (nsenter, unmeasured).
import { join } from 'node:path';
import type { LabInfo } from '../../src/lab/lab-types.js';
import { measureProcess, median, type Measurement } from '../measure.js';
import { BENCH_DIR, TSINFRA, changedCount, checked, onEveryHost, playArgs, roundTripsPerHost, tasksPerHost, row, type BenchOptions, type Row } from './common.js';

export const PREPARE_LIKE = join(BENCH_DIR, 'playbooks', 'prepare-like.yaml');
const ANSIBLE_DIR = join(BENCH_DIR, 'ansible');
const RULES = ['tcp 80', 'tcp 443', 'tcp 6443', 'tcp 8080', 'tcp 9100', 'tcp 10250', 'udp 51820', 'udp 9993'];

/** Undoes the playbook: its directory, its user, its eight rules. */
const RESET = [
  'rm -rf /etc/tsinfra-bench',
  'if getent passwd benchuser >/dev/null; then userdel -r benchuser 2>/dev/null || userdel benchuser; fi',
  ...RULES.map((r) => { const [proto, port] = r.split(' '); return `while iptables -D INPUT -p ${proto} --dport ${port} -j ACCEPT 2>/dev/null; do :; done`; }),
].join('\n');

function ansibleRun(lab: LabInfo, ansiblePlaybook: string): Promise<Measurement> {
  const sshArgs = [
    '-o ControlMaster=auto -o ControlPersist=60s', // Ansible's defaults, kept
    `-o UserKnownHostsFile=${lab.knownHostsPath} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes`,
    '-o IdentitiesOnly=yes -o BatchMode=yes',
  ].join(' ');
  const env = {
    ...process.env,
    ANSIBLE_CONFIG: join(ANSIBLE_DIR, 'ansible.cfg'),
    ANSIBLE_SSH_ARGS: sshArgs,
    ANSIBLE_PIPELINING: 'true',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_LOCAL_TEMP: join(lab.stateDir, 'ansible-tmp'),
  };
  const args = [join(ANSIBLE_DIR, 'prepare-like.yml'), '-i', lab.inventoryPath, '--forks', String(lab.hosts.length)];
  return measureProcess(ansiblePlaybook, args, { env, cwd: ANSIBLE_DIR });
}

/** `changed=N` from Ansible's PLAY RECAP, summed over hosts. */
function ansibleChanged(m: Measurement): number {
  return [...m.stdout.matchAll(/changed=(\d+)/g)].reduce((sum, x) => sum + Number(x[1]), 0);
}

export async function prepareLikeWorkload(lab: LabInfo, opts: BenchOptions): Promise<{ rows: Row[]; floorCommands: number }> {
  const n = lab.hosts.length;
  const reset = () => onEveryHost(lab, RESET);
  const ours = { first: [] as Measurement[], again: [] as Measurement[] };
  const theirs = { first: [] as Measurement[], again: [] as Measurement[] };
  for (let i = 0; i < opts.runs; i++) {
    await reset();
    ours.first.push(checked(await measureProcess(TSINFRA, playArgs(lab, PREPARE_LIKE)), 'tsinfra prepare-like (first)'));
    const again = checked(await measureProcess(TSINFRA, playArgs(lab, PREPARE_LIKE)), 'tsinfra prepare-like (no change)');
    if (changedCount(again) !== 0) throw new Error(`tsinfra prepare-like: the second run changed ${changedCount(again)} things`);
    ours.again.push(again);
    if (opts.ansiblePlaybook) {
      await reset();
      theirs.first.push(checked(await ansibleRun(lab, opts.ansiblePlaybook), 'ansible-playbook prepare-like (first)'));
      const a = checked(await ansibleRun(lab, opts.ansiblePlaybook), 'ansible-playbook prepare-like (no change)');
      if (ansibleChanged(a) !== 0) throw new Error(`ansible-playbook prepare-like: the second run changed ${ansibleChanged(a)} things`);
      theirs.again.push(a);
    }
  }
  const trips = (ms: Measurement[]) => ({ roundTripsPerHost: ms.map(roundTripsPerHost) });
  const rows = [
    row('prepare-like: first run', n, 'tsinfra', ours.first, trips(ours.first)),
    row('prepare-like: no change', n, 'tsinfra', ours.again, trips(ours.again)),
  ];
  if (opts.ansiblePlaybook) {
    rows.push(row('prepare-like: first run', n, 'ansible-playbook (pipelining)', theirs.first), row('prepare-like: no change', n, 'ansible-playbook (pipelining)', theirs.again));
  }
  // The floor of the issue: connect, then one round trip per task (tsinfra itself needs fewer: it reads ahead).
  return { rows, floorCommands: Math.round(median(ours.again.map(tasksPerHost))) };
}
