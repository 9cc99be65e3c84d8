// `--with-ansible`: Debian's ansible-core, installed with apt-get only when asked, and only while no lab is up
// (namespace hosts use the controller's root filesystem as their lower layer: installing under a running lab
// changes its hosts). Runs before the bench brings any lab up.
import { spawnSync } from 'node:child_process';
import { listLabNames } from '../src/lab/lab-state.js';

function which(cmd: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/** The path of ansible-playbook, installing Debian's ansible-core first if it is missing. */
export function ensureAnsible(progress: (m: string) => void): string {
  const present = which('ansible-playbook');
  if (present) return present;
  const labs = listLabNames();
  if (labs.length > 0) {
    throw new Error(`refusing to install ansible-core while labs are up (${labs.join(', ')}): their hosts share this root filesystem; run tsinfra lab down --all first`);
  }
  progress('bench: installing Debian ansible-core (apt-get install ansible-core)...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'ansible-core'], { stdio: 'inherit', env });
  if (install().status !== 0) {
    if (spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env }).status !== 0 || install().status !== 0) {
      throw new Error('apt-get install ansible-core failed');
    }
  }
  const installed = which('ansible-playbook');
  if (!installed) throw new Error('ansible-core is installed but ansible-playbook is not on PATH');
  return installed;
}
