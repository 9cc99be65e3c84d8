// pause: wait on the controller for a number of seconds or minutes, or until someone presses enter, as Ansible's
// ansible.builtin.pause action. Controller-side like debug and set_fact: the host is never touched. A prompt is
// asked only when tsinfra's stdin is a terminal; without one a pause with no time is skipped at once with Ansible's
// warning. Hosts running the task together share one prompt (Ansible runs pause once for all hosts).
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ArgProblem, type RegisteredResult } from './define.js';
import { warnOnce } from './lib/warn-once.js';

const PauseArgs = Type.Object(
  {
    seconds: Type.Optional(Type.Number({ description: 'How long to pause (whole seconds; at least 1)' })),
    minutes: Type.Optional(Type.Number({ description: 'How long to pause, in minutes' })),
    prompt: Type.Optional(Type.String({ description: 'The question asked on a terminal; the answer is registered as user_input' })),
    echo: Type.Boolean({ default: true, description: 'Show what is typed at the prompt' }),
  },
  { additionalProperties: false },
);
export type PauseArgs = Static<typeof PauseArgs>;

/** datetime.now() as Python prints it: `2026-12-06 17:53:49.123456` (local time). */
export function pythonNow(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

/** Python's str(round(x, 2)): 1 → "1.0", 0.025 → "0.03". */
export function pythonRound2(x: number): string {
  const r = Math.round(x * 100) / 100;
  return Number.isInteger(r) ? `${r}.0` : String(r);
}

/** One line read from the terminal in raw mode (enter ends it, backspace erases, Ctrl+C aborts); echoed when `echo`. */
function readTerminalLine(prompt: string, echo: boolean): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(`${prompt}${echo ? '' : ' (output is hidden)'}:\n`);
  return new Promise((resolve, reject) => {
    let input = '';
    stdin.setRawMode(true);
    stdin.resume();
    const done = (fn: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      fn();
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\u0003') return done(() => reject(new Error('user requested abort!')));
        if (ch === '\r' || ch === '\n') return done(() => resolve(input));
        if (ch === '\u007f' || ch === '\b') {
          input = input.slice(0, -1);
          if (echo) process.stderr.write('\b \b');
        } else {
          input += ch;
          if (echo) process.stderr.write(ch);
        }
      }
    };
    stdin.on('data', onData);
  });
}

// The prompt in flight, by its text: the hosts of one task wait on the same answer.
const asking = new Map<string, Promise<string>>();

function ask(prompt: string, echo: boolean): Promise<string> {
  let p = asking.get(prompt);
  if (!p) {
    p = readTerminalLine(prompt, echo).finally(() => asking.delete(prompt));
    asking.set(prompt, p);
  }
  return p;
}

export const pause = defineAction({
  name: 'pause',
  summary: 'Pause the play for some seconds or minutes, or until enter is pressed at a terminal (controller-side)',
  args: PauseArgs,
  checkMode: 'run',
  controllerOnly: true,
  refine(a): ArgProblem[] {
    return a.seconds !== undefined && a.minutes !== undefined ? [{ path: '/minutes', message: 'pause: parameters are mutually exclusive: minutes|seconds' }] : [];
  },
  async run(a, io): Promise<RegisteredResult> {
    const unit = a.seconds !== undefined ? 'seconds' : 'minutes';
    // Ansible reads both with int(): 1.5 → 1; a pause shorter than a second is a second.
    const timed = a.seconds !== undefined ? Math.trunc(a.seconds) : a.minutes !== undefined ? Math.trunc(a.minutes) * 60 : undefined;
    const seconds = timed !== undefined ? Math.max(1, timed) : undefined;
    const start = io.now();
    const startText = pythonNow(start);
    let userInput = '';
    if (seconds !== undefined) await io.sleep(seconds * 1000);
    else if (process.stdin.isTTY) {
      try {
        userInput = await ask(a.prompt || 'Press enter to continue, Ctrl+C to interrupt', a.echo);
      } catch (err) {
        return { changed: false, failed: true, msg: (err as Error).message };
      }
    } else warnOnce('pause-no-tty', 'Not waiting for response to prompt as stdin is not interactive');
    const stop = io.now();
    const elapsed = (stop - start) / 1000;
    return {
      changed: false,
      failed: false,
      rc: 0,
      stderr: '',
      stdout: `Paused for ${pythonRound2(unit === 'minutes' ? elapsed / 60 : elapsed)} ${unit}`,
      start: startText,
      stop: pythonNow(stop),
      delta: Math.trunc(elapsed),
      echo: a.echo,
      user_input: userInput,
    };
  },
});
