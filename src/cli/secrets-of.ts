// The secrets a run knows about, so text we did not build ourselves (remote output) can be redacted too.
import type { SelectedHosts } from './host-options.js';

const SECRET_VARS = /pass(word)?$|_pass$|token|secret/i;

export function secretsOf(selected: SelectedHosts): string[] {
  const out = new Set<string>();
  const pw = selected.defaults.becomePassword?.reveal();
  if (pw) out.add(pw);
  for (const h of selected.hosts)
    for (const [k, v] of Object.entries(h.vars)) if (SECRET_VARS.test(k) && typeof v === 'string' && v.length >= 4) out.add(v);
  return [...out];
}
