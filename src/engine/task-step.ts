// --step, as ansible-core 2.14's StrategyBase._take_step: before each task (handlers and Gathering Facts included,
// meta tasks not) the user answers `Perform task: TASK: <name> (N)o/(y)es/(c)ontinue: `. y/yes runs it, c/continue
// runs it and stops asking for the rest of the play (Ansible's strategy object, one per play and batch), anything
// else (an empty line too) skips it. The end of the input ends the run, as Ansible's EOFError does (exit 2).

/** Shows the prompt and reads one line: the answer, or undefined when the input has ended. */
export type ConfirmTask = (prompt: string) => Promise<string | undefined>;

export class TaskStepper {
  private isAsking: boolean;
  /** The input ended: nothing more runs. */
  isEnded = false;
  /** One question at a time (the free strategy's hosts ask concurrently). */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly confirm: ConfirmTask | undefined) {
    this.isAsking = confirm !== undefined;
  }

  /** `what` is Task.__repr__: "TASK: name" or "HANDLER: name"; `host` for the free strategy. */
  allows(what: string, host?: string): Promise<boolean> {
    const answer = this.turn.then(() => this.ask(what, host));
    this.turn = answer;
    return answer;
  }

  private async ask(what: string, host: string | undefined): Promise<boolean> {
    if (this.isEnded) return false;
    if (!this.isAsking || !this.confirm) return true;
    const line = await this.confirm(`Perform task: ${what} ${host === undefined ? '' : `on ${host} `}(N)o/(y)es/(c)ontinue: `);
    if (line === undefined) {
      this.isEnded = true;
      return false;
    }
    const answer = line.toLowerCase();
    if (answer === 'c' || answer === 'continue') this.isAsking = false;
    return answer === 'y' || answer === 'yes' || answer === 'c' || answer === 'continue';
  }
}
