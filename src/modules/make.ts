// make (community.general.make): a make target run in a directory when `make -q` says it is out of date, as
// community.general does: the probe is `make … -q` (exit 0: up to date, nothing to do), the apply runs the target.
// Registers what community.general registers: the arguments, the command (shlex-quoted) and the output of the last
// make that ran (the -q one when up to date), trailing newlines stripped.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, type Change, type ExecResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';
import { shlexQuote } from '../jinja/filters/ansible-text.js';

const MakeArgs = Type.Object(
  {
    chdir: Type.String({ minLength: 1, description: 'Run make in this directory' }),
    target: Type.Optional(Type.String({ description: 'The target (install, all, …); none: the Makefile\'s first' })),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'NAME=value parameters for make' })),
    file: Type.Optional(Type.String({ minLength: 1, description: 'A Makefile other than the default (make -f)' })),
    make: Type.Optional(Type.String({ minLength: 1, description: 'The make binary (default: gmake or make from PATH)' })),
    jobs: Type.Optional(Type.Integer({ description: 'Jobs run at once (make -j)' })),
  },
  { additionalProperties: false },
);
export type MakeArgs = Static<typeof MakeArgs>;

export interface MakeState {
  /** The make binary the probe found (an absolute path, as get_bin_path gives it). */
  bin: string;
  upToDate: boolean;
  stdout: string;
  stderr: string;
}

export interface MakeChange extends Change {
  op: 'make';
  target?: string;
  chdir: string;
}

/** Python's str() of a params value (True, 3, 1.5, text). */
function pyStr(v: unknown): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (v === null || v === undefined) return 'None';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** make's words after the binary, as community.general builds them (a missing target stays out of the argv). */
export function makeWords(a: MakeArgs): string[] {
  const out: string[] = [];
  if (a.jobs !== undefined) out.push('-j', String(a.jobs));
  if (a.file !== undefined) out.push('-f', a.file);
  if (a.target !== undefined) out.push(a.target);
  out.push(...Object.entries(a.params ?? {}).map(([k, v]) => `${k}=${pyStr(v)}`));
  return out;
}

/** The registered `command`: shlex-quoted words, with '' where community.general quotes a missing target. */
export function makeCommand(a: MakeArgs, bin: string): string {
  const words: (string | undefined)[] = [bin];
  if (a.jobs !== undefined) words.push('-j', String(a.jobs));
  if (a.file !== undefined) words.push('-f', a.file);
  words.push(a.target);
  words.push(...Object.entries(a.params ?? {}).map(([k, v]) => `${k}=${pyStr(v)}`));
  return words.map((w) => shlexQuote(w ?? '')).join(' ');
}

/** Finds make as get_bin_path does (PATH plus the sbin directories): gmake first, then make. */
function findMake(a: MakeArgs): Script {
  if (a.make !== undefined) return sh`tsi_make=${a.make}`;
  return raw(
    'tsi_make=$(PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin" command -v gmake || PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin" command -v make) || ' +
      `{ echo 'Failed to find required executable "make" in paths' >&2; exit 3; }`,
  );
}

/** Runs make with `extra` words in chdir and prints rc and its output (base64); `failing`: a non-zero make fails the script with its output. */
function runMake(a: MakeArgs, extra: string[], failing = false): Script {
  return stateScript([
    findMake(a),
    raw('echo "bin=$tsi_make"'),
    sh`cd ${a.chdir} || exit 3`,
    raw('tsi_out=$(mktemp); tsi_err=$(mktemp)'),
    sh`tsi_rc=0; "$tsi_make" ${[...makeWords(a), ...extra]} >"$tsi_out" 2>"$tsi_err" </dev/null || tsi_rc=$?`,
    raw(`echo "rc=$tsi_rc"; printf 'out_b64='; base64 -w0 < "$tsi_out"; echo; printf 'err_b64='; base64 -w0 < "$tsi_err"; echo`),
    raw(failing ? `if [ "$tsi_rc" != 0 ]; then cat "$tsi_out" "$tsi_err" >&2; rm -f "$tsi_out" "$tsi_err"; exit 3; fi` : ''),
    raw('rm -f "$tsi_out" "$tsi_err"'),
  ]);
}

interface MakeRun {
  bin: string;
  rc: number;
  stdout: string;
  stderr: string;
}

/** sanitize_output: trailing CR and LF stripped. */
function parseRun(r: ExecResult): MakeRun {
  const kv = parseKeyValues(r.stdout);
  const text = (k: string) => fromBase64(kv.get(k)).toString('utf8').replace(/[\r\n]+$/, '');
  return { bin: kv.get('bin') ?? '', rc: Number(kv.get('rc') ?? 1), stdout: text('out_b64'), stderr: text('err_b64') };
}

export const make = defineModule({
  name: 'make',
  summary: 'A make target run when `make -q` says it is out of date (community.general.make)',
  args: MakeArgs,
  probe: (a) => runMake(a, ['-q']),
  parse(r): MakeState {
    const run = parseRun(r);
    return { bin: run.bin, upToDate: run.rc === 0, stdout: run.stdout, stderr: run.stderr };
  },
  plan: (a, s): MakeChange[] => (s.upToDate ? [] : [{ op: 'make', ...(a.target !== undefined ? { target: a.target } : {}), chdir: a.chdir }]),
  // The apply fails (exit 3) when make does, with make's own output as the message.
  apply: (a) => runMake(a, [], true),
  describe: (c) => `make ${c.target ?? '(default target)'} in ${c.chdir}`,
  result(a, s, _changes, applied) {
    let out = { stdout: s.stdout, stderr: s.stderr };
    if (applied) {
      const run = parseRun(applied);
      out = { stdout: run.stdout, stderr: run.stderr };
    }
    const lines = (t: string) => (t === '' ? [] : t.split('\n'));
    return {
      ...out, stdout_lines: lines(out.stdout), stderr_lines: lines(out.stderr), rc: undefined,
      target: a.target ?? null, params: a.params ?? null, chdir: a.chdir, file: a.file ?? null, jobs: a.jobs ?? null,
      command: makeCommand(a, s.bin),
    };
  },
});
