// The `-o` options of ssh_args ([ssh_connection] ssh_args, $ANSIBLE_SSH_ARGS) that mean something to our ssh2
// client. Ansible puts ssh_args before its own `-o ConnectTimeout=`/`StrictHostKeyChecking=`, and OpenSSH keeps
// the first value it reads, so these win over `timeout` and `host_key_checking`.
import type { HostKeyPolicy } from '../transport/transport.js';
import { splitWords } from '../shell/split-words.js';

export interface SshArgOptions {
  connectTimeoutSec?: number;
  hostKeyPolicy?: HostKeyPolicy;
  knownHostsFile?: string;
  serverAliveIntervalSec?: number;
  /** What we read but do not act on, e.g. `-C`, `-o ControlMaster=auto`. */
  ignored: string[];
  /** Values we understand the name of but not the value of. */
  problems: string[];
}

const POLICIES: Record<string, HostKeyPolicy> = { yes: 'strict', ask: 'strict', 'accept-new': 'accept-new', no: 'off', off: 'off' };

function seconds(v: string, what: string, problems: string[]): number | undefined {
  if (/^\d+$/.test(v) && Number(v) > 0) return Number(v);
  problems.push(`${what} must be a whole number of seconds, got ${JSON.stringify(v)}`);
  return undefined;
}

export function parseSshArgs(text: string | undefined): SshArgOptions {
  const out: SshArgOptions = { ignored: [], problems: [] };
  if (!text) return out;
  let words: string[];
  try {
    words = splitWords(text);
  } catch (err) {
    out.problems.push((err as Error).message);
    return out;
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w !== '-o' && !w.startsWith('-o')) {
      out.ignored.push(w);
      continue;
    }
    const option = w === '-o' ? words[++i] ?? '' : w.slice(2);
    const m = /^\s*([A-Za-z]+)\s*(?:=|\s)\s*(.*?)\s*$/.exec(option);
    if (!m) {
      out.ignored.push(`-o ${option}`);
      continue;
    }
    const [, name, value] = m as unknown as [string, string, string];
    // OpenSSH: the first value given for an option is the one used.
    switch (name.toLowerCase()) {
      case 'connecttimeout':
        out.connectTimeoutSec ??= seconds(value, 'ConnectTimeout', out.problems);
        break;
      case 'serveraliveinterval':
        out.serverAliveIntervalSec ??= seconds(value, 'ServerAliveInterval', out.problems);
        break;
      case 'stricthostkeychecking': {
        const policy = POLICIES[value.toLowerCase()];
        if (policy) out.hostKeyPolicy ??= policy;
        else out.problems.push(`StrictHostKeyChecking must be yes, ask, accept-new, no or off, got ${JSON.stringify(value)}`);
        break;
      }
      case 'userknownhostsfile':
        out.knownHostsFile ??= value.split(/\s+/)[0];
        break;
      default:
        out.ignored.push(`-o ${name}=${value}`);
    }
  }
  return out;
}
