// Keys: the controller's lab key (ssh-keygen, as a user would make it) and a fresh ed25519 host key per host per
// `up` (generated in-process: hundreds of ssh-keygen runs would dominate a 200-host lab's start).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from './run-tool.js';

export interface KeyPair {
  privateKey: string;
  /** `ssh-ed25519 AAAA...` without a comment. */
  publicKey: string;
}

export interface ControllerKey {
  privateKeyPath: string;
  publicKeyPath: string;
  publicKey: string;
}

export async function createControllerKey(stateDir: string, labName: string): Promise<ControllerKey> {
  const privateKeyPath = join(stateDir, 'id_ed25519');
  const publicKeyPath = `${privateKeyPath}.pub`;
  if (!existsSync(privateKeyPath)) {
    await runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `tsinfra-lab-${labName}`, '-f', privateKeyPath]);
  }
  return { privateKeyPath, publicKeyPath, publicKey: readFileSync(publicKeyPath, 'utf8').trim() };
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** OpenSSH's unencrypted private key format (PROTOCOL.key in OpenSSH's sources), for one ed25519 key. */
function openSshPrivateKey(seed: Buffer, pub: Buffer, comment: string): string {
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let secret = Buffer.concat([check, check, sshString('ssh-ed25519'), sshString(pub), sshString(Buffer.concat([seed, pub])), sshString(comment)]);
  const padding = Buffer.from(Array.from({ length: (8 - (secret.length % 8)) % 8 }, (_, i) => i + 1));
  secret = Buffer.concat([secret, padding]);
  const body = Buffer.concat([Buffer.from('openssh-key-v1\0'), sshString('none'), sshString('none'), sshString(''), uint32(1), sshString(publicBlob), sshString(secret)]);
  const lines = body.toString('base64').match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

export function generateHostKey(comment = ''): KeyPair {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from(jwk.x ?? '', 'base64url');
  const publicBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  return { privateKey: openSshPrivateKey(seed, pub, comment), publicKey: `ssh-ed25519 ${publicBlob.toString('base64')}` };
}

/** One `ADDRESS ssh-ed25519 AAAA...` line per address: simple to read for any client. */
export function knownHostsLines(addresses: readonly string[], publicKey: string): string[] {
  return addresses.map((a) => `${a} ${publicKey}`);
}

export function writeKnownHosts(path: string, lines: readonly string[]): void {
  writeFileSync(path, lines.length ? `${lines.join('\n')}\n` : '', { mode: 0o644 });
}
