// "Every no_log value is a secret" (issue 17): what a no_log task's arguments got from templates, and any argument
// with a secret's name, is masked by value in all later output (vault/mask-vault-values.ts). Literal words such as
// `state: present` are not: masking them would blank ordinary output everywhere.
import { isSecretName } from '../inventory/mask-secrets.js';

const EXPRESSION = /\{\{[\s\S]*?\}\}/g;

/** The parts of `rendered` that came from the `{{ … }}` expressions of `raw` (the whole string when unsure). */
export function templatedParts(raw: string, rendered: string): string[] {
  if (raw.includes('{%') || raw.includes('{#')) return [rendered];
  const literals = raw.split(EXPRESSION);
  if (literals.length === 1) return []; // no expression: a literal the playbook shows anyway
  const parts: string[] = [];
  if (!rendered.startsWith(literals[0]!)) return [rendered];
  let at = literals[0]!.length;
  for (let i = 1; i < literals.length; i++) {
    const lit = literals[i]!;
    const next = i === literals.length - 1 ? (rendered.endsWith(lit) && rendered.length - lit.length >= at ? rendered.length - lit.length : -1) : lit === '' ? at : rendered.indexOf(lit, at);
    if (next < 0) return [rendered];
    parts.push(rendered.slice(at, next));
    at = next + lit.length;
  }
  return parts;
}

/** The secrets of a no_log task: templated parts of its rendered arguments, and secret-named arguments whole. */
export function noLogValues(raw: unknown, rendered: unknown, name = ''): string[] {
  if (typeof rendered === 'string') {
    if (isSecretName(name)) return [rendered];
    return typeof raw === 'string' ? templatedParts(raw, rendered) : [];
  }
  if (Array.isArray(rendered)) return rendered.flatMap((v, i) => noLogValues(Array.isArray(raw) ? raw[i] : undefined, v, name));
  if (rendered === null || typeof rendered !== 'object') return [];
  // A free-form or whole-template argument (`shell: "… {{ x }}"`) the module split into fields.
  if (typeof raw === 'string') return strings(rendered).flatMap((s) => templatedParts(raw, s));
  const rawObj = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return Object.entries(rendered).flatMap(([k, v]) => noLogValues(rawObj[k], v, k));
}

function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  return v !== null && typeof v === 'object' ? Object.values(v).flatMap(strings) : [];
}
