// A play's `vars_prompt` as ansible-core 2.14 reads it (Play._load_vars_prompt): a list of mappings (a single
// mapping is taken as a list of one), each with `name` and only the keys below. `encrypt` is refused at load unless
// src/crypt can do the algorithm, so a run never starts just to fail after the user typed a password.
import type { SourcePosition } from '../errors.js';
import type { Site } from './check-value.js';
import { describeNode } from '../config/yaml-source.js';
import { suggestion } from '../text/did-you-mean.js';
import { isNull, mapEntries, seqItems, valueOf } from './yaml-nodes.js';
import type { ParsedNode } from 'yaml';

/** One variable to ask for. Text fields may be templates: rendered with the play's vars and -e before asking. */
export interface VarsPrompt {
  name: string;
  /** What is shown; Ansible's default is "input for NAME". */
  prompt?: string;
  default?: unknown;
  /** No echo (Ansible's default: yes). */
  private: boolean;
  confirm: boolean;
  encrypt?: EncryptAlgorithm;
  salt?: string;
  saltSize?: number;
  unsafe: boolean;
  at: SourcePosition;
}

/** The passlib names we can hash with (src/crypt); Ansible's others (md5_crypt, bcrypt…) are refused at load. */
export const ENCRYPT_ALGORITHMS = ['sha512_crypt', 'sha256_crypt'] as const;
export type EncryptAlgorithm = (typeof ENCRYPT_ALGORITHMS)[number];

const KEYS = ['name', 'prompt', 'default', 'private', 'confirm', 'encrypt', 'salt_size', 'salt', 'unsafe'];
// As Ansible's boolean(): these strings (any case) and 1/0.
const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

function booleanOf(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
  if (typeof v === 'string' && TRUE.has(v.toLowerCase())) return true;
  if (typeof v === 'string' && FALSE.has(v.toLowerCase())) return false;
  return undefined;
}

/** The checked prompts of a `vars_prompt:` node; problems reported at each bad key or value. */
export function parseVarsPrompt(site: Site, node: ParsedNode | null): VarsPrompt[] {
  const { source, problems, label } = site;
  if (isNull(node)) return [];
  const items = seqItems(source, node) ?? [node];
  const out: VarsPrompt[] = [];
  for (const [i, item] of items.entries()) {
    const where = `${label}: vars_prompt #${i + 1}`;
    const at = source.positionOfNode(item);
    const entries = mapEntries(source, item);
    if (!entries) {
      problems.add(at, `${where} must be a mapping with name: and prompt:, found ${describeNode(item)}`);
      continue;
    }
    const values = new Map(entries.map((e) => [e.key, { value: valueOf(source, e.node), e }]));
    let ok = true;
    const bad = (key: string, expected: string) => {
      ok = false;
      const v = values.get(key)!;
      problems.add(source.positionOfNode(v.e.node ?? v.e.keyNode), `${where}: ${key} must be ${expected}, found ${describeNode(v.e.node)}`);
    };
    const isLegacy = entries.length === 1 && !values.has('name'); // `username: "What is your name?"`: said below
    for (const e of entries) {
      if (KEYS.includes(e.key) || isLegacy) continue;
      ok = false;
      problems.add(source.positionOfNode(e.keyNode), `${where}: unknown key "${e.key}"${suggestion(e.key, KEYS)}`, `vars_prompt keys: ${KEYS.join(', ')}`);
    }
    const name = values.get('name')?.value;
    if (!values.has('name')) {
      ok = false;
      const legacy = isLegacy ? ` (the old form "${entries[0]!.key}: …" is gone: write - name: ${entries[0]!.key} and prompt: …)` : '';
      problems.add(at, `${where} has no name: (the variable to set)${legacy}`);
    } else if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) bad('name', 'a variable name');
    const text = (key: string): string | undefined => {
      const v = values.get(key)?.value;
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'string' || typeof v === 'number') return String(v);
      bad(key, 'a text');
      return undefined;
    };
    const flag = (key: string, dflt: boolean): boolean => {
      if (!values.has(key)) return dflt;
      const b = booleanOf(values.get(key)!.value);
      if (b === undefined) bad(key, 'true or false');
      return b ?? dflt;
    };
    const prompt = text('prompt');
    const encrypt = text('encrypt');
    if (encrypt !== undefined && !(ENCRYPT_ALGORITHMS as readonly string[]).includes(encrypt)) {
      bad('encrypt', `one of ${ENCRYPT_ALGORITHMS.join(', ')} (tsinfra hashes with those only)`);
    }
    const salt = text('salt');
    if (salt !== undefined && !/^[./0-9A-Za-z]{1,16}$/.test(salt)) bad('salt', '1 to 16 characters of ./0-9A-Za-z');
    const saltSizeValue = values.get('salt_size')?.value;
    if (saltSizeValue !== undefined && saltSizeValue !== null && !(Number.isInteger(saltSizeValue) && (saltSizeValue as number) >= 1 && (saltSizeValue as number) <= 16)) {
      bad('salt_size', 'a whole number from 1 to 16');
    }
    const spec: VarsPrompt = {
      name: String(name),
      ...(prompt === undefined ? {} : { prompt }),
      ...(values.get('default')?.value === undefined || values.get('default')?.value === null ? {} : { default: values.get('default')!.value }),
      private: flag('private', true),
      confirm: flag('confirm', false),
      ...(encrypt === undefined ? {} : { encrypt: encrypt as EncryptAlgorithm }),
      ...(salt === undefined ? {} : { salt }),
      ...(typeof saltSizeValue === 'number' ? { saltSize: saltSizeValue } : {}),
      unsafe: flag('unsafe', false),
      at,
    };
    if (ok) out.push(spec);
  }
  return out;
}
