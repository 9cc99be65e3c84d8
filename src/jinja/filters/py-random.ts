// Python's random.Random (MT19937, seeded as CPython seeds it) so `59 | random(seed=inventory_hostname)` and
// `shuffle(seed=...)` give the same numbers Ansible gives: people spread cron minutes with it.
import { createHash, randomInt } from 'node:crypto';
import { JinjaRuntimeError } from '../values.js';

export interface PyRandom {
  /** A uniform integer in [0, n). */
  below(n: number): number;
}

class MersenneTwister implements PyRandom {
  private readonly mt = new Uint32Array(624);
  private index = 625;

  constructor(key: number[]) {
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(624, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= 624) {
        mt[0] = mt[623]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = 623; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= 624) {
        mt[0] = mt[623]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) mt[i] = (Math.imul(1812433253, mt[i - 1]! ^ (mt[i - 1]! >>> 30)) + i) >>> 0;
    this.index = 624;
  }

  private next32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % 624]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** getrandbits(k) for k <= 52, as CPython builds it from 32-bit words (low word first). */
  private bits(k: number): number {
    if (k <= 32) return this.next32() >>> (32 - k);
    const low = this.next32();
    const high = this.next32() >>> (64 - k);
    return high * 2 ** 32 + low;
  }

  below(n: number): number {
    const k = Math.floor(Math.log2(n)) + 1; // n.bit_length()
    let r = this.bits(k);
    while (r >= n) r = this.bits(k);
    return r;
  }
}

/** Random(seed): an int seed (its absolute value) or a str seed (version 2: the text plus its sha512). */
export function seededRandom(seed: unknown): PyRandom {
  let big: bigint;
  if (typeof seed === 'number' && Number.isInteger(seed)) big = BigInt(Math.abs(seed));
  else if (typeof seed === 'boolean') big = seed ? 1n : 0n;
  else if (typeof seed === 'string') {
    const bytes = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([bytes, createHash('sha512').update(bytes).digest()]);
    big = BigInt(`0x${all.toString('hex') || '0'}`);
  } else throw new JinjaRuntimeError('random seed must be an int or a str here');
  const key: number[] = [];
  while (big > 0n) {
    key.push(Number(big & 0xffffffffn));
    big >>= 32n;
  }
  if (key.length === 0) key.push(0);
  return new MersenneTwister(key);
}

/** SystemRandom: no seed. */
export const systemRandom: PyRandom = { below: (n) => randomInt(n) };

/** random.shuffle on a copy. */
export function pyShuffle<T>(r: PyRandom, items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.below(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
