// A scripted host for the lock-out guard's flow (firewall, iptables): each exec is answered by the kind of script it
// runs, tryConnect by a list of answers, and a fake clock moves with every step, so the log shows the timings.
import type { ActionIO, ExecResult } from '../../src/modules/define.js';
import type { Script } from '../../src/shell/script.js';

export type Step = 'probe' | 'arm' | 'confirm' | 'after-rollback' | 'direct';

export interface GuardHost {
  probe: string;
  armed?: Partial<ExecResult>;
  confirmed?: Partial<ExecResult>;
  direct?: Partial<ExecResult>;
  /** Answers of successive tryConnect calls (then true). */
  connects?: boolean[];
  vars?: Record<string, unknown>;
  isCheck?: boolean;
}

/** `isProbe` tells the module's probe apart; the guard's scripts are recognised by what they print. */
export function scriptedHost(host: GuardHost, isProbe: (text: string) => boolean) {
  const kindOf = (t: string): Step => {
    if (isProbe(t)) return 'probe';
    if (t.includes('echo armed=setsid')) return 'arm';
    if (t.includes('echo decided=confirmed')) return 'confirm';
    if (t.includes('echo decided=pending')) return 'after-rollback';
    return 'direct';
  };
  let clock = 1_000_000;
  const log: string[] = [];
  const scripts: Script[] = [];
  const connects = [...(host.connects ?? [])];
  const io: ActionIO = {
    exec: async (script) => {
      const step = kindOf(script.text);
      log.push(step);
      scripts.push(script);
      const ok = (stdout: string, over: Partial<ExecResult> = {}): ExecResult => ({ stdout, stderr: '', code: 0, signal: null, ...over });
      if (step === 'probe') return ok(host.probe);
      if (step === 'arm') {
        clock += 200;
        return ok('armed=setsid\napplied=1\n', host.armed);
      }
      if (step === 'confirm') return ok('decided=confirmed\n', host.confirmed);
      if (step === 'after-rollback') return ok('decided=rolled-back\n');
      return ok('', host.direct);
    },
    vars: host.vars ?? {},
    isCheck: host.isCheck ?? false,
    endpointOf: () => undefined,
    evaluate: () => undefined,
    holds: () => false,
    tryConnect: async (ms) => {
      const answer = connects.length > 0 ? connects.shift()! : true;
      log.push(`tryConnect(${ms}) → ${answer}`);
      clock += answer ? 50 : ms;
      return answer;
    },
    sleep: async (ms) => {
      log.push(`sleep(${ms})`);
      clock += ms;
    },
    now: () => clock,
    verbosity: 0,
  };
  return { io, log, scripts };
}
