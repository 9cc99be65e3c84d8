// template: render a controller template (the engine does it, via prepare), then exactly copy's probe/plan/apply.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, PlanError } from './define.js';
import {
  applyContent,
  backupFileResult,
  describeContent,
  diffContent,
  parseContentState,
  planContent,
  probeContent,
  type ContentTarget,
} from './copy.js';
import { AbsPath, fileAttributes, Validate } from './lib/file-attributes.js';

const TemplateArgs = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The template on the controller (role templates/ or playbook dir)' }),
    dest: AbsPath('Path of the file on the host'),
    ...fileAttributes(),
    backup: Type.Boolean({ default: false }),
    force: Type.Boolean({ default: true, description: 'false: only create the file, never replace an existing one' }),
    validate: Type.Optional(Validate()),
  },
  { additionalProperties: false },
);
export type TemplateArgs = Static<typeof TemplateArgs>;

/** The args after prepare: `rendered` holds the text the engine rendered from src. */
export type RenderedTemplateArgs = TemplateArgs & { rendered: string };

function target(a: RenderedTemplateArgs): ContentTarget {
  if (typeof a.rendered !== 'string') {
    throw new PlanError('template', `${a.src} was not rendered`, { hint: 'the engine must call prepare() before probe' });
  }
  return { ...a, bytes: Buffer.from(a.rendered, 'utf8') };
}

export const template = defineModule({
  name: 'template',
  summary: 'A file rendered from a controller template (Jinja2; handlebars for .hbs), written like copy',
  args: TemplateArgs,
  async prepare(a, ctl): Promise<RenderedTemplateArgs> {
    return { ...a, rendered: await ctl.renderTemplate(a.src) };
  },
  probe: (a: RenderedTemplateArgs) => probeContent(target(a)),
  parse: (r) => parseContentState(r, 'template'),
  plan: (a, s) => planContent('template', target(a), s),
  apply: (_a, changes) => applyContent(changes),
  describe: describeContent,
  diff: (a, s, changes) => diffContent(target(a), s, changes),
  result: (_a, _s, _c, applied) => backupFileResult(applied),
});
