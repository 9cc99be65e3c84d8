// The values of a play's vars_prompt, as ansible-core 2.14's PlaybookExecutor and Display.do_var_prompt give them:
// a name given with -e is not asked; the prompt and default are rendered with the play's vars and -e; without a
// terminal nothing is read (one warning) and the default is used, or the text "None" when there is none; an empty
// answer takes the default; the value is always text. Private answers become secrets (masked in all output).
import { encrypt } from 'unixcrypt';
import { randomSalt } from '../crypt/password-hash.js';
import { pyStr } from '../jinja/values.js';
import { renderValue } from '../template/index.js';
import type { PlayPlan } from '../playbook/playbook-plan.js';
import type { VarsPrompt } from '../playbook/vars-prompt.js';
import { markSecretValue } from '../vault/mask-vault-values.js';

/** The terminal side: the CLI's (src/cli/terminal-prompt.ts), or a test's. */
export interface VarsPrompter {
  /** Ansible asks only when its stdin is a terminal. */
  readonly interactive: boolean;
  /** Show `message`, read one line (without echo when `hidden`). */
  ask(message: string, hidden: boolean): Promise<string>;
  /** A line for the user (the confirm mismatch). */
  say(text: string): void;
  /** A warning, shown once per run however often it is given. */
  warn(text: string): void;
}

export const NOT_INTERACTIVE = 'Not prompting as we are not in interactive mode';
const MISMATCH = '***** VALUES ENTERED DO NOT MATCH ****';
const CRYPT_ID = { sha512_crypt: '6', sha256_crypt: '5' } as const;

/** The prompted variables of `play` (empty when it has none), to layer above its vars. */
export async function promptedVars(play: PlayPlan, extraVars: Record<string, unknown>, prompter: VarsPrompter | undefined): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const spec of play.varsPrompt ?? []) {
    if (Object.hasOwn(extraVars, spec.name)) continue;
    // As Ansible, templates in the fields see the play's vars (and the answers so far) and -e.
    const vars = { ...play.vars, ...out, ...extraVars };
    // As PlaybookExecutor: no prompt: shows the name ("input for NAME" only for an empty prompt).
    const prompt = spec.prompt === undefined ? spec.name : String(renderValue(spec.prompt, vars, { ...spec.at }));
    const dflt = spec.default === undefined ? undefined : renderValue(spec.default, vars, { ...spec.at });
    out[spec.name] = await answer(spec, prompt, dflt, prompter);
  }
  return out;
}

async function answer(spec: VarsPrompt, prompt: string, dflt: unknown, prompter: VarsPrompter | undefined): Promise<string> {
  let result: string | undefined;
  if (prompter?.interactive) {
    const msg = prompt && dflt !== undefined ? `${prompt} [${pyStr(dflt)}]: ` : prompt ? `${prompt}: ` : `input for ${spec.name}: `;
    for (;;) {
      result = await prompter.ask(msg, spec.private);
      if (!spec.confirm || (await prompter.ask(`confirm ${msg}`, spec.private)) === result) break;
      prompter.say(MISMATCH);
    }
  } else {
    prompter?.warn(NOT_INTERACTIVE);
  }
  let value = !result && dflt !== undefined ? pyStr(dflt) : result === undefined ? 'None' : result;
  if (spec.private && value === result) markSecretValue(value); // typed: a secret (a default is in the playbook)
  if (spec.encrypt) value = encrypt(value, `$${CRYPT_ID[spec.encrypt]}$${spec.salt ?? randomSalt(spec.saltSize ?? 16)}`);
  // `unsafe` is taken as the YAML tag !unsafe is (config/yaml-source.ts): the engine has no unsafe marker yet.
  return value;
}
