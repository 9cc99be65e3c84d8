// The plain-path fast path must agree with handlebars wherever it answers, and leave everything else to it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileTemplate, valueDelegate } from '../../../src/template/compile-template.js';
import { renderPlain } from '../../../src/template/plain-paths.js';
import { withRenderState } from '../../../src/template/render-state.js';
import { Secret } from '../../../src/shell/secret.js';

const OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };
const site = { file: 'test.yaml' };

/** What handlebars renders (text), or the value a lone expression keeps. */
function byHandlebars(text: string, vars: Record<string, unknown>, keepType: boolean): unknown {
  const tpl = compileTemplate(text);
  if (!keepType || !tpl.isSingleExpression) return withRenderState({ site }, () => tpl.text(vars, OPTIONS));
  const state: { site: typeof site; captured?: { value: unknown } } = { site };
  withRenderState(state, () => valueDelegate(text, tpl)(vars, OPTIONS));
  return state.captured?.value;
}

const vars: Record<string, unknown> = {
  item: { port: 443, proto: 'tcp', on: true, off: false, nothing: null, list: [1, 'a'], map: { k: 'v' } },
  bench_dir: '/etc/tsinfra-bench',
  count: 0,
  empty: '',
  secret: new Secret('s3cret'),
  braces: '{{ not rendered again }}',
  f: () => 'function',
};

const ANSWERED = [
  '{{ item.port }}',
  '{{item.proto}}',
  '{{ bench_dir }}/limits.conf',
  'port {{ item.port }}/{{ item.proto }} on={{ item.on }} off={{ item.off }}',
  '{{ item.nothing }}',
  'x{{ item.nothing }}y',
  '{{ item.list }}',
  'l={{ item.list }} m={{ item.map }}',
  '{{ count }}',
  '{{ empty }}',
  '{{ secret }} and {{ secret }}',
  '{{ braces }}',
  'multi\nline {{ item.port }}\n',
  '{ {{ item.port }} }',
];

test('where it answers, the fast path renders exactly what handlebars does (text and kept values)', () => {
  for (const text of ANSWERED) {
    for (const keepType of [false, true]) {
      const fast = renderPlain(text, vars, keepType);
      assert.ok(fast, `expected the fast path to answer ${JSON.stringify(text)}`);
      const slow = byHandlebars(text, vars, keepType);
      if (slow instanceof Secret) assert.equal((fast.value as Secret).reveal(), slow.reveal());
      else assert.deepEqual(fast.value, slow, `${JSON.stringify(text)} (keepType ${keepType})`);
    }
  }
});

test('anything not plain, or not resolvable, is left to handlebars', () => {
  for (const text of [
    '{{{ item.port }}}',
    '{{~ item.port }}',
    '{{ item.missing }}',
    '{{ missing }} text',
    '{{ f }}',
    '{{ item.port | default(1) }}',
    '{{ default item.port 1 }}',
    '{{ this }}',
    '{{ true }}',
    '{{ item.[0] }}',
    '\\{{ item.port }}',
    '{{ item.port }} {% if x %}',
    '{{#if item.on}}yes{{/if}}',
    'no template at all',
  ]) {
    assert.equal(renderPlain(text, vars, true), undefined, text);
    assert.equal(renderPlain(text, vars, false), undefined, text);
  }
});

test('only own data properties are followed, as the compiled template does', () => {
  const inherited = Object.create({ port: 1 }) as Record<string, unknown>;
  const accessor = Object.defineProperty({}, 'port', { get: () => 2, enumerable: true });
  assert.equal(renderPlain('{{ x.port }}', { x: inherited }, true), undefined);
  assert.equal(renderPlain('{{ x.port }}', { x: accessor }, true), undefined);
  assert.equal(renderPlain('{{ toString }}', {}, true), undefined);
  assert.equal(renderPlain('{{ x.constructor }}', { x: {} }, true), undefined);
});
