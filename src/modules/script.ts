// script: a controller-side script run on the host, as Ansible's `script` does: `script: files/x.sh arg1 arg2`. The
// engine reads the file (role files/, then the playbook's) in prepare; the apply script carries it base64 inside the
// one script sent on stdin, writes it to a private temp directory, runs it and removes it: nothing is left behind.
// Arguments are shell text, as in Ansible (the rest of the line after the script's path, quoting kept).
//
// A state module, so `creates`/`removes` are checked by the probe and --check reports what would run. It always
// changes when it runs. The apply exits 0 whatever the script's status and reports it (rc/stdout/stderr) for the
// result, so `register` + `failed_when` see rc as in Ansible; a non-zero rc fails the task unless failed_when says
// otherwise.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { defineModule, outputFields, PlanError, type ArgProblem, type ExecResult } from './define.js';
import { globWord, parseFreeForm, splitWords } from './command.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const ScriptArgs = Type.Object(
  {
    cmd: Type.String({ minLength: 1, description: 'The script (a controller path, role files/ first) and its arguments (shell text)' }),
    creates: Type.Optional(Type.String({ minLength: 1, description: 'Skip when this path (or glob with * and ?) exists on the host' })),
    removes: Type.Optional(Type.String({ minLength: 1, description: 'Run only when this path (or glob) exists on the host' })),
    chdir: Type.Optional(Type.String({ minLength: 1, description: 'Change into this directory on the host first' })),
    executable: Type.Optional(Type.String({ minLength: 1, description: 'Run the script with this program (e.g. python3) instead of its #! line' })),
  },
  { additionalProperties: false },
);
export type ScriptArgs = Static<typeof ScriptArgs>;

/** After prepare: the script's bytes (base64) and its file name. */
type Prepared = ScriptArgs & { content_b64?: string; script_name?: string };

export interface ScriptState {
  skip: boolean;
}

export interface RunScriptChange {
  op: 'run';
  script: string;
  args: string;
}

const KEYS = ['creates', 'removes', 'chdir', 'executable'] as const;

/** `files/x.sh a "b c"` → the script path and the rest of the line as written (its quoting kept, like Ansible). */
export function splitScriptLine(line: string): { path: string; rest: string } {
  const trimmed = line.trim();
  const words = splitWords(trimmed);
  const path = words[0] ?? '';
  // The first word as written: up to the first unquoted blank.
  let i = 0;
  let quote: string | undefined;
  for (; i < trimmed.length; i++) {
    const c = trimmed[i]!;
    if (quote === undefined && /\s/.test(c)) break;
    if (quote === undefined && (c === '"' || c === "'")) quote = c;
    else if (c === quote) quote = undefined;
    else if (c === '\\' && quote !== "'") i++;
  }
  return { path, rest: trimmed.slice(i).trim() };
}

function normalize(rawArgs: unknown): unknown {
  if (typeof rawArgs === 'string') return parseFreeForm(rawArgs, KEYS);
  if (typeof rawArgs === 'object' && rawArgs !== null && !Array.isArray(rawArgs)) {
    const o = { ...(rawArgs as Record<string, unknown>) };
    // `script: x.sh` with `args:` merged in arrives as _raw_params from some loaders.
    if (typeof o._raw_params === 'string' && o.cmd === undefined) {
      const parsed = parseFreeForm(o._raw_params, KEYS);
      delete o._raw_params;
      return { ...parsed, ...o };
    }
    return o;
  }
  return rawArgs;
}

function probe(a: Prepared): Script | undefined {
  if (a.creates === undefined && a.removes === undefined) return undefined;
  const parts: Script[] = [];
  if (a.chdir !== undefined) parts.push(sh`cd ${a.chdir} 2>/dev/null || true`);
  if (a.creates !== undefined) parts.push(sh`set -- ${globWord(a.creates)}`, raw('if [ -e "$1" ] || [ -L "$1" ]; then echo skip=1; exit 0; fi'));
  if (a.removes !== undefined) parts.push(sh`set -- ${globWord(a.removes)}`, raw('if [ ! -e "$1" ] && [ ! -L "$1" ]; then echo skip=1; exit 0; fi'));
  parts.push(raw('echo skip=0'));
  return stateScript(parts);
}

