// `tsinfra passwd`: one user's password on many hosts, idempotently (REFERENCE.md "Password hashes").
// Per host, one round trip reads the user's shadow entry; the new password is re-hashed with that entry's salt
// and rounds and compared (the `user` module's comparison): equal → ok. Otherwise a fresh SHA-512 crypt hash,
// made here on the controller, goes to `chpasswd -e` on its stdin — a second round trip. Neither the password
// nor a hash is ever in a command line, a log record, a result or a temp file.
import { ConnectError, TsinfraError } from '../errors.js';
import { log } from '../log.js';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { redactText, secret, type Secret } from '../shell/secret.js';
import { passwordHash } from '../crypt/password-hash.js';
import { describeHashScheme, passwordVerifies } from '../crypt/password-verify.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import type { BecomeOptions, Connection, ConnectTarget } from '../transport/transport.js';
import { forEachHost } from './for-each-host.js';

export type RotateStatus = 'ok' | 'changed' | 'failed' | 'unreachable';

export interface RotateResult {
  host: string;
  status: RotateStatus;
  user: string;
  /** One line for people, e.g. "password for root updated". Never holds the password or a hash. */
  message: string;
  /** --check: nothing was changed; `changed` means "would change". */
  check: boolean;
  durationMs: number;
}

export interface RotateHost {
  target: ConnectTarget;
  /** How to become root; undefined when logged in as root. */
  become?: BecomeOptions;
}

export interface RotateOptions {
  hosts: RotateHost[];
  user: string;
  password: Secret;
  check: boolean;
  forks: number;
  pool: ConnectionPool;
  /** Other secrets to mask in remote output we pass on (become passwords, secret inventory vars). */
  secrets?: readonly string[];
  onResult?: (result: RotateResult) => void;
  signal?: AbortSignal;
}

/** What the probe found. The current hash is a Secret too: it is no business of logs or output either. */
export type ShadowState =
  | { kind: 'no-user' }
  | { kind: 'unreadable' } // not root: /etc/shadow is closed to us
  | { kind: 'no-shadow' } // in passwd, not in shadow
  | { kind: 'hash'; hash: Secret };

/** `note`: why a set happens besides "a different password" (the old entry was locked, yescrypt, …). */
export type RotatePlan = { action: 'keep' } | { action: 'set'; note?: string } | { action: 'fail'; message: string };

/** One read-only script: does the user exist, and its shadow entry. Runs as `sh -s` (stdin), like module probes. */
export function shadowProbe(user: string): Script {
  return joinScripts([
    sh`tsi_user=${user}`,
    raw('getent passwd -- "$tsi_user" >/dev/null || { echo state=no-user; exit 0; }'),
    raw('if tsi_ent=$(getent shadow -- "$tsi_user"); then printf \'shadow=%s\\n\' "$tsi_ent"'),
    raw('elif [ "$(id -u)" != 0 ]; then echo state=unreadable'),
    raw('else echo state=no-shadow; fi'),
  ]);
}

export function parseShadowProbe(stdout: string, user: string): ShadowState {
  for (const line of stdout.split('\n')) {
    if (line === 'state=no-user') return { kind: 'no-user' };
    if (line === 'state=unreadable') return { kind: 'unreadable' };
    if (line === 'state=no-shadow') return { kind: 'no-shadow' };
    if (line.startsWith('shadow=')) {
      const fields = line.slice('shadow='.length).split(':');
      if (fields[0] !== user || fields.length < 2) break;
      return { kind: 'hash', hash: secret(fields[1]!) };
    }
  }
  // Never quote the output: it may hold a hash.
  throw new TsinfraError('TSI_COMMAND', `unexpected output from the shadow probe for ${user}`);
}

