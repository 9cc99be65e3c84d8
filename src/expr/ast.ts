// The condition AST. `pos`/`end` are offsets into the source text, so messages can quote a path exactly as written.

export interface Span {
  pos: number; // 0-based offset of the node's first character
  end: number; // offset just past its last character
}

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in';

export type ExprNode =
  | (Span & { kind: 'literal'; value: string | number | boolean | null })
  | (Span & { kind: 'list'; items: ExprNode[] })
  | (Span & { kind: 'var'; name: string })
  | (Span & { kind: 'member'; object: ExprNode; key: string }) // a.b
  | (Span & { kind: 'index'; object: ExprNode; index: ExprNode }) // a['b'], a[0]
  | (Span & { kind: 'not'; operand: ExprNode })
  | (Span & { kind: 'neg'; operand: ExprNode })
  | (Span & { kind: 'and' | 'or'; left: ExprNode; right: ExprNode })
  | (Span & { kind: 'compare'; first: ExprNode; rest: { op: CompareOp; pos: number; right: ExprNode }[] })
  | (Span & { kind: 'filter'; name: string; namePos: number; input: ExprNode; args: ExprNode[] })
  | (Span & { kind: 'test'; name: string; namePos: number; negate: boolean; input: ExprNode; args: ExprNode[] });

/** A parsed condition: the AST and the text it came from (for messages). */
export interface ParsedExpression {
  readonly text: string;
  readonly root: ExprNode;
}
