// One error family. Only cli/ turns these into exit codes (see exitCodeFor in cli/exit-codes.ts).

export interface SourcePosition {
  file: string;
  line?: number; // 1-based
  column?: number; // 1-based
}

export function formatPosition(pos: SourcePosition): string {
  if (pos.line === undefined) return pos.file;
  return `${pos.file}:${pos.line}:${pos.column ?? 1}`;
}

export class TsinfraError extends Error {
  readonly code: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.hint = options.hint;
  }

  /** One line for people: message plus hint. */
  describe(): string {
    return this.hint ? `${this.message} (hint: ${this.hint})` : this.message;
  }
}

/** A file the user wrote is wrong: always names file:line:column when known. */
export class ConfigError extends TsinfraError {
  readonly position: SourcePosition;
  /** The offending lines with a caret under the column (text/code-frame.ts), shown after the message. */
  readonly frame?: string;
  constructor(position: SourcePosition, message: string, options: { hint?: string; cause?: unknown; frame?: string } = {}) {
    super('TSI_CONFIG', `${formatPosition(position)}: ${message}`, options);
    this.position = position;
    this.frame = options.frame || undefined;
  }

  override describe(): string {
    return this.frame ? `${super.describe()}\n${this.frame}` : super.describe();
  }
}

/** Bad command-line usage. */
export class UsageError extends TsinfraError {
  constructor(message: string, options: { hint?: string } = {}) {
    super('TSI_USAGE', message, options);
  }
}

export type ConnectLevel = 'socket' | 'ssh' | 'auth' | 'hostkey' | 'timeout';

/** The host could not be reached or refused us: Ansible's "unreachable", not "failed". */
export class ConnectError extends TsinfraError {
  readonly host: string;
  readonly level: ConnectLevel;
  constructor(host: string, level: ConnectLevel, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('TSI_UNREACHABLE', `${host}: ${message}`, options);
    this.host = host;
    this.level = level;
  }
}

/** A remote command failed (non-zero exit, signal or timeout). */
export class CommandError extends TsinfraError {
  readonly host: string;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** What failed: `become`, `<module> probe`, `<module> apply`… */
  readonly what: string;
  constructor(opts: { host: string; what: string; exitCode: number | null; signal: string | null; stdout: string; stderr: string; hint?: string }) {
    const tail = opts.stderr.trim().slice(-200);
    const how = opts.signal ? `killed by ${opts.signal}` : `exit ${opts.exitCode}`;
    super('TSI_COMMAND', `${opts.host}: ${opts.what} failed (${how})${tail ? `: ${tail}` : ''}`, { hint: opts.hint });
    this.what = opts.what;
    this.host = opts.host;
    this.exitCode = opts.exitCode;
    this.signal = opts.signal;
    this.stdout = opts.stdout;
    this.stderr = opts.stderr;
  }
}

/** A lab operation failed (needs root, missing package, ...). */
export class LabError extends TsinfraError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('TSI_LAB', message, options);
  }
}

/** The run was interrupted by SIGINT/SIGTERM. */
export class InterruptedError extends TsinfraError {
  constructor(signal: string) {
    super('TSI_INTERRUPTED', `interrupted by ${signal}`);
  }
}

/** A template could not be rendered (syntax, or an undefined variable with strict rendering). */
export class TemplateError extends TsinfraError {
  readonly template: string;
  readonly variable?: string;
  constructor(template: string, message: string, options: { variable?: string; hint?: string; cause?: unknown } = {}) {
    super('TSI_TEMPLATE', `${template}: ${message}`, options);
    this.template = template;
    this.variable = options.variable;
  }
}

/** A condition (`when`, `failed_when`, ...) is malformed or cannot be evaluated. */
export class ExpressionError extends TsinfraError {
  readonly expression: string;
  constructor(expression: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('TSI_EXPRESSION', `${message} in condition: ${expression}`, options);
    this.expression = expression;
  }
}

/** A module's arguments do not match its schema. */
export class ArgsError extends TsinfraError {
  readonly module: string;
  constructor(module: string, message: string, options: { hint?: string } = {}) {
    super('TSI_ARGS', message, options);
    this.module = module;
  }
}
