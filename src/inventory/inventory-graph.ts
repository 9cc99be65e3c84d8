// The tree `ansible-inventory --graph [GROUP] [--vars]` prints (its cli/inventory.py _graph_group): a group's
// child groups first, then its own hosts (none listed under `all`), each level indented "  |"; with vars, each
// host's merged variables under it and each group's own variables after its members, sorted by name.
import { pyStr } from '../jinja/values.js';
import { maskSecrets } from './mask-secrets.js';
import type { Inventory } from './types.js';

const line = (text: string, depth: number) => (depth === 0 ? text : `${'  |'.repeat(depth)}--${text}`);

function varLines(vars: Record<string, unknown>, depth: number): string[] {
  const masked = maskSecrets(vars);
  return Object.keys(masked)
    .sort()
    .map((name) => line(`{${name} = ${pyStr(masked[name])}}`, depth));
}

/** The graph from `group` down, or undefined when there is no such group. */
export function inventoryGraph(inventory: Inventory, group = 'all', options: { vars?: boolean } = {}): string | undefined {
  if (!inventory.groups.has(group)) return undefined;
  const walk = (name: string, depth: number): string[] => {
    const g = inventory.groups.get(name)!;
    const out = [line(`@${name}:`, depth)];
    for (const child of g.children) out.push(...walk(child, depth + 1));
    if (name !== 'all') {
      for (const host of g.hosts) {
        out.push(line(host, depth + 1));
        if (options.vars) out.push(...varLines(inventory.hosts.get(host)?.vars ?? {}, depth + 2));
      }
    }
    if (options.vars) out.push(...varLines(g.vars, depth + 1));
    return out;
  };
  return walk(group, 0).join('\n');
}
