// A template or expression that does not parse: the message and the offset in the source. The facade turns the
// offset into the file's line and column.
export class JinjaSyntaxError extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'JinjaSyntaxError';
  }
}
