// slurp: a file of the host, base64-encoded, for `register` (Ansible's ansible.builtin.slurp: content, source,
// encoding). Read-only: one probe, which the engine can read ahead.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, type Change } from './define.js';
import { need, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const SlurpArgs = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The file on the host to read' }),
  },
  { additionalProperties: false },
);
export type SlurpArgs = Static<typeof SlurpArgs>;

export interface SlurpState {
  content: string;
}

function probe(a: SlurpArgs): Script {
  return stateScript([
    sh`p=${a.src}`,
    // Ansible's messages for ENOENT, EISDIR and EACCES.
    raw(`if [ -d "$p" ]; then echo "error=source is a directory and must be a file: $p"; exit 0; fi`),
    raw(`if [ ! -e "$p" ]; then echo "error=file not found: $p"; exit 0; fi`),
    raw(`if [ ! -r "$p" ]; then echo "error=file is not readable: $p"; exit 0; fi`),
    raw(`printf 'content='; base64 -w0 < "$p"; echo`),
  ]);
}

export const slurp = defineModule({
  name: 'slurp',
  summary: "A host file's content as base64, for register; never changes anything",
  args: SlurpArgs,
  aliases: { path: 'src' },
  probe,
  parse(r): SlurpState {
    const kv = parseKeyValues(r.stdout);
    const error = kv.get('error');
    if (error !== undefined) throw new PlanError('slurp', error);
    return { content: need(kv, 'content', 'slurp') };
  },
  plan: (): Change[] => [],
  apply: () => stateScript([]),
  describe: (c) => c.op,
  result: (a, s) => ({ content: s.content, source: a.src, encoding: 'base64' }),
});
