// Probe output is `key=value` lines (values that may hold anything travel as base64). Parsing is pure.
import { PlanError } from '../define.js';

const LINE = /^([a-z][a-z0-9_]*)=(.*)$/;

/** `key=value` lines → map (the first occurrence wins; other lines, e.g. a login banner, are ignored). */
export function parseKeyValues(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = LINE.exec(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (m && !out.has(m[1]!)) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** The value of `key`, or a PlanError naming the module when the probe did not print it. */
export function need(kv: Map<string, string>, key: string, module: string): string {
  const v = kv.get(key);
  if (v === undefined) throw new PlanError(module, `unexpected probe output: no ${key}=`);
  return v;
}

export function fromBase64(b64: string | undefined): Buffer {
  return Buffer.from(b64 ?? '', 'base64');
}

/** Decodes UTF-8, or undefined when the bytes are not text (NUL bytes or invalid UTF-8). */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
