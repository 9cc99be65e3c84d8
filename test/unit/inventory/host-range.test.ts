import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostSpecError, expandHostRange, parseHostSpec } from '../../../src/inventory/host-range.js';

test('numeric ranges keep zero padding, include both ends and honour a step', () => {
  assert.deepEqual(expandHostRange('web[01:03].example.com'), ['web01.example.com', 'web02.example.com', 'web03.example.com']);
  assert.deepEqual(expandHostRange('web[1:3]'), ['web1', 'web2', 'web3']);
  assert.deepEqual(expandHostRange('web[8:11]'), ['web8', 'web9', 'web10', 'web11']);
  assert.deepEqual(expandHostRange('web[01:20:5]'), ['web01', 'web06', 'web11', 'web16']);
  assert.deepEqual(expandHostRange('web[:2]'), ['web0', 'web1', 'web2']);
  assert.equal(expandHostRange('web[001:120]').length, 120);
});

test('letter ranges and several ranges in one name', () => {
  assert.deepEqual(expandHostRange('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
  assert.deepEqual(expandHostRange('db-[a:e:2]'), ['db-a', 'db-c', 'db-e']);
  assert.deepEqual(expandHostRange('x[y:B]'), ['xy', 'xz', 'xA', 'xB'], "Python's ascii_letters order");
  assert.deepEqual(expandHostRange('r[1:2]n[a:b]'), ['r1na', 'r1nb', 'r2na', 'r2nb']);
});

test('ports and IPv6', () => {
  assert.deepEqual(parseHostSpec('web1:2222'), { names: ['web1'], port: 2222, portIndex: 5 });
  assert.deepEqual(parseHostSpec('web[1:2]:22'), { names: ['web1', 'web2'], port: 22, portIndex: 9 });
  assert.deepEqual(parseHostSpec('10.0.0.1:22'), { names: ['10.0.0.1'], port: 22, portIndex: 9 });
  assert.deepEqual(parseHostSpec('2001:db8::1'), { names: ['2001:db8::1'] });
  assert.deepEqual(parseHostSpec('[2001:db8::1]:2222'), { names: ['2001:db8::1'], port: 2222, portIndex: 14 });
  assert.deepEqual(parseHostSpec('[::1]'), { names: ['::1'] });
});

test('bad ranges and ports say what is wrong and where', () => {
  const cases: [string, number, RegExp][] = [
    ['web[05:01]', 3, /05 is after 01/],
    ['web[c:a]', 3, /c comes after a/],
    ['web[a:3]', 3, /both be numbers or both single letters/],
    ['web[1:2:0]', 3, /step must be a positive number/],
    ['web[1:]', 3, /end is missing/],
    ['web[1]', 3, /expected \[begin:end\]/],
    ['web[01:100]', 3, /same width/],
    ['web[1:3', 3, /no closing \]/],
    ['web1:99999', 5, /bad port 99999/],
    ['web1:0', 5, /bad port 0/],
    ['web1:ssh', 5, /bad port "ssh"/],
    ['web1:', 4, /ends with ':'/],
    ['web[0:999999]', 3, /more than 100000/],
  ];
  for (const [entry, index, message] of cases) {
    assert.throws(() => parseHostSpec(entry), (err: unknown) => {
      assert.ok(err instanceof HostSpecError, entry);
      assert.equal(err.index, index, entry);
      assert.match(err.message, message);
      return true;
    });
  }
});
