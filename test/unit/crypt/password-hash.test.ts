import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordHash, saltSpec } from '../../../src/crypt/password-hash.js';

const VECTOR = '$6$salt$3aEJgflnzWuw1O3tr0IYSmhUY0cZ7iBQeBP392T7RXjLP3TKKu3ddIapQaCpbD4p9ioeGaVIjOHaym7HvCuUm0';

test('SHA-512 crypt matches glibc', () => {
  assert.equal(passwordHash('pass', { salt: 'salt' }), VECTOR);
  // glibc's published vectors (crypt-sha512 test suite)
  assert.equal(
    passwordHash('Hello world!', { salt: 'saltstring' }),
    '$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1',
  );
  // glibc cuts this vector's 20-character salt to 16; we take only salts that are already valid
  assert.equal(
    passwordHash('Hello world!', { salt: '$6$rounds=10000$saltstringsaltst' }),
    '$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v.',
  );
});

test('salt specs', () => {
  const cases: [Parameters<typeof saltSpec>[0], string | undefined][] = [
    [{}, undefined],
    [{ salt: 'abc' }, '$6$abc'],
    [{ salt: 'abc', rounds: 6000 }, '$6$rounds=6000$abc'],
    [{ salt: '$6$abc' }, '$6$abc'],
    [{ salt: '$6$rounds=7000$abc' }, '$6$rounds=7000$abc'],
    [{ salt: '$6$rounds=7000$abc', rounds: 8000 }, '$6$rounds=8000$abc'],
    [{ salt: VECTOR }, '$6$salt'], // an existing hash: reuse its salt
  ];
  for (const [options, want] of cases) assert.equal(saltSpec(options), want, JSON.stringify(options));
  assert.match(saltSpec({ rounds: 5000 })!, /^\$6\$rounds=5000\$[./0-9A-Za-z]{16}$/);
  assert.throws(() => saltSpec({ salt: '12345678901234567' }), /a salt is 1 to 16 characters/);
  assert.throws(() => saltSpec({ salt: '$5$abc' }), /a salt is 1 to 16 characters/);
  assert.throws(() => saltSpec({ salt: 'a', rounds: 999 }), /rounds must be a whole number from 1000/);
});

test('a random salt gives a different hash each time', () => {
  const a = passwordHash('pass');
  const b = passwordHash('pass');
  assert.notEqual(a, b);
  assert.match(a, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  // and hashing again with the salt of a gives a
  assert.equal(passwordHash('pass', { salt: a }), a);
});
