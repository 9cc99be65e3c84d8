// sudo `become`: the password travels on stdin after sudo's own prompt, never in argv.
// Like Ansible, a random marker tells us when sudo prompts and when the command itself starts.
import { randomBytes } from 'node:crypto';
import { quote } from '../../shell/quote.js';
import type { BecomeOptions } from '../transport.js';

export interface BecomeWrap {
  command: string;
  /** sudo's prompt, looked for on stderr when a password is given. */
  prompt: string;
  /** Printed by the shell once sudo has let us in, with its pid (`findEntryLine`); stripped from stdout. */
  success: string;
}

export function wrapBecome(command: string, become: BecomeOptions): BecomeWrap {
  const id = randomBytes(8).toString('hex');
  const prompt = `[tsinfra-sudo-${id}] password:`;
  const success = `TSINFRA-BECOME-OK-${id}`;
  const inner = `echo ${success} $$; exec /bin/sh -c ${quote(command)}`;
  const flags = become.password ? `-S -p ${quote(prompt)}` : '-n';
  // -H: HOME of the target user, as Ansible does; -u: the target user; sh -c: one wrapper, no double quoting.
  return { command: `sudo ${flags} -H -u ${quote(become.user)} -- /bin/sh -c ${quote(inner)}`, prompt, success };
}

/** What to say when sudo did not let us in: our sentence, then sudo's own words (its last line). */
export function becomeFailureMessage(stderr: string, user: string, hadPassword: boolean, prompt?: string): string {
  const said = (prompt ? stderr.split(prompt).join('') : stderr).split('\n').map((l) => l.trim()).filter(Boolean).at(-1)?.slice(0, 160);
  const why = describeBecomeFailure(stderr, user, hadPassword);
  if (!why) return `sudo to ${user} failed${said ? `: ${said}` : ''}`;
  return said ? `${why}; sudo said: ${said}` : why;
}

/** sudo's messages that mean "become failed", mapped to one clear sentence. */
export function describeBecomeFailure(stderr: string, user: string, hadPassword: boolean): string | undefined {
  if (/a password is required/.test(stderr))
    return `sudo to ${user} needs a password: give one (--ask-become-pass or ansible_become_password)`;
  if (/incorrect password|Sorry, try again/.test(stderr)) return `sudo to ${user}: incorrect sudo password`;
  if (/is not in the sudoers file|not allowed to execute/.test(stderr)) return `sudo to ${user} is not allowed for this user`;
  if (/sudo: (command )?not found|sudo: not found/.test(stderr)) return 'sudo is not installed on the host';
  if (hadPassword && /no tty present|a terminal is required/.test(stderr)) return `sudo to ${user} refused the password on stdin`;
  return undefined;
}
