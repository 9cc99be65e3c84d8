// How the controller's OpenSSH reaches a host the way tsinfra's own connection does: the same known_hosts files,
// host key policy, timeouts and jump hosts. For programs that bring their own ssh (synchronize's rsync --rsh).
// Port, user and keys are left to the caller, which may override them (synchronize's dest_port, private_key).
import { quote } from '../../shell/quote.js';
import type { ConnectTarget } from '../transport.js';

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** `-o` options (and their values, as separate argv words) for reaching `t`, except Port and the identity files. */
export function opensshOptions(t: ConnectTarget): string[] {
  const out: string[] = ['-o', 'BatchMode=yes'];
  if (t.hostKeyPolicy === 'off') out.push('-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null');
  else {
    out.push('-o', `StrictHostKeyChecking=${t.hostKeyPolicy === 'strict' ? 'yes' : 'accept-new'}`);
    // OpenSSH takes several files in one UserKnownHostsFile, separated by spaces (each quoted when it has one).
    const files = t.knownHostsFiles.map((f) => (/\s/.test(f) ? `"${f}"` : f)).join(' ');
    if (files) out.push('-o', `UserKnownHostsFile=${files}`, '-o', 'GlobalKnownHostsFile=/dev/null');
  }
  out.push('-o', `ConnectTimeout=${seconds(t.connectTimeoutMs)}`, '-o', `ServerAliveInterval=${seconds(t.keepaliveIntervalMs)}`);
  if (t.jumps.length > 0) out.push('-o', `ProxyCommand=${proxyCommand(t, t.jumps)}`);
  return out;
}

/**
 * The ProxyCommand through `jumps` (outermost first), each hop with its own keys and known_hosts (a `-J` would give
 * the jump hosts none of the options above). Hosts are written out, not `%h:%p`: the outer ssh would expand those
 * inside the nested commands too.
 */
function proxyCommand(dest: Pick<ConnectTarget, 'address' | 'port'>, jumps: readonly ConnectTarget[]): string {
  const hop = jumps.at(-1)!;
  const to = dest.address.includes(':') ? `[${dest.address}]:${dest.port}` : `${dest.address}:${dest.port}`;
  const argv = [
    'ssh', '-S', 'none', '-p', String(hop.port), ...hop.privateKeyFiles.flatMap((k) => ['-i', k]),
    ...opensshOptions({ ...hop, jumps: jumps.slice(0, -1) }), '-W', to, `${hop.user}@${hop.address}`,
  ];
  return argv.map(quote).join(' ');
}
