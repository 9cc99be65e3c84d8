// Asks for a secret on the terminal without echoing it. Never reads from argv or the environment.
import { openSync, closeSync } from 'node:fs';
import { ReadStream } from 'node:tty';
import { UsageError } from '../errors.js';

export async function promptSecret(question: string): Promise<string> {
  let fd: number;
  try {
    fd = openSync('/dev/tty', 'r+');
  } catch {
    throw new UsageError(`${question.replace(/:\s*$/, '')}: no terminal to ask on`, { hint: 'use a file or stdin option instead' });
  }
  const input = new ReadStream(fd);
  // Echo goes off before the question shows, so an answer typed the moment it appears is never echoed.
  input.setRawMode(true);
  process.stderr.write(question);
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = '';
      input.on('data', (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return resolve(value);
          if (ch === '\u0003') return reject(new UsageError('cancelled'));
          if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
          else value += ch;
        }
      });
    });
  } finally {
    input.setRawMode(false);
    input.destroy();
    process.stderr.write('\n');
    try {
      closeSync(fd);
    } catch {
      /* already closed by the stream */
    }
  }
}
