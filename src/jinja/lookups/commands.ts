// lookup('pipe', cmd) and lookup('lines', cmd): a shell command run ON THE CONTROLLER, as Ansible runs it
// (`/bin/sh -c`, in the playbook's directory, stdin empty, stderr passed through), each time the template renders.
// pipe gives stdout with trailing whitespace stripped, lines gives its lines; a non-zero exit is an error. The
// command text goes to the shell through its environment, never its argv, and is unset before the command runs, so
// a secret templated into it shows in no process list. The render waits for the command (lookups are synchronous).
import { spawnSync } from 'node:child_process';
import { ansibleError } from '../filters/ansible-common.js';
import { pyRstrip, pySplitLines } from '../python/text.js';
import type { CallContext, LookupDef } from '../registry.js';
import { pyStr } from '../values.js';

const WRAPPER = 'tsi_c=$TSINFRA_LOOKUP_COMMAND; unset TSINFRA_LOOKUP_COMMAND; eval "$tsi_c"';

function runCommand(ctx: CallContext, plugin: string, term: unknown): string {
  const command = pyStr(term);
  const r = spawnSync('/bin/sh', ['-c', WRAPPER], {
    cwd: ctx.host.commandDir ?? ctx.host.searchPath('files').at(-1),
    env: { ...ctx.host.env, TSINFRA_LOOKUP_COMMAND: command },
    input: '',
    stdio: ['pipe', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw ansibleError(`lookup_plugin.${plugin}(${command}) could not run: ${r.error.message}`);
  const code = r.status ?? 128;
  if (code !== 0) throw ansibleError(`lookup_plugin.${plugin}(${command}) returned ${code}`);
  return r.stdout.toString('utf8');
}

export const commandLookups: LookupDef[] = [
  { name: 'pipe', fn: (ctx, terms) => terms.map((t) => pyRstrip(runCommand(ctx, 'pipe', t))) },
  { name: 'lines', fn: (ctx, terms) => terms.flatMap((t) => pySplitLines(runCommand(ctx, 'lines', t))) },
];
