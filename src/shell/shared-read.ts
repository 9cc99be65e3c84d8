// A shared read: the opening lines of a probe that only set shell variables from what they read (a chain listing,
// say), the same text in every probe that needs it. Alone, a probe runs them as part of itself. In a batch of
// probes (engine/read-ahead/probe-batch.ts) each distinct shared read runs once, before the probes, which then find the
// variables set: eight iptables rules in one chain cost one listing instead of eight.
//
// The contract, which the batch relies on: the block prints nothing, never exits, and sets only variables whose
// names are derived from its own text (so equal names mean equal values).
import { createHash } from 'node:crypto';
import { joinScripts, raw, type Script } from './script.js';

const BEGIN = '# tsinfra: shared read {';
const END = '# tsinfra: shared read }';

/** Wraps `body` as a shared read to put first in a probe. */
export function sharedRead(body: Script): Script {
  return joinScripts([raw(BEGIN), body, raw(END)]);
}

/** A variable name for a shared read's result, derived from what it reads: `tsi_s_<hash>`. */
export function sharedName(what: string): string {
  return `tsi_s_${createHash('sha256').update(what).digest('hex').slice(0, 12)}`;
}

/** Splits a probe that starts with a shared read into it and the rest; anything else has no shared part. */
export function splitSharedRead(text: string): { shared?: string; rest: string } {
  if (!text.startsWith(`${BEGIN}\n`)) return { rest: text };
  const end = text.indexOf(`\n${END}\n`);
  if (end < 0) return { rest: text };
  return { shared: text.slice(0, end + END.length + 2), rest: text.slice(end + END.length + 2) };
}
