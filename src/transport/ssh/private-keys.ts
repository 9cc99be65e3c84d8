// Key files are read and parsed once per run, whatever the number of hosts; a passphrase is asked once per file.
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { ConnectError } from '../../errors.js';

const parsed = new Map<string, Promise<ParsedKey>>();

async function parse(file: string, host: string, ask?: (file: string) => Promise<string>): Promise<ParsedKey> {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw new ConnectError(host, 'auth', `cannot read private key ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  let key = ssh2.utils.parseKey(data);
  if (key instanceof Error && /passphrase/i.test(key.message)) {
    if (!ask) throw new ConnectError(host, 'auth', `private key ${file} is encrypted and no passphrase can be asked for`, { hint: 'load it into ssh-agent' });
    key = ssh2.utils.parseKey(data, await ask(file));
  }
  if (key instanceof Error) throw new ConnectError(host, 'auth', `cannot use private key ${file}: ${key.message}`);
  return Array.isArray(key) ? (key[0] as ParsedKey) : key;
}

export function loadPrivateKey(file: string, host: string, ask?: (file: string) => Promise<string>): Promise<ParsedKey> {
  let p = parsed.get(file);
  if (!p) {
    p = parse(file, host, ask);
    parsed.set(file, p);
    p.catch(() => parsed.delete(file)); // a failed read is retried by the next host, not cached
  }
  return p;
}
