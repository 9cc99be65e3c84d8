// Which modules may run as a detached job (`async:`). Ansible allows async for its plain modules and for the
// command, shell, package, service, uri and yum action plugins, and refuses it for the other action plugins (copy,
// template, script, assemble, unarchive, fetch, raw, debug, …: "async is not supported for this task").
// Here: an action that can describe itself as a job (asyncJob: command and shell), and a state module whose work
// is one apply script on the host. A state module with a controller-side step (copy, template, script, patch, …)
// is one of Ansible's action plugins, and is refused as Ansible refuses it.
import type { AnyModule } from './define.js';

/** Modules that change the host by a script but that Ansible runs as action plugins refusing async. */
const REFUSED = new Set(['assemble', 'unarchive']);

export function supportsAsync(m: AnyModule | undefined): boolean {
  if (!m) return false;
  if (m.kind === 'action') return m.asyncJob !== undefined;
  return m.prepare === undefined && !REFUSED.has(m.name);
}
