// ~/.ssh/config: the subset users rely on when they point an orchestrator at their hosts.
// First value wins per keyword (OpenSSH's rule), except IdentityFile, which accumulates.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';

export interface SshConfigHost {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  proxyJump?: string;
  strictHostKeyChecking?: string;
  userKnownHostsFiles?: string[];
  connectTimeoutSec?: number;
  serverAliveIntervalSec?: number;
  identityAgent?: string;
  identitiesOnly?: boolean;
}

interface Block {
  patterns: string[];
  options: [keyword: string, value: string][];
}

function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of line.matchAll(re)) out.push(m[1] ?? m[2] ?? '');
  return out;
}

export function parseSshConfig(text: string, baseDir = join(homedir(), '.ssh'), depth = 0): Block[] {
  const blocks: Block[] = [{ patterns: ['*'], options: [] }];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^(\S+?)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const keyword = m[1]!.toLowerCase();
    const rest = m[2] ?? '';
    if (keyword === 'host') {
      blocks.push({ patterns: tokens(rest), options: [] });
    } else if (keyword === 'match') {
      // Match blocks are not supported: give them a pattern nothing matches rather than misapply them.
      blocks.push({ patterns: ['!*'], options: [] });
    } else if (keyword === 'include' && depth < 8) {
      for (const pattern of tokens(rest)) {
        const full = isAbsolute(pattern) ? pattern : join(baseDir, expandTilde(pattern).replace(/^~\//, ''));
        for (const file of expandIncludeGlob(expandTilde(full))) {
          blocks[blocks.length - 1]!.options.push(...parseSshConfig(readFileSync(file, 'utf8'), baseDir, depth + 1).flatMap((b) => (b.patterns.includes('*') ? b.options : [])));
        }
      }
    } else {
      blocks[blocks.length - 1]!.options.push([keyword, rest.replace(/^"(.*)"$/, '$1')]);
    }
  }
  return blocks;
}

/** Include accepts a wildcard in the file name only (`config.d/*`), which is what people write. */
function expandIncludeGlob(path: string): string[] {
  if (!/[*?]/.test(basename(path))) return existsSync(path) ? [path] : [];
  const dir = dirname(path);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => patternMatches(basename(path), f)).sort().map((f) => join(dir, f));
}

function patternMatches(pattern: string, host: string): boolean {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i').test(host);
}

function blockMatches(block: Block, host: string): boolean {
  let matched = false;
  for (const p of block.patterns) {
    if (p.startsWith('!')) {
      if (patternMatches(p.slice(1), host)) return false;
    } else if (patternMatches(p, host)) {
      matched = true;
    }
  }
  return matched;
}

export function expandTilde(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** `%h`, `%d`, `%u`, `%%` as OpenSSH expands them in IdentityFile and friends. */
function expandTokens(value: string, host: string, user: string | undefined): string {
  return expandTilde(value).replace(/%([%hdur])/g, (_, t: string) => {
    if (t === '%') return '%';
    if (t === 'h') return host;
    if (t === 'd') return homedir();
    return user ?? process.env.USER ?? 'root';
  });
}

export function resolveSshConfig(blocks: Block[], host: string): SshConfigHost {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  const knownHosts: string[] = [];
  for (const block of blocks) {
    if (!blockMatches(block, host)) continue;
    for (const [keyword, value] of block.options) {
      if (keyword === 'identityfile') identityFiles.push(value);
      else if (keyword === 'userknownhostsfile' && knownHosts.length === 0) knownHosts.push(...tokens(value));
      else if (!first.has(keyword)) first.set(keyword, value);
    }
  }
  const hostName = first.get('hostname')?.replace(/%h/g, host);
  const user = first.get('user');
  const num = (k: string) => {
    const v = first.get(k);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  };
  const agent = first.get('identityagent');
  return {
    hostName,
    user,
    port: num('port'),
    identityFiles: identityFiles.map((f) => expandTokens(f, hostName ?? host, user)),
    proxyJump: first.get('proxyjump'),
    strictHostKeyChecking: first.get('stricthostkeychecking')?.toLowerCase(),
    userKnownHostsFiles: knownHosts.length ? knownHosts.map((f) => expandTokens(f, hostName ?? host, user)) : undefined,
    connectTimeoutSec: num('connecttimeout'),
    serverAliveIntervalSec: num('serveraliveinterval'),
    identityAgent: agent === undefined ? undefined : agent === 'SSH_AUTH_SOCK' ? process.env.SSH_AUTH_SOCK : expandTokens(agent, host, user),
    identitiesOnly: first.get('identitiesonly')?.toLowerCase() === 'yes' ? true : undefined,
  };
}

/** Loads ~/.ssh/config (or another file); a missing file is an empty config. */
export function loadSshConfig(file = join(homedir(), '.ssh', 'config')): Block[] {
  if (!existsSync(file)) return [];
  return parseSshConfig(readFileSync(file, 'utf8'), dirname(resolve(file)));
}

export type SshConfig = Block[];
