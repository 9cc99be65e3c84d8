// The Jinja2 syntax tree. Every node keeps `pos`, its offset in the source, for errors at file:line:column.

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**';
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'notin';

export interface Call {
  args: Expr[];
  kwargs: { name: string; value: Expr }[];
  star?: Expr; // *args
  starstar?: Expr; // **kwargs
}

export type Expr =
  | { kind: 'const'; pos: number; value: unknown }
  | { kind: 'name'; pos: number; name: string }
  | { kind: 'list' | 'tuple'; pos: number; items: Expr[] }
  | { kind: 'dict'; pos: number; items: { key: Expr; value: Expr }[] }
  | { kind: 'getattr'; pos: number; object: Expr; attr: string }
  | { kind: 'getitem'; pos: number; object: Expr; index: Expr }
  | { kind: 'slice'; pos: number; object: Expr; start?: Expr; stop?: Expr; step?: Expr }
  | { kind: 'call'; pos: number; callee: Expr; call: Call }
  | ({ kind: 'filter'; pos: number; name: string; input: Expr } & Call)
  | ({ kind: 'test'; pos: number; name: string; input: Expr; negated: boolean } & Call)
  | { kind: 'binary'; pos: number; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'concat'; pos: number; items: Expr[] }
  | { kind: 'compare'; pos: number; first: Expr; rest: { op: CompareOp; pos: number; right: Expr }[] }
  | { kind: 'and' | 'or'; pos: number; left: Expr; right: Expr }
  | { kind: 'not' | 'neg' | 'pos'; pos: number; operand: Expr }
  | { kind: 'cond'; pos: number; test: Expr; then: Expr; else?: Expr };

/** What `for` and `set` assign to: a name, `ns.attr`, or a tuple of targets. */
export type Target =
  | { kind: 'name'; pos: number; name: string }
  | { kind: 'attr'; pos: number; object: string; attr: string }
  | { kind: 'tuple'; pos: number; items: Target[] };

export interface MacroParam {
  name: string;
  default?: Expr;
}

/** Whether a macro's body reads `varargs`/`kwargs`: only then may a call pass extra arguments (as in Jinja2). */
export interface MacroCatches {
  varargs: boolean;
  kwargs: boolean;
}

export type Stmt =
  | { kind: 'output'; pos: number; text: string } // template data
  | { kind: 'print'; pos: number; expr: Expr }
  | { kind: 'if'; pos: number; branches: { test: Expr; body: Stmt[] }[]; else?: Stmt[] }
  | { kind: 'for'; pos: number; target: Target; iter: Expr; filter?: Expr; recursive: boolean; body: Stmt[]; else?: Stmt[] }
  | { kind: 'set'; pos: number; target: Target; value: Expr }
  | { kind: 'setblock'; pos: number; target: Target; body: Stmt[]; filters: Expr[] }
  | { kind: 'macro'; pos: number; name: string; params: MacroParam[]; body: Stmt[]; catches: MacroCatches }
  | { kind: 'callblock'; pos: number; params: MacroParam[]; call: Expr; body: Stmt[]; catches: MacroCatches }
  | { kind: 'filterblock'; pos: number; filters: Expr[]; body: Stmt[] }
  | { kind: 'with'; pos: number; assignments: { target: Target; value: Expr }[]; body: Stmt[] }
  | { kind: 'scope'; pos: number; body: Stmt[] } // block, autoescape: their body as it is
  | { kind: 'include'; pos: number; template: Expr; ignoreMissing: boolean; withContext: boolean }
  | { kind: 'import'; pos: number; template: Expr; alias: string; withContext: boolean }
  | { kind: 'fromimport'; pos: number; template: Expr; names: { name: string; alias: string }[]; withContext: boolean };

export interface TemplateAst {
  body: Stmt[];
}
