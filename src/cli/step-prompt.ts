// --step on the command line: the prompt, then one line read from stdin (a terminal or a pipe, so scripts and tests
// can answer), then the prompt again as a banner, as ansible-playbook's Display.prompt and banner print them.
// With --json the prompt goes to stderr and no banner is printed: stdout stays JSON lines.
import type { ConfirmTask } from '../engine/task-step.js';
import { bannerText } from '../report/play-text.js';

export interface StepPrompt {
  confirmTask: ConfirmTask;
  /** stdin ended at a question: the run stopped there, and exits 2 as ansible-playbook does. */
  readonly isInputEnded: boolean;
}

export function stdinStepPrompt(json: boolean): StepPrompt {
  const stdin = process.stdin;
  let pending = ''; // read past the last answer (a pipe gives many lines at once)
  let isEnded = false;
  const nextLine = () =>
    new Promise<string | undefined>((resolve) => {
      const take = (): boolean => {
        const nl = pending.indexOf('\n');
        if (nl < 0) return false;
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        finish(line);
        return true;
      };
      const onData = (chunk: string) => {
        pending += chunk;
        take();
      };
      // Ansible's input() takes a last line without a newline; nothing at all is the end.
      const onEnd = () => {
        isEnded = true;
        const rest = pending;
        pending = '';
        finish(rest === '' ? undefined : rest);
      };
      const finish = (line: string | undefined) => {
        stdin.off('data', onData);
        stdin.off('end', onEnd);
        stdin.pause(); // others (vars_prompt) may read the terminal between our questions
        resolve(line);
      };
      if (take()) return;
      // 'end' may have come while paused between questions, with no one listening.
      if (isEnded || stdin.readableEnded) return onEnd();
      stdin.setEncoding('utf8');
      stdin.on('data', onData);
      stdin.once('end', onEnd);
      stdin.resume();
    });
  let isInputEnded = false;
  const confirmTask: ConfirmTask = async (prompt) => {
    const out = json ? process.stderr : process.stdout;
    out.write(prompt);
    const line = await nextLine();
    // A piped answer is not echoed: end the prompt's line (on a terminal, the Enter typed did).
    if (json) {
      if (!stdin.isTTY) out.write('\n');
    } else if (line !== undefined) out.write(bannerText(prompt.trim(), process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : 80));
    if (line === undefined && !isInputEnded) process.stderr.write('tsinfra: --step: stdin ended before an answer: no more tasks run\n');
    isInputEnded ||= line === undefined;
    return line;
  };
  return {
    confirmTask,
    get isInputEnded() {
      return isInputEnded;
    },
  };
}
