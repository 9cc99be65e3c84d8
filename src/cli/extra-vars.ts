// `-e`/`--extra-vars` as Ansible takes them: k=v pairs, inline JSON/YAML, or @file.
import { readFileSync } from 'node:fs';
import { parseYaml } from '../config/yaml-source.js';
import { UsageError } from '../errors.js';
import type { SelectedHosts } from './host-options.js';

/** `-e k=v`, `-e '{"k": 1}'`, `-e @file.yaml` — later ones win, as in Ansible. */
export function parseExtraVars(specs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    if (spec.startsWith('@')) {
      const file = spec.slice(1);
      const value = parseYaml(readExtraVarsFile(spec), file).value;
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`-e ${spec}: ${file} must hold a mapping of variables`);
      Object.assign(out, value);
    } else if (spec.trimStart().startsWith('{')) {
      const value = parseYaml(spec, '-e').value;
      Object.assign(out, value as Record<string, unknown>);
    } else {
      for (const pair of spec.split(/\s+(?=[A-Za-z_][A-Za-z0-9_]*=)/)) {
        const eq = pair.indexOf('=');
        if (eq <= 0) throw new UsageError(`-e ${JSON.stringify(spec)}: expected key=value, {json} or @file`);
        out[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
  }
  return out;
}

function readExtraVarsFile(spec: string): string {
  try {
    return readFileSync(spec.slice(1), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`-e ${spec}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read file (${code ?? err})`}`);
  }
}

/**
 * The hosts as `-e` sees them: extra vars override every host's variables (Ansible's highest precedence), so
 * `-e ansible_user=deploy` or `-e @secrets.yml` with ansible_become_password reach the connection, and their secrets
 * are redacted like the inventory's (secretsOf reads the hosts' vars).
 */
export function withExtraVars(selected: SelectedHosts, extraVars: Record<string, unknown>): SelectedHosts {
  if (Object.keys(extraVars).length === 0) return selected;
  return { ...selected, hosts: selected.hosts.map((h) => ({ ...h, vars: { ...h.vars, ...extraVars } })) };
}
