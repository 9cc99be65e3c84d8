import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExprNode } from '../../../src/expr/ast.js';
import { ExprFailure } from '../../../src/expr/expr-failure.js';
import { parseExpression } from '../../../src/expr/parse.js';

/** The AST as an s-expression, to check precedence. */
function show(n: ExprNode): string {
  switch (n.kind) {
    case 'literal':
      return JSON.stringify(n.value);
    case 'list':
      return `[${n.items.map(show).join(' ')}]`;
    case 'var':
      return n.name;
    case 'member':
      return `${show(n.object)}.${n.key}`;
    case 'index':
      return `${show(n.object)}[${show(n.index)}]`;
    case 'not':
    case 'neg':
      return `(${n.kind} ${show(n.operand)})`;
    case 'and':
    case 'or':
      return `(${n.kind} ${show(n.left)} ${show(n.right)})`;
    case 'compare':
      return `(${[show(n.first), ...n.rest.map((r) => `${r.op} ${show(r.right)}`)].join(' ')})`;
    case 'filter':
      return `(| ${show(n.input)} ${n.name}${n.args.map((a) => ` ${show(a)}`).join('')})`;
    case 'test':
      return `(is${n.negate ? '-not' : ''} ${show(n.input)} ${n.name}${n.args.map((a) => ` ${show(a)}`).join('')})`;
  }
}

test('precedence and shapes', () => {
  const cases: [string, string][] = [
    ['not a and b', '(and (not a) b)'],
    ['not (a and b)', '(not (and a b))'],
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c and d', '(or (and a b) (and c d))'],
    ['not not a', '(not (not a))'],
    ['not a == b', '(not (a == b))'],
    ['a == b and c != d', '(and (a == b) (c != d))'],
    ['not x is defined', '(not (is x defined))'],
    ['x is not defined or y', '(or (is-not x defined) y)'],
    ['a == b is defined', '(a == (is b defined))'],
    ['1 < x <= 5', '(1 < x <= 5)'],
    ['x not in xs', '(x not in xs)'],
    ["'a' in xs and not 'b' in xs", '(and ("a" in xs) (not ("b" in xs)))'],
    ['xs | length > 0', '((| xs length) > 0)'],
    ['x | default(1) | int == 1', '((| (| x default 1) int) == 1)'],
    ['-x < -1', '((neg x) < (neg 1))'],
    ['result.rc', 'result.rc'],
    ["hostvars['web1'].ip", 'hostvars["web1"].ip'],
    ['hostvars[inventory_hostname]["ip"]', 'hostvars[inventory_hostname]["ip"]'],
    ['xs[0].name', 'xs[0].name'],
    ['xs.0.name', 'xs.0.name'],
    ["[1, 'a', [true, None]]", '[1 "a" [true null]]'],
    ['[]', '[]'],
    ['[1, 2,]', '[1 2]'],
    ['True and False or None and null and none and true', '(or (and true false) (and (and (and null null) null) true))'],
    ['result is changed', '(is result changed)'],
    ["out is search('a+') and out is not match(\"b\")", '(and (is out search "a+") (is-not out match "b"))'],
    ['(a)', 'a'],
    ['x.and.or', 'x.and.or'], // keywords are fine after a dot
    ['1.5e3 == 1500', '(1500 == 1500)'],
  ];
  for (const [text, want] of cases) assert.equal(show(parseExpression(text).root), want, text);
});

test('string escapes follow Python', () => {
  const cases: [string, string][] = [
    ["'it\\'s'", "it's"],
    ['"say \\"hi\\""', 'say "hi"'],
    ["'a\\nb'", 'a\nb'],
    ["'\\d+\\.'", '\\d+\\.'], // unknown escapes keep their backslash, so regexes read naturally
    ["'back\\\\slash'", 'back\\slash'],
    ['"single \' inside"', "single ' inside"],
  ];
  for (const [text, want] of cases) {
    const root = parseExpression(text).root;
    assert.equal(root.kind === 'literal' ? root.value : undefined, want, text);
  }
});

test('syntax errors give the offset, a message and a hint', () => {
  const cases: [string, string, number, string?][] = [
    ['', 'empty condition', 0],
    ['result.rc = 0', 'unexpected "="', 10, 'compare with =='],
    ['a === b', 'unexpected "="', 4, 'compare with =='],
    ['a && b', 'unexpected "&&"', 2, 'write "and"'],
    ['a || b', 'unexpected "||"', 2, 'write "or"'],
    ['!a', 'unexpected "!"', 0, 'write "not"'],
    ['a + 1', 'unexpected "+"', 2, 'arithmetic is not supported in conditions'],
    ['{{ a }} == 1', 'unexpected "{"', 0, 'conditions are expressions already: write variables without {{ }}'],
    ["x == 'abc", 'unterminated string', 5, "close it with '"],
    ['a ==', 'unexpected end of condition', 4, 'expected a value'],
    ['a and', 'unexpected end of condition', 5, 'expected a value'],
    ['(a == 1', 'unexpected end of condition', 7, 'expected ")"'],
    ['a b', 'unexpected "b"', 2],
    ['a == 1 2', 'unexpected number 2', 7],
    ['len(x)', 'unexpected "("', 3, 'calls are not supported: use a filter, e.g. x | length'],
    ['x.', 'unexpected end of condition', 2, 'expected a name after "."'],
    ['x | ', 'unexpected end of condition', 4, 'expected a filter name'],
    ['x is', 'unexpected end of condition', 4, 'expected a test name, e.g. "is defined"'],
    ['x is 5', 'unexpected number 5', 5, 'expected a test name, e.g. "is defined"'],
    ['x[0', 'unexpected end of condition', 3, 'expected "]"'],
    ['and', 'unexpected "and"', 0, 'expected a value'],
    ['a == in', 'unexpected "in"', 5, 'expected a value'],
    ['a ; b', 'unexpected character ";"', 2],
    ['a == `b`', 'unexpected character "`"', 5],
  ];
  for (const [text, message, pos, hint] of cases) {
    assert.throws(
      () => parseExpression(text),
      (err: unknown) => {
        assert.ok(err instanceof ExprFailure, text);
        assert.equal(err.message, message, text);
        assert.equal(err.pos, pos, text);
        assert.equal(err.hint, hint, text);
        return true;
      },
    );
  }
});

test('parsed ASTs are cached by text', () => {
  assert.equal(parseExpression('cached == 1'), parseExpression('cached == 1'));
});
