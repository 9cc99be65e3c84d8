import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellWordsError, splitShellWords } from '../../../src/inventory/shell-words.js';

const words = (line: string) => splitShellWords(line).map((w) => w.text);

test('splits like Python shlex (POSIX mode, comments on)', () => {
  assert.deepEqual(words('web1 a=1  b="two words" c=\'single q\''), ['web1', 'a=1', 'b=two words', 'c=single q']);
  assert.deepEqual(words('h pw="\'03#pa33w0rd\'"'), ['h', "pw='03#pa33w0rd'"]);
  assert.deepEqual(words('h a=1 # trailing comment'), ['h', 'a=1']);
  assert.deepEqual(words('h a=b#c d=e'), ['h', 'a=b'], '# starts a comment even inside a word');
  assert.deepEqual(words('h a=x\\ y b=\\"q'), ['h', 'a=x y', 'b="q']);
  assert.deepEqual(words('h a="x\\"y\\\\z\\n"'), ['h', 'a=x"y\\z\\n'], 'in double quotes only \\" and \\\\ are escapes');
  assert.deepEqual(words("h a='\\n'"), ['h', 'a=\\n']);
  assert.deepEqual(words('h a="" b=\'\''), ['h', 'a=', 'b=']);
  assert.deepEqual(words('h a=p"q r"s'), ['h', 'a=pq rs']);
  assert.deepEqual(words('   '), []);
});

test('word positions', () => {
  assert.deepEqual(splitShellWords('  web1  k="v w"').map((w) => w.start), [2, 8]);
});

test('unterminated quotes and a trailing backslash are errors with their index', () => {
  for (const [line, index, message] of [
    ['h k="open', 4, /missing closing " quote/],
    ["h k='open", 4, /missing closing ' quote/],
    ['h k=\\', 4, /backslash at the end/],
  ] as const) {
    assert.throws(() => splitShellWords(line), (err: unknown) => {
      assert.ok(err instanceof ShellWordsError);
      assert.equal(err.index, index);
      assert.match(err.message, message);
      return true;
    });
  }
});
