import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translateJinjaFilters } from '../../../src/template/jinja-filters.js';
import { renderString } from '../../../src/template/render.js';

test('Jinja filter expressions become helper calls', () => {
  const cases: [string, string][] = [
    ["{{ x | default('y') }}", '{{ default x "y" }}'],
    ['{{ x | d("y") }}', '{{ default x "y" }}'],
    ["{{ xs | join(',') }}", '{{ join xs "," }}'],
    ["{{ xs | default([]) | join(', ') }}", '{{ join (default xs (list)) ", " }}'],
    ["{{ x | default(['a', 1, True, None]) }}", '{{ default x (list "a" 1 true null) }}'],
    ['{{ m | default({}) | to_json }}', '{{ to_json (default m (dict)) }}'],
    ['{{ name | upper }}', '{{ upper name }}'],
    ['{{ a.b[0].c | lower }}', '{{ lower a.b.[0].c }}'],
    ["{{ hostvars['db-1'].ip }}", '{{ hostvars.[db-1].ip }}'],
    ['{{ xs.0 }}', '{{ xs.[0] }}'],
    ["{{ pw | password_hash('sha512', 'salt', rounds=5000) }}", '{{ password_hash pw "sha512" "salt" rounds=5000 }}'],
    ["{{ cidr | ipaddr('network') }}", '{{ network cidr }}'],
    ["{{ cidr | ansible.utils.ipaddr('size') }}", '{{ cidr_size cidr }}'],
    ['{{ m | to_nice_json }}', '{{ to_json m 4 }}'],
    ['{{ m | to_nice_yaml }}', '{{ to_yaml m }}'],
    ['{{ xs | count }}', '{{ length xs }}'],
    ["{{- x | default('y') -}}", '{{~ default x "y" ~}}'],
    ["{{~ x | default('y') ~}}", '{{~ default x "y" ~}}'],
    ['{{ x | default("say \\"hi\\"") }}', '{{ default x "say \\"hi\\"" }}'],
    ["{{ x | default('it\\'s') }}", '{{ default x "it\'s" }}'],
    ['a {{ x | upper }} b {{ y }} c', 'a {{ upper x }} b {{ y }} c'],
    ['{{ x | default(-1) }}', '{{ default x -1 }}'],
  ];
  for (const [jinja, hbs] of cases) assert.equal(translateJinjaFilters(jinja), hbs, jinja);
});

test('handlebars text and anything outside the small grammar is left alone', () => {
  const same = [
    'no templates',
    '{{ x }}',
    '{{ default x "y" }}',
    '{{ join xs "|" }}', // the | is inside a string
    '{{#each xs as |x i|}}{{x}}{{/each}}', // block parameters
    '{{else if x}}',
    '{{! x | y }}',
    '{{!-- x | y }} --}}',
    '\\{{ x | y }}',
    '{{{ x }}}',
    '{{ x | default(y + 1) }}', // arithmetic: not translated, handlebars reports it
    '{{ x[0] ~ "a" }}',
    '{{ a | b(c d) }}',
    "{{ x | default('unclosed) }}",
    '{{ upper [x] }}',
  ];
  for (const text of same) assert.equal(translateJinjaFilters(text), text, text);
});

test('translated templates render', () => {
  const vars = { xs: ['a', 'b'], name: 'Web', hostvars: { 'db-1': { ip: '10.0.0.2' } }, cidr: '10.9.8.7/8' };
  const where = { file: 't.yaml', line: 1, column: 1 };
  const cases: [string, string][] = [
    ["{{ missing | default('none') }}", 'none'],
    ["{{ xs | join(',') | upper }}", 'A,B'],
    ["{{ hostvars['db-1'].ip }}", '10.0.0.2'],
    ["{{ cidr | ipaddr('network') }}", '10.0.0.0'],
    ["{{ missing | default([]) | join(',') }}", ''],
  ];
  for (const [text, want] of cases) assert.equal(renderString(text, vars, where), want, text);
  assert.throws(() => renderString('{{ name | frob }}', vars, where), { message: 't.yaml:1:1: unknown filter "frob"' });
  assert.throws(() => renderString("{{ cidr | ipaddr('address') }}", vars, where), {
    message: "t.yaml:1:1: ipaddr: only ipaddr('network'), ipaddr('netmask') and ipaddr('size') translate",
  });
});
