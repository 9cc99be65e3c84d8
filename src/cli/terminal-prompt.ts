// vars_prompt on the terminal, as Ansible's Display.prompt: input() for a visible answer, getpass() (no echo) for a
// private one. Ansible asks only when stdin is a terminal; otherwise nothing is read (engine/vars-prompt-answers.ts).
import type { VarsPrompter } from '../engine/vars-prompt-answers.js';

/** A prompter reading process.stdin; prompts go to `out` (stderr with --json, so stdout stays JSON). */
export function terminalPrompter(out: NodeJS.WritableStream): VarsPrompter {
  const warned = new Set<string>();
  let pending = ''; // typed (or pasted) after the last line read
  return {
    interactive: process.stdin.isTTY === true,
    say: (text) => void out.write(`${text}\n`),
    warn: (text) => {
      if (!warned.has(text)) process.stderr.write(`tsinfra: warning: ${text}\n`);
      warned.add(text);
    },
    ask: (message, hidden) => {
      const stdin = process.stdin;
      // Raw mode for a hidden answer: the terminal does not echo, and we read it a key at a time.
      if (hidden) stdin.setRawMode(true);
      out.write(message); // after the mode switch, as getpass: a reply to the prompt is read in that mode
      stdin.setEncoding('utf8');
      return new Promise<string>((resolve) => {
        let line = '';
        const finish = (rest: string) => {
          stdin.off('data', onData);
          stdin.off('end', onEnd);
          if (hidden) {
            stdin.setRawMode(false);
            out.write('\n'); // the Enter the terminal did not echo
          }
          stdin.pause();
          pending = rest;
          resolve(line);
        };
        const onData = (chunk: string) => {
          for (let i = 0; i < chunk.length; i++) {
            const ch = chunk[i]!;
            if (ch === '\r' || ch === '\n') {
              const rest = chunk.slice(ch === '\r' && chunk[i + 1] === '\n' ? i + 2 : i + 1);
              finish(rest);
              return;
            }
            if (!hidden) line += ch;
            else if (ch === '\x03') {
              // Ctrl-C in raw mode is a key, not a signal: make it the signal (the play command's interrupt).
              stdin.setRawMode(false);
              stdin.off('data', onData);
              stdin.off('end', onEnd);
              process.kill(process.pid, 'SIGINT');
              return;
            } else if (ch === '\x7f' || ch === '\b') line = line.slice(0, -1);
            else if (ch === '\x15') line = ''; // Ctrl-U
            else if (ch >= ' ' || ch === '\t') line += ch;
          }
        };
        const onEnd = () => finish(''); // Ctrl-D: what was typed so far
        stdin.on('data', onData);
        stdin.once('end', onEnd);
        stdin.resume();
        if (pending !== '') {
          const text = pending;
          pending = '';
          onData(text);
        }
      });
    },
  };
}
