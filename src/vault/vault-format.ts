// The ansible-vault envelope, byte for byte as ansible-core 2.14 writes it (parsing/vault/__init__.py):
// `$ANSIBLE_VAULT;1.1;AES256` (or `1.2;AES256;<vault-id>`), then the body in lines of 80 hex characters.
// The body is hex(hex(salt) "\n" hex(hmac) "\n" hex(ciphertext)); PBKDF2-HMAC-SHA256 (10000 rounds) gives
// 80 bytes: the AES-256 key, the HMAC-SHA256 key and the CTR counter block. Node's crypto only.
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
/** Ansible's C.DEFAULT_VAULT_IDENTITY: the label of a secret given without one, and of a 1.1 file. */
export const DEFAULT_VAULT_ID = 'default';

const LINE = 80;
const ITERATIONS = 10000;
const SALT_BYTES = 32;

export interface VaultEnvelope {
  version: string;
  cipher: string;
  /** The label in a 1.2 header; DEFAULT_VAULT_ID for 1.1. Not authenticated: only a hint for which secret to try. */
  vaultId: string;
  /** The hex body with the line breaks removed. */
  body: string;
}

/** A vault envelope that is not well formed (bad header, non-hex body, missing parts). */
export class VaultFormatError extends Error {}

/** True when text (or bytes) starts with the vault header, as Ansible's is_encrypted. */
export function isVaultText(data: string | Buffer): boolean {
  const head = typeof data === 'string' ? data.slice(0, VAULT_HEADER.length) : data.subarray(0, VAULT_HEADER.length).toString('latin1');
  return head === VAULT_HEADER;
}

export function parseVaultEnvelope(text: string): VaultEnvelope {
  const lines = text.split(/\r\n|\r|\n/);
  const header = lines[0]!.trim().split(';');
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError('not a vault header ($ANSIBLE_VAULT;1.1;AES256 expected)');
  const cipher = header[2]!.trim();
  if (cipher !== 'AES256') throw new VaultFormatError(`cipher ${cipher} is not supported (only AES256)`);
  const vaultId = header.length >= 4 ? header[3]!.trim() : DEFAULT_VAULT_ID;
  return { version: header[1]!.trim(), cipher, vaultId, body: lines.slice(1).join('').trim() };
}

function unhex(text: string, what: string): Buffer {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) throw new VaultFormatError(`the ${what} is not hexadecimal (truncated or damaged?)`);
  return Buffer.from(text, 'hex');
}

interface VaultParts {
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

function splitBody(body: string): VaultParts {
  const inner = unhex(body, 'vault body').toString('latin1');
  const [salt, hmac, ciphertext] = splitTwice(inner);
  if (salt === undefined || hmac === undefined || ciphertext === undefined) throw new VaultFormatError('the vault body is truncated (salt, HMAC and ciphertext expected)');
  return { salt: unhex(salt, 'salt'), hmac: unhex(hmac, 'HMAC'), ciphertext: unhex(ciphertext, 'ciphertext') };
}

// Python's split(b"\n", 2): the ciphertext keeps any further newline (and then fails the hex check, as in Ansible).
function splitTwice(text: string): (string | undefined)[] {
  const a = text.indexOf('\n');
  if (a < 0) return [text];
  const b = text.indexOf('\n', a + 1);
  if (b < 0) return [text.slice(0, a), text.slice(a + 1)];
  return [text.slice(0, a), text.slice(a + 1, b), text.slice(b + 1)];
}

function deriveKeys(password: Buffer, salt: Buffer) {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 80, 'sha256');
  return { aesKey: derived.subarray(0, 32), hmacKey: derived.subarray(32, 64), iv: derived.subarray(64, 80) };
}

/** Encrypt bytes into a vault envelope; a vault ID other than "default" makes it format 1.2, as ansible-vault does. */
export function encryptVault(plaintext: Buffer | string, password: Buffer | string, options: { vaultId?: string; salt?: Buffer } = {}): string {
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const { aesKey, hmacKey, iv } = deriveKeys(Buffer.from(password), salt);
  const data = Buffer.from(plaintext);
  const padLength = 16 - (data.length % 16);
  const padded = Buffer.concat([data, Buffer.alloc(padLength, padLength)]);
  const cipher = createCipheriv('aes-256-ctr', aesKey, iv);
  const ciphertext = Buffer.concat([cipher.update(padded), cipher.final()]);
  const hmac = createHmac('sha256', hmacKey).update(ciphertext).digest();
  const inner = `${salt.toString('hex')}\n${hmac.toString('hex')}\n${ciphertext.toString('hex')}`;
  const body = Buffer.from(inner, 'latin1').toString('hex');
  const vaultId = options.vaultId && options.vaultId !== DEFAULT_VAULT_ID ? options.vaultId : undefined;
  const header = vaultId ? `${VAULT_HEADER};1.2;AES256;${vaultId}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += LINE) lines.push(body.slice(i, i + LINE));
  return `${lines.join('\n')}\n`;
}

/**
 * Decrypt an envelope's body with one password: the plaintext, or null when the HMAC does not match (a wrong password
 * or tampered data: the two cannot be told apart). Throws VaultFormatError when the body is malformed.
 */
export function decryptVaultBody(envelope: VaultEnvelope, password: Buffer | string): Buffer | null {
  const { salt, hmac, ciphertext } = splitBody(envelope.body);
  const { aesKey, hmacKey, iv } = deriveKeys(Buffer.from(password), salt);
  const expected = createHmac('sha256', hmacKey).update(ciphertext).digest();
  if (hmac.length !== expected.length || !timingSafeEqual(hmac, expected)) return null;
  const decipher = createDecipheriv('aes-256-ctr', aesKey, iv);
  const padded = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  const padLength = padded.length > 0 ? padded[padded.length - 1]! : 0;
  if (padLength < 1 || padLength > 16 || padLength > padded.length || !padded.subarray(padded.length - padLength).every((b) => b === padLength)) {
    throw new VaultFormatError('the decrypted data has invalid padding');
  }
  return padded.subarray(0, padded.length - padLength);
}
