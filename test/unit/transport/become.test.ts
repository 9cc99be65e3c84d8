// sudo's refusals, as a user reads them: our sentence, then sudo's own words (and CommandError's exit code).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandError } from '../../../src/errors.js';
import { becomeFailureMessage, wrapBecome } from '../../../src/transport/ssh/become.js';
import { findEntryLine } from '../../../src/transport/ssh/remote-kill.js';

test("a become failure names the fix, then quotes sudo's last line without its prompt", () => {
  assert.equal(
    becomeFailureMessage('sudo: a password is required\n', 'root', false),
    'sudo to root needs a password: give one (--ask-become-pass or ansible_become_password); sudo said: sudo: a password is required',
  );
  const prompt = '[tsinfra-sudo-ab] password:';
  assert.equal(
    becomeFailureMessage(`${prompt}Sorry, try again.\n${prompt}\nsudo: no password was provided\nsudo: 1 incorrect password attempt\n`, 'root', true, prompt),
    'sudo to root: incorrect sudo password; sudo said: sudo: 1 incorrect password attempt',
  );
  // Something sudo said that we have no sentence for: its words as they are.
  assert.equal(becomeFailureMessage('sudo: unknown user nobody2\n', 'nobody2', false), 'sudo to nobody2 failed: sudo: unknown user nobody2');
  assert.equal(becomeFailureMessage('', 'root', false), 'sudo to root failed');
});

test('a become failure reports the exit code, not "exit null"', () => {
  const err = new CommandError({ host: 'web1', what: 'become', exitCode: 1, signal: null, stdout: '', stderr: becomeFailureMessage('sudo: a password is required\n', 'root', false) });
  assert.match(err.message, /^web1: become failed \(exit 1\): sudo to root needs a password/);
});

test('the become wrapper prints its marker and pid before the command; findEntryLine finds both', () => {
  const wrap = wrapBecome('id -un', { user: 'root' });
  assert.match(wrap.command, /echo TSINFRA-BECOME-OK-[0-9a-f]+ \$\$; exec \/bin\/sh -c/);
  assert.deepEqual(findEntryLine(`noise\n${wrap.success} 4242\nout`, wrap.success), { pid: 4242, end: `noise\n${wrap.success} 4242\n`.length });
  assert.equal(findEntryLine(`${wrap.success} 42`, wrap.success), undefined, 'not before the whole line came');
});
