// A bad ansible.cfg or ANSIBLE_* value. Ansible stops with AnsibleOptionsError (exit 5, measured), so this is a
// UsageError, which exits 5 too, with the file:line:column in its message.
import { UsageError, formatPosition, type SourcePosition } from '../errors.js';

export function settingsError(position: SourcePosition | undefined, message: string, hint?: string): UsageError {
  return new UsageError(position ? `${formatPosition(position)}: ${message}` : message, hint ? { hint } : {});
}
