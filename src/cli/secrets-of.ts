// The secrets a run knows about, so text we did not build ourselves (remote output) can be redacted too.
import type { SelectedHosts } from './host-options.js';
import { vaultPlaintexts } from '../vault/keyring.js';

const SECRET_VARS = /pass(word)?$|_pass$|token|secret/i;

export function secretsOf(selected: SelectedHosts): string[] {
  const out = new Set<string>();
  const pw = selected.defaults.becomePassword?.reveal();
  if (pw) out.add(pw);
  for (const h of selected.hosts)
    for (const [k, v] of Object.entries(h.vars)) if (SECRET_VARS.test(k) && typeof v === 'string' && v.length >= 4) out.add(v);
  for (const v of vaultPlaintexts()) out.add(v); // every value that came out of a vault (docs/secrets.md)
  return [...out];
}