function applyScript(a: Prepared, c: RunScriptChange): Script {
  if (a.content_b64 === undefined) throw new PlanError('script', `${c.script} was not read`, { hint: 'the engine must call prepare()' });
  const name = a.script_name ?? 'script';
  // The child shell gets the command line through the environment (as shell does): never in argv, where `ps` shows it.
  const line = `${a.executable !== undefined ? `${a.executable} ` : ''}"$tsi_script"${c.args === '' ? '' : ` ${c.args}`}`;
  return stateScript([
    raw(`tsi_dir=$(mktemp -d "\${TMPDIR:-/tmp}/.tsinfra-script.XXXXXX")`),
    raw(`trap 'rm -rf -- "$tsi_dir"' EXIT`),
    sh`tsi_script="$tsi_dir"/${name}`,
    sh`printf '%s' ${secret(a.content_b64)} | base64 -d > "$tsi_script"`,
    raw('chmod 0700 "$tsi_script"'),
    sh`__tsinfra_cmd="$(printf '%s' ${secret(Buffer.from(line).toString('base64'))} | base64 -d)"`,
    raw('export __tsinfra_cmd tsi_script'),
    raw('set +e'),
    joinScripts([
      a.chdir !== undefined ? sh`(cd ${a.chdir} && exec /bin/sh -c 'c=$__tsinfra_cmd; unset __tsinfra_cmd; eval "$c"')` : raw(`/bin/sh -c 'c=$__tsinfra_cmd; unset __tsinfra_cmd; eval "$c"'`),
      raw(' </dev/null >"$tsi_dir/.out" 2>"$tsi_dir/.err"'),
    ], ''),
    raw('tsi_rc=$?'),
    raw('set -e'),
    raw(`echo "tsi_rc=$tsi_rc"; printf 'tsi_out='; base64 -w0 < "$tsi_dir/.out"; echo; printf 'tsi_err='; base64 -w0 < "$tsi_dir/.err"; echo`),
  ]);
}

/** The script's own result from the apply's stdout: rc, stdout, stderr (not our wrapper's). */
export function scriptOutput(applied: ExecResult): ExecResult | undefined {
  const kv = parseKeyValues(applied.stdout);
  const rc = kv.get('tsi_rc');
  if (rc === undefined) return undefined;
  return { code: Number(rc), signal: null, stdout: fromBase64(kv.get('tsi_out')).toString('utf8'), stderr: fromBase64(kv.get('tsi_err')).toString('utf8') };
}

export const script = defineModule({
  name: 'script',
  summary: 'Run a controller-side script on the host (sent over the connection, not left behind)',
  args: ScriptArgs,
  normalize,
  refine(a): ArgProblem[] {
    try {
      if (splitScriptLine(a.cmd).path === '') return [{ path: '/cmd', message: 'script needs the path of the script to run' }];
    } catch (err) {
      return [{ path: '/cmd', message: `script.cmd has an ${(err as Error).message}` }];
    }
    return [];
  },
  async prepare(a, ctl): Promise<Prepared> {
    const { path } = splitScriptLine(a.cmd);
    const bytes = await ctl.readFile(path);
    return { ...a, content_b64: Buffer.from(bytes).toString('base64'), script_name: posix.basename(path) };
  },
  probe,
  parse: (r) => ({ skip: parseKeyValues(r.stdout).get('skip') === '1' }),
  plan(a, s): RunScriptChange[] {
    if (s.skip) return [];
    const { path, rest } = splitScriptLine(a.cmd);
    return [{ op: 'run', script: path, args: rest }];
  },
  apply: (a, changes) => applyScript(a, changes[0]!),
  describe: (c) => `run ${c.script}${c.args === '' ? '' : ` ${c.args}`}`,
  result(a, s, _changes, applied) {
    // Ansible skips the task (status skipped, no rc or output) when creates/removes say so.
    if (s.skip) return { skipped: true, msg: a.creates !== undefined ? `${a.creates} exists, matching creates option` : `${a.removes} does not exist, matching removes option` };
    if (!applied) return {};
    const out = scriptOutput(applied);
    if (!out) return {};
    const failed = out.code !== 0;
    return { ...outputFields(out), failed, ...(failed ? { msg: 'non-zero return code' } : {}) };
  },
});
