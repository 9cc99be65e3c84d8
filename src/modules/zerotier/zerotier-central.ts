// ZeroTier Central's API (v1), the one call the zerotier module needs: authorize a member, from the controller.
//   POST {api_url}/network/{nwid}/member/{nodeId}
//   Authorization: token <API token>
//   {"config":{"authorized":true},"name":"<host>"}
// The token is a Secret: it only ever goes into that header, never into a message, a log or the host.
import { redactText, type Secret } from '../../shell/secret.js';

export interface AuthorizeRequest {
  /** e.g. https://api.zerotier.com/api/v1 (a trailing slash is fine). */
  apiUrl: string;
  token: Secret;
  networkId: string;
  nodeId: string;
  /** The member's name in Central (the inventory host name by default). */
  name: string;
  /** Waits between retries after HTTP 429 (the free plan allows 20 requests/s). */
  sleep(ms: number): Promise<void>;
  timeoutMs?: number;
}

/** A refusal or failure of Central, with a message people can act on (never the token). */
export class CentralApiError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = 'CentralApiError';
    this.status = status;
  }
}

const MAX_RATE_LIMIT_RETRIES = 5;

export function memberUrl(apiUrl: string, networkId: string, nodeId: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/network/${networkId}/member/${nodeId}`;
}

/** The exact body Central expects to authorize a member and name it. */
export function authorizeBody(name: string): string {
  return JSON.stringify({ config: { authorized: true }, name });
}

function errorDetail(status: number, body: string, token: Secret): string {
  let text = body.trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown; error?: unknown };
    if (typeof parsed.message === 'string') text = parsed.message;
    else if (typeof parsed.error === 'string') text = parsed.error;
  } catch {
    // not JSON: keep the text
  }
  text = redactText(text, [token.reveal()]).replace(/\s+/g, ' ');
  return text ? `HTTP ${status}: ${text.slice(0, 200)}` : `HTTP ${status}`;
}

function retryAfterMs(header: string | null, attempt: number): number {
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 30) * 1000;
  return 500 * 2 ** attempt;
}

function describeFetchFailure(err: unknown, url: string): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer from ${url} in time`;
  const why = e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
  return `cannot reach ${url}: ${why}`;
}

/** Authorizes the member; returns Central's member object. Throws CentralApiError. */
export async function authorizeMember(req: AuthorizeRequest): Promise<Record<string, unknown>> {
  const url = memberUrl(req.apiUrl, req.networkId, req.nodeId);
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `token ${req.token.reveal()}`, 'content-type': 'application/json', accept: 'application/json' },
        body: authorizeBody(req.name),
        signal: AbortSignal.timeout(req.timeoutMs ?? 30_000),
      });
    } catch (err) {
      throw new CentralApiError(`ZeroTier Central: ${describeFetchFailure(err, url)}`);
    }
    const body = await res.text().catch(() => '');
    if (res.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
      await req.sleep(retryAfterMs(res.headers.get('retry-after'), attempt));
      continue;
    }
    if (res.ok) {
      try {
        const member = JSON.parse(body) as Record<string, unknown>;
        const config = member.config as { authorized?: unknown } | undefined;
        if (config && config.authorized === false) throw new CentralApiError(`ZeroTier Central did not authorize node ${req.nodeId} on network ${req.networkId}`, res.status);
        return member;
      } catch (err) {
        if (err instanceof CentralApiError) throw err;
        return {};
      }
    }
    const detail = errorDetail(res.status, body, req.token);
    if (res.status === 401 || res.status === 403) {
      throw new CentralApiError(`ZeroTier Central refused the API token for network ${req.networkId} (${detail}): check api_token / ZEROTIER_API_TOKEN`, res.status);
    }
    if (res.status === 404) {
      throw new CentralApiError(`ZeroTier Central does not know network ${req.networkId} (${detail}): check network_id, and that the token's account owns the network`, res.status);
    }
    throw new CentralApiError(`ZeroTier Central could not authorize node ${req.nodeId} on network ${req.networkId} (${detail})`, res.status);
  }
}
