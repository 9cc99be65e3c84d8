// Downloading on the host, with whichever of curl or wget it has (curl first), for get_url and apt_key. The shell
// function `tsi_fetch FILE` writes the body to FILE and sets `tsi_code` (the HTTP status; 000 for file:// and
// ftp://). It returns non-zero, saying why on stderr, when neither tool exists, the transfer fails, or the status
// is not 200 (Ansible's get_url accepts 200 only). Header values are secrets (an Authorization header is common):
// logs show ***.
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';
import { secret } from '../../shell/secret.js';

export interface FetchOptions {
  url: string;
  /** Seconds for the whole transfer. */
  timeout: number;
  headers?: Readonly<Record<string, string>>;
  validateCerts: boolean;
  /** Who is fetching, for the error messages ("get_url"). */
  module: string;
  /** HTTP basic auth. */
  username?: string;
  password?: string;
}

/** Defines `tsi_fetch FILE` (see the file comment). Needs no prologue; safe under set -eu. */
export function fetchFunction(o: FetchOptions): Script {
  const headerWords = Object.entries(o.headers ?? {}).map(([k, v]) => secret(`${k}: ${v}`));
  const curlHeaders = headerWords.length > 0 ? joinScripts(headerWords.map((h) => sh`-H ${h}`), ' ') : raw('');
  const wgetHeaders = headerWords.length > 0 ? joinScripts(headerWords.map((h) => sh`--header=${h}`), ' ') : raw('');
  const curlInsecure = o.validateCerts ? raw('') : raw('-k');
  const wgetInsecure = o.validateCerts ? raw('') : raw('--no-check-certificate');
  const curlAuth = o.username !== undefined ? sh`-u ${secret(`${o.username}:${o.password ?? ''}`)}` : raw('');
  const wgetAuth =
    o.username !== undefined ? sh`--user=${o.username} --password=${secret(o.password ?? '')} --auth-no-challenge` : raw('');
  const failed = (what: string) => sh`echo ${`tsinfra: ${o.module}: ${what}`}"$tsi_code"${` for ${o.url}`} >&2`;
  return joinScripts([
    raw('tsi_fetch() {'),
    raw('  tsi_code=000'),
    raw('  if command -v curl >/dev/null 2>&1; then'),
    sh`    if ! tsi_code=$(curl -sS -L --max-time ${o.timeout} ${curlInsecure} ${curlAuth} ${curlHeaders} -o "$1" -w '%{http_code}' -- ${o.url} </dev/null); then`,
    sh`      echo ${`tsinfra: ${o.module}: could not fetch ${o.url} (curl, see above)`} >&2; return 4`,
    raw('    fi'),
    raw('  elif command -v wget >/dev/null 2>&1; then'),
    sh`    if wget -S -q -T ${o.timeout} ${wgetInsecure} ${wgetAuth} ${wgetHeaders} -O "$1" -- ${o.url} </dev/null 2>"$1.hdr"; then tsi_rc=0; else tsi_rc=$?; fi`,
    raw(`    tsi_code=$(awk '$1 ~ /^HTTP\\// { c = $2 } END { print c ? c : "000" }' "$1.hdr"); rm -f -- "$1.hdr"`),
    sh`    if [ "$tsi_rc" != 0 ] && [ "$tsi_code" = 000 ]; then echo ${`tsinfra: ${o.module}: could not fetch ${o.url} (wget exit `}"$tsi_rc)" >&2; return 4; fi`,
    raw('  else'),
    sh`    echo ${`tsinfra: ${o.module} needs curl or wget on the host (neither is installed)`} >&2; return 3`,
    raw('  fi'),
    raw('  case "$tsi_code" in'),
    raw('    200) return 0 ;;'),
    sh`    000) case ${o.url} in file:*|ftp:*) return 0 ;; esac ;;`,
    raw('  esac'),
    joinScripts([raw('  '), failed('Request failed: HTTP status ')], ''),
    raw('  return 5'),
    raw('}'),
  ]);
}

/** `hexdigest` of "$1" with the named algorithm into the variable tsi_sum (sha256sum, sha1sum, md5sum, …). */
export function digestFunction(): Script {
  return raw('tsi_digest() { tsi_sum=$("$1"sum < "$2"); tsi_sum=${tsi_sum%% *}; }');
}