/** Pure: keep, set or fail, from what the host holds. */
export function planRotation(state: ShadowState, user: string, password: Secret): RotatePlan {
  switch (state.kind) {
    case 'no-user':
      return { action: 'fail', message: `user ${user} does not exist` };
    case 'unreadable':
      return { action: 'fail', message: `cannot read the shadow entry of ${user}: not root (use --become, or log in as root)` };
    case 'no-shadow':
      return { action: 'set', note: 'had no shadow entry' };
    case 'hash': {
      const current = state.hash.reveal();
      if (passwordVerifies(password.reveal(), current)) return { action: 'keep' };
      const scheme = describeHashScheme(current);
      if (scheme === 'SHA-512' || scheme === 'SHA-256') return { action: 'set' };
      if (scheme === 'locked' || scheme === 'empty') return { action: 'set', note: `was ${scheme}` };
      return { action: 'set', note: `replaces a ${scheme} hash` };
    }
  }
}

async function rotateOnHost(h: RotateHost, o: RotateOptions): Promise<RotateResult> {
  const started = Date.now();
  const host = h.target.name;
  const hostLog = log().child({ host });
  const result = (status: RotateStatus, message: string): RotateResult => ({ host, status, user: o.user, message, check: o.check, durationMs: Date.now() - started });
  // Only text from elsewhere (remote stderr, transport errors) is masked: our own messages hold no secret, and
  // masking them would give a short password away ("password *** root updated").
  const masked: string[] = [o.password.reveal(), ...(o.secrets ?? [])];
  const clean = (text: string) => redactText(text, masked);
  try {
    if (o.signal?.aborted) throw new ConnectError(host, 'ssh', 'run interrupted before connecting');
    const conn = await o.pool.get(h.target);
    hostLog.debug({ user: o.user, become: h.become?.user }, 'read shadow entry');
    const probe = await conn.exec('/bin/sh -s', { stdin: shadowProbe(o.user).text, become: h.become });
    if (probe.code !== 0) return result('failed', `reading the shadow entry failed (exit ${probe.code ?? probe.signal}): ${clean(probe.stderr.trim().slice(0, 200))}`);
    const plan = planRotation(parseShadowProbe(probe.stdout, o.user), o.user, o.password);
    hostLog.debug({ user: o.user, action: plan.action }, 'planned');
    if (plan.action === 'fail') return result('failed', plan.message);
    if (plan.action === 'keep') return result('ok', `password for ${o.user} already set`);
    const note = plan.note ? ` (${plan.note})` : '';
    if (o.check) return result('changed', `password for ${o.user} would be updated${note}`);
    const failure = await setPassword(conn, h, o, masked);
    if (failure) return result('failed', failure);
    hostLog.info({ user: o.user }, 'password updated');
    return result('changed', `password for ${o.user} updated${note}`);
  } catch (err) {
    if (err instanceof ConnectError) {
      hostLog.warn({ connectLevel: err.level, err: err.message }, 'unreachable');
      return result('unreachable', clean(err.describe()));
    }
    if (err instanceof TsinfraError) {
      // become failures, timeouts (CommandError: at most 200 characters of stderr), a probe we cannot read
      const message = clean(err.describe());
      hostLog.warn({ code: err.code, err: message }, 'failed');
      return result('failed', message);
    }
    throw err;
  }
}

/** The second round trip: `USER:HASH` on the stdin of `chpasswd -e`. Returns why it failed, or undefined. */
async function setPassword(conn: Connection, h: RotateHost, o: RotateOptions, masked: string[]): Promise<string | undefined> {
  const hash = secret(passwordHash(o.password.reveal())); // fresh 16-character salt per host, default rounds
  masked.push(hash.reveal());
  const r = await conn.exec('chpasswd -e', { stdin: `${o.user}:${hash.reveal()}\n`, become: h.become });
  if (r.code === 0) return undefined;
  return `chpasswd failed (exit ${r.code ?? r.signal}): ${redactText((r.stderr.trim() || r.stdout.trim()).slice(0, 200), masked)}`;
}

export async function rotatePasswords(o: RotateOptions): Promise<RotateResult[]> {
  return forEachHost(o.hosts, (h) => rotateOnHost(h, o), { forks: o.forks, onResult: o.onResult });
}
