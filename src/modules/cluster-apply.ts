// cluster_apply: run a cluster tool on the controller (`pharos up -c pharos-cluster.yml -y`,
// `k0sctl apply --config k0sctl.yaml`) against a configuration file, streaming its output as it comes.
//
// When it runs. `run: changed` (the default) runs the tool when the config's sha256 differs from the one recorded
// after the last successful run (a stamp file next to the config, `.<name>.applied`), or when `config_changed` says
// the config was just written. So a failed or interrupted apply is retried on the next run even though the file
// no longer changes, and an unchanged config costs nothing. `run: always` runs it every time.
//
// Streaming. The engine's reporter prints a task's result only when the task ends, and a cluster apply takes
// minutes, so each line the tool prints (stdout and stderr) goes to tsinfra's stderr at once, prefixed with the
// tool's name: `[pharos] ==> Sharpening tools ...`. On a terminal the line first erases the reporter's live status
// line (which redraws itself below). stdout stays clean for --json. The whole output is also in the result.
//
// The tool runs here, in a child process of tsinfra (never on a host): this action spawns it itself because
// ActionIO.exec returns output only at the end. Check mode reports the command it would run and runs nothing.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { delimiter, posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { quote } from '../shell/quote.js';
import { defineAction, outputFields, StringEnum, type RegisteredResult } from './define.js';
import { AbsPath } from './lib/file-attributes.js';
import { ownValue } from '../own-keys.js';

const ClusterApplyArgs = Type.Object(
  {
    binary: Type.String({ minLength: 1, description: 'The program: a name looked up on PATH (pharos, k0sctl) or a path' }),
    args: Type.Array(Type.String(), { default: [], description: 'Its arguments, e.g. [up, -c, /path/pharos-cluster.yml, -y]' }),
    config: AbsPath('The configuration file the command applies: its sha256 decides whether to run'),
    run: StringEnum(['changed', 'always'], {
      default: 'changed',
      description: 'changed: only when the config differs from the last successful run (or config_changed); always: every time',
    }),
    config_changed: Type.Boolean({ default: false, description: 'The config was just written (or would be, in check mode): run' }),
    chdir: Type.Optional(AbsPath('Working directory; default: the directory of config')),
    prefix: Type.Optional(Type.String({ minLength: 1, description: 'Put before each streamed line; default: [name of the binary]' })),
    install_hint: Type.Optional(Type.String({ minLength: 1, description: 'What to say when the binary is missing (pharos and k0sctl have one)' })),
    timeout: Type.Integer({ minimum: 0, default: 0, description: 'Seconds before the tool is stopped (SIGTERM, then SIGKILL); 0: no limit' }),
  },
  { additionalProperties: false },
);
export type ClusterApplyArgs = Static<typeof ClusterApplyArgs>;

const K0SCTL_RELEASES = 'https://github.com/k0sproject/k0sctl/releases';
const PHAROS_HINT =
  'pharos (kontena/pharos-cluster) was archived in 2020 at v3.2.1 and is no longer maintained: its successor is k0sctl — ' +
  `set cluster_tool: k0sctl and install k0sctl from ${K0SCTL_RELEASES}; to stay on pharos, install its last release ` +
  'from https://github.com/kontena/pharos-cluster/releases and put it on PATH (or set pharos_binary)';

export const INSTALL_HINTS: Readonly<Record<string, string>> = {
  pharos: PHAROS_HINT,
  'pharos-cluster': PHAROS_HINT,
  k0sctl: `install k0sctl from ${K0SCTL_RELEASES} (one static binary): put it on PATH, or set k0sctl_binary to its path`,
};

/** Where streamed lines go: tsinfra's stderr. Tests swap it (setStreamOutput). */
export interface StreamOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

let output: StreamOutput = process.stderr;

/** Replace the stream output (tests); returns the previous one. */
export function setStreamOutput(next: StreamOutput): StreamOutput {
  const prev = output;
  output = next;
  return prev;
}

const ERASE_LINE = '\r\u001b[2K';

/** Splits chunks into whole lines; `end()` flushes a last line without newline. */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const parts = (this.rest + chunk).split('\n');
    this.rest = parts.pop() ?? '';
    for (const p of parts) this.onLine(p.endsWith('\r') ? p.slice(0, -1) : p);
  }
  end(): void {
    if (this.rest !== '') this.onLine(this.rest);
    this.rest = '';
  }
}

/** The stamp recording the sha256 of the config after the last successful run. */
export function stampPath(config: string): string {
  return posix.join(posix.dirname(config), `.${posix.basename(config)}.applied`);
}

export function parseStamp(text: string): string | undefined {
  return /^sha256=([0-9a-f]{64})$/m.exec(text)?.[1];
}

