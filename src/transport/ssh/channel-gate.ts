// Caps concurrent channels on one connection: OpenSSH's MaxSessions (default 10) refuses the 11th.

export class ChannelGate {
  private open = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async acquire(): Promise<() => void> {
    if (this.open >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.open++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      this.waiting.shift()?.();
    };
  }
}
