// script: the free-form line, and the apply run by the real /bin/sh: rc and output reported apart from ours, the
// arguments' quoting kept, nothing left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { scriptOutput, splitScriptLine } from '../../../src/modules/script.js';
import { argsOf, fakeController, runSh, stateModule } from './support.js';

test('the line splits into the script and the rest as written', () => {
  assert.deepEqual(splitScriptLine(`files/x.sh --a "b c" 'd'`), { path: 'files/x.sh', rest: `--a "b c" 'd'` });
  assert.deepEqual(splitScriptLine(`"my dir/x.sh"`), { path: 'my dir/x.sh', rest: '' });
  assert.deepEqual(argsOf('script', 'x.sh a creates=/etc/x chdir=/tmp'), { cmd: 'x.sh a', creates: '/etc/x', chdir: '/tmp' });
});

test('the apply runs the script with its arguments and reports its rc and output', async () => {
  const m = stateModule('script');
  const tmpBefore = readdirSync('/tmp').filter((f) => f.startsWith('.tsinfra-script')).length;
  const args = await m.prepare!(argsOf('script', `x.sh "a b" '$HOME' chdir=/`), fakeController({ 'x.sh': '#!/bin/sh\necho "$#:$1:$2:$(pwd)"; echo oops >&2; exit 7\n' }));
  const changes = m.plan(args, m.parse({ stdout: '', stderr: '', code: 0, signal: null }, args));
  const r = runSh(m.apply(args, changes));
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(scriptOutput(r), { code: 7, signal: null, stdout: '2:a b:$HOME:/\n', stderr: 'oops\n' });
  const result = m.result!(args, { skip: false }, changes, r);
  assert.equal(result.failed, true);
  assert.equal(result.rc, 7);
  assert.equal(readdirSync('/tmp').filter((f) => f.startsWith('.tsinfra-script')).length, tmpBefore, 'nothing left behind');
});
