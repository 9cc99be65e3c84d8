// Finding a lookup's file the way Ansible's find_file_in_search_path does: an absolute or ~ path as it is, a
// relative one in each directory the render host searches for that kind (role files/, templates/, the playbook dir).
import { existsSync } from 'node:fs';
import type { CallContext } from '../registry.js';
import { pyExpanduser, pyJoin, pyNormpath } from '../filters/ansible-paths.js';

/** The path found, or undefined. */
export function findInSearchPath(ctx: CallContext, kind: 'files' | 'templates' | 'vars', needle: string): string | undefined {
  if (needle.startsWith('~') || needle.startsWith('/')) {
    const p = pyNormpath(pyJoin(process.cwd(), pyExpanduser(needle, ctx.host.env.HOME)));
    return existsSync(p) ? p : undefined;
  }
  for (const dir of ctx.host.searchPath(kind)) {
    const p = pyNormpath(pyJoin(process.cwd(), dir, needle));
    if (existsSync(p)) return p;
  }
  return undefined;
}
