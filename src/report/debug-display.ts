// How ansible-playbook's default callback shows a debug result: the result as json.dumps(indent=4, sort_keys=True,
// ensure_ascii=False), `{ "msg": … }` or `{ "<var>": … }` — the same text for a string, a number, a list or a map.
import { jsonDumps } from '../jinja/filters/py-json.js';
import { PyFloat } from '../jinja/values.js';
import { Secret } from '../shell/secret.js';

/** Secrets print as their mask, never revealed; anything JSON cannot hold (an object of the engine) as its text. */
function displayable(v: unknown): unknown {
  if (v instanceof Secret) return String(v);
  if (v instanceof PyFloat) return v;
  if (Array.isArray(v)) return v.map(displayable);
  if (v !== null && typeof v === 'object') {
    if (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, displayable(x)]));
    }
    const json = (v as { toJSON?: () => unknown }).toJSON;
    return typeof json === 'function' ? v : String(v);
  }
  return v;
}

/** The block Ansible prints after `ok: [host] => `; `compact`: on one line (the result's `message`). */
export function formatDebugValue(shown: unknown, compact = false): string {
  const value = displayable(shown);
  try {
    return jsonDumps(value, compact ? { sortKeys: true, ensureAscii: false } : { indent: '    ', sortKeys: true, ensureAscii: false, itemSep: ',', keySep: ': ' });
  } catch {
    return JSON.stringify(value, null, compact ? undefined : 4);
  }
}