async function readOrUndefined(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function isExecutableFile(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The binary's path: as given when it holds a `/`, else the first executable match on PATH. */
export async function findBinary(binary: string, pathVar = process.env.PATH ?? ''): Promise<string | undefined> {
  if (binary.includes('/')) return (await isExecutableFile(binary)) ? binary : undefined;
  for (const dir of pathVar.split(delimiter)) {
    if (dir === '') continue;
    const candidate = posix.join(dir, binary);
    if (await isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

export function commandLine(binary: string, args: readonly string[]): string {
  return [binary, ...args].map(quote).join(' ');
}

function missingBinary(a: ClusterApplyArgs): string {
  const name = posix.basename(a.binary);
  const where = a.binary.includes('/') ? `${a.binary} does not exist or is not executable` : `${name} was not found on PATH`;
  const hint = a.install_hint ?? ownValue(INSTALL_HINTS, name) ?? `install ${name}, or give its path in binary`;
  return `${where}: ${hint}`;
}

interface Ran {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** The last line printed, for the failure message. */
  last: string;
  error?: string;
}

/** Runs the tool, writing each line (stdout and stderr) prefixed to `output` as it arrives. */
function runStreaming(path: string, a: ClusterApplyArgs, cwd: string, prefix: string): Promise<Ran> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let last = '';
    const emit = (line: string) => {
      if (line.trim() !== '') last = line;
      output.write(`${output.isTTY ? ERASE_LINE : ''}${prefix} ${line}\n`);
    };
    const outLines = new LineSplitter(emit);
    const errLines = new LineSplitter(emit);
    // stdin is /dev/null: a tool that would prompt fails instead of hanging (pharos: "--yes required …").
    const child = spawn(path, a.args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      outLines.push(d);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      errLines.push(d);
    });
    let timer: NodeJS.Timeout | undefined;
    let killer: NodeJS.Timeout | undefined;
    let timedOut = false;
    if (a.timeout > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGTERM');
        killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        killer.unref();
      }, a.timeout * 1000);
    }
    let startError: string | undefined;
    child.on('error', (err) => {
      startError = err.message;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      outLines.end();
      errLines.end();
      const ran: Ran = { code, signal, stdout, stderr, last };
      if (startError !== undefined) ran.error = `cannot start ${path}: ${startError}`;
      else if (timedOut) ran.error = `stopped after the timeout of ${a.timeout} s`;
      resolve(ran);
    });
  });
}

async function writeStamp(config: string, sha: string, cmd: string): Promise<void> {
  const path = stampPath(config);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, `sha256=${sha}\ncommand=${cmd}\nat=${new Date().toISOString()}\n`, { mode: 0o644 });
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

export const clusterApply = defineAction({
  name: 'cluster_apply',
  summary: 'Run a cluster tool (pharos up, k0sctl apply) on the controller when its config changed, streaming its output',
  args: ClusterApplyArgs,
  // Check mode runs it: it reads the config and the stamp, then reports the command it would run.
  checkMode: 'run',
  controllerOnly: true,
  async run(a, io): Promise<RegisteredResult> {
    const { isCheck } = io;
    const cmd = commandLine(a.binary, a.args);
    const cwd = a.chdir ?? posix.dirname(a.config);
    const base = { cmd: [a.binary, ...a.args], config: a.config };
    const content = await readOrUndefined(a.config);
    if (content === undefined && !(isCheck && a.config_changed)) {
      return { ...base, changed: false, failed: true, msg: `cluster_apply: ${a.config} does not exist: write it first (config_file)` };
    }
    const sha = content === undefined ? undefined : createHash('sha256').update(content).digest('hex');
    const stamp = await readOrUndefined(stampPath(a.config));
    const appliedSha = stamp === undefined ? undefined : parseStamp(stamp.toString('utf8'));
    const why =
      a.run === 'always'
        ? 'run: always'
        : a.config_changed
          ? `${posix.basename(a.config)} changed`
          : appliedSha === undefined
            ? `${posix.basename(a.config)} has not been applied successfully yet`
            : appliedSha !== sha
              ? `${posix.basename(a.config)} differs from the last successful apply`
              : undefined;
    if (why === undefined) {
      return {
        ...base,
        changed: false,
        failed: false,
        config_sha256: sha,
        msg: `${posix.basename(a.config)} is unchanged since the last successful apply: ${posix.basename(a.binary)} not run (run: always forces it)`,
      };
    }
    const path = await findBinary(a.binary);
    if (path === undefined) return { ...base, changed: false, failed: true, msg: `cluster_apply: ${missingBinary(a)}` };
    const what = `${cmd} (in ${cwd}; ${why})`;
    if (isCheck) return { ...base, changed: true, failed: false, msg: `would run: ${what}` };

    const prefix = a.prefix ?? `[${posix.basename(a.binary)}]`;
    const ran = await runStreaming(path, a, cwd, prefix);
    const out = { ...base, ...outputFields({ stdout: ran.stdout, stderr: ran.stderr, code: ran.code, signal: ran.signal }) };
    if (ran.error !== undefined || ran.code !== 0) {
      const how = ran.error ?? (ran.signal ? `was killed by ${ran.signal}` : `exited ${ran.code}`);
      const tail = ran.last.trim().slice(0, 200);
      return { ...out, changed: true, failed: true, msg: `${cmd} ${how}${tail ? `: ${tail}` : ''}` };
    }
    await writeStamp(a.config, sha!, cmd);
    return { ...out, changed: true, failed: false, config_sha256: sha, msg: `ran: ${what}` };
  },
});
