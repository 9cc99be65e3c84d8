// The variables Ansible adds to a template file's render, over the task's own (the template module and
// lookup('template')): ansible-core 2.14's generate_ansible_template_vars. `ansible_managed` is the default
// DEFAULT_MANAGED_STR, "Ansible managed" (tsinfra has no ansible.cfg to change it), the line real roles put at the
// top of nearly every template. Left out: template_mtime and template_run_date (Python datetime objects).
import { readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';

export const ANSIBLE_MANAGED = 'Ansible managed';

function userName(uid: number): string {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid && f[0]) return f[0];
    }
  } catch {
    /* no passwd file: the number, as pwd.getpwuid's KeyError path does */
  }
  return String(uid);
}

/** Ansible's template vars for `src` (as the task gave it) found at `file`. They win over the task's variables. */
export function ansibleTemplateVars(src: string, file: string): Record<string, string> {
  const fullpath = resolve(file);
  let uid: string;
  try {
    uid = userName(statSync(fullpath).uid);
  } catch {
    uid = String(process.getuid?.() ?? '');
  }
  return {
    template_host: hostname(),
    template_path: src,
    template_fullpath: fullpath,
    template_uid: uid,
    ansible_managed: ANSIBLE_MANAGED,
  };
}
