// at (ansible.posix.at): a command (or a script file on the host) queued with at(1) to run in COUNT UNITS, or the
// queued jobs that run it removed. As ansible.posix, a job "runs it" when `at -c JOB` contains the command's text;
// `unique: true` queues only when no job does. Without unique, `present` queues another job on every run, as Ansible
// does. The command reaches at(1) on stdin (Ansible writes it to a temp file first), so `script_file` is registered
// only when the task gave one. Ansible skips the module in check mode; here check mode reports what would change.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, StringEnum, type ArgProblem, type Change } from './define.js';
import { stateScript } from './lib/remote-file.js';

const AtArgs = Type.Object(
  {
    command: Type.Optional(Type.String({ minLength: 1, description: 'The command to queue' })),
    script_file: Type.Optional(Type.String({ minLength: 1, description: 'A script on the host to queue instead' })),
    count: Type.Optional(Type.Integer({ minimum: 1, description: 'How many units from now' })),
    units: Type.Optional(StringEnum(['minutes', 'hours', 'days', 'weeks'])),
    state: StringEnum(['absent', 'present'], { default: 'present' }),
    unique: Type.Boolean({ default: false, description: 'Queue only when no job runs this command yet' }),
  },
  { additionalProperties: false },
);
export type AtArgs = Static<typeof AtArgs>;

export interface AtChange extends Change {
  op: 'queue' | 'remove';
  job?: string;
  when?: string;
}

/** The text a matching job contains: the command, or the script file's content (stripped, as Ansible reads it). */
const needle = (a: AtArgs): Script => (a.command !== undefined ? sh`tsi_want=${a.command.trim()}` : sh`tsi_want=$(cat -- ${a.script_file ?? ''})`);

function probe(a: AtArgs): Script {
  return stateScript([
    raw(`command -v at >/dev/null 2>&1 && command -v atq >/dev/null 2>&1 || { echo 'tsinfra: at needs at(1) and atq on the host (package at)' >&2; exit 3; }`),
    needle(a),
    raw(`atq | while read -r tsi_job tsi_rest; do if at -c "$tsi_job" | grep -qF -- "$tsi_want"; then echo "job=$tsi_job"; fi; done`),
  ]);
}

export const at = defineModule({
  name: 'at',
  summary: 'A command queued with at(1), or its queued jobs removed (ansible.posix.at)',
  args: AtArgs,
  refine(a): ArgProblem[] {
    if ((a.command === undefined) === (a.script_file === undefined)) return [{ path: '', message: 'at takes one of command, script_file' }];
    if (a.state === 'present' && (a.count === undefined || a.units === undefined)) return [{ path: '', message: 'at: present state requires count and units' }];
    return [];
  },
  probe,
  parse: (r) => r.stdout.split('\n').flatMap((l) => (l.startsWith('job=') ? [l.slice(4)] : [])),
  plan(a, jobs: string[]): AtChange[] {
    if (a.state === 'absent') return jobs.map((job) => ({ op: 'remove', job }));
    if (a.unique && jobs.length > 0) return [];
    return [{ op: 'queue', when: `now + ${a.count} ${a.units}` }];
  },
  apply: (a, changes): Script =>
    stateScript(
      changes.map((c) => {
        if (c.op === 'remove') return sh`at -r ${c.job ?? ''}`;
        const when = c.when!.split(' ');
        // at(1) reports the job on stderr ("job N at …"); it is the apply's stderr, not an error.
        return a.command !== undefined ? sh`printf '%s\\n' ${a.command} | at ${when}` : sh`at -f ${a.script_file ?? ''} ${when}`;
      }),
    ),
  describe: (c) => (c.op === 'remove' ? `remove at job ${c.job}` : `queue at job (${c.when})`),
  result(a, _jobs, changes) {
    const out: Record<string, unknown> = { state: a.state };
    if (a.state === 'present' && changes.length > 0) {
      Object.assign(out, { count: a.count, units: a.units });
      if (a.script_file !== undefined) out.script_file = a.script_file;
    }
    return out;
  },
});
