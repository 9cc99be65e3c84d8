// savedLine (iptables-rules.ts) against real iptables and ip6tables: for each rule, add it with exactly the words
// the module's apply uses, then read the chain back with `-S`. Where savedLine predicts a line, it must be the line
// iptables printed (a wrong prediction would make the probe call a present rule absent, or worse); where it cannot
// be sure it must say so (undefined), and the probe asks `iptables -C` instead. Runs in a network namespace of its
// own, so the controller's rules are never touched.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { validateArgs } from '../../../src/modules/registry.js';
import { ruleWords, savedLine, type IptablesSpec } from '../../../src/modules/iptables/iptables-rules.js';

const NETNS = `tsican-${process.pid}`;
before(() => execFileSync('ip', ['netns', 'add', NETNS]));
after(() => execFileSync('ip', ['netns', 'delete', NETNS]));

function inNetns(bin: string, args: string[]): string {
  return execFileSync('ip', ['netns', 'exec', NETNS, bin, ...args], { encoding: 'utf8' });
}

function spec(raw: Record<string, unknown>): IptablesSpec {
  const v = validateArgs('iptables', { chain: 'INPUT', ...raw });
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.problems));
  return v.args as IptablesSpec;
}

/** Adds the rule as the module would and returns the line `-S` prints for it. */
function printed(s: IptablesSpec): string {
  const bin = s.ip_version === 'ipv6' ? 'ip6tables' : 'iptables';
  inNetns(bin, ['-w', '-t', s.table, '-F', s.chain]);
  inNetns(bin, ['-w', '-t', s.table, '-A', s.chain, ...ruleWords(s)]);
  const lines = inNetns(bin, ['-w', '-t', s.table, '-S', s.chain]).trim().split('\n');
  return lines[lines.length - 1]!;
}

const PREDICTED: Record<string, unknown>[] = [
  { protocol: 'tcp', destination_port: '22', jump: 'ACCEPT' },
  { protocol: 'udp', destination_port: '9993', jump: 'ACCEPT' },
  { protocol: 'tcp', destination_port: '30000:32767', jump: 'ACCEPT' },
  { protocol: 'udp', source_port: '53', destination_port: '1024:65535', jump: 'ACCEPT' },
  { protocol: 'tcp', destination_port: '!22', source: '!10.0.0.0/8', jump: 'DROP' },
  { source: '10.0.0.0/8', jump: 'ACCEPT' },
  { source: '10.1.2.3', destination: '192.168.7.9/16', jump: 'ACCEPT' },
  { source: '0.0.0.0/0', jump: 'ACCEPT' },
  { in_interface: 'lo', jump: 'ACCEPT' },
  { in_interface: 'zt+', protocol: 'udp', destination_port: '9993', jump: 'ACCEPT' },
  { chain: 'FORWARD', in_interface: '!eth0', out_interface: 'wg+', jump: 'DROP' },
  { protocol: 'icmp', jump: 'ACCEPT' },
  { ctstate: ['ESTABLISHED', 'RELATED'], jump: 'ACCEPT' },
  { match: ['conntrack'], ctstate: ['NEW', 'INVALID'], jump: 'DROP' },
  { match: ['state'], ctstate: ['RELATED', 'ESTABLISHED'], jump: 'ACCEPT' },
  { protocol: 'tcp', match: ['conntrack'], ctstate: ['NEW'], destination_port: '6443', jump: 'ACCEPT' },
  { protocol: 'tcp', match: ['tcp'], destination_port: '443', jump: 'ACCEPT' },
  { protocol: 'tcp', destination_port: '22', ctstate: ['NEW'], comment: 'ssh from anywhere', jump: 'ACCEPT' },
  { protocol: 'tcp', destination_port: '23', comment: `it's "q" \\ $(x) ok`, jump: 'ACCEPT' },
  { comment: '', jump: 'ACCEPT' },
  { comment: 'plain-word_1', jump: 'RETURN' },
  { protocol: 'tcp', destination_port: '80' },
  { ip_version: 'ipv6', protocol: 'tcp', destination_port: '80', jump: 'ACCEPT' },
  { ip_version: 'ipv6', source: 'fd00:0:0::/64', protocol: 'udp', destination_port: '51820', jump: 'ACCEPT' },
  { ip_version: 'ipv6', source: '2001:db8::1', jump: 'DROP' },
  { table: 'nat', chain: 'PREROUTING', protocol: 'tcp', destination_port: '8080', jump: 'ACCEPT' },
];

const UNSURE: Record<string, unknown>[] = [
  { protocol: 'tcp', destination_port: 'http', jump: 'ACCEPT' }, // a service name
  { protocol: 'tcp', destination_port: '022', jump: 'ACCEPT' }, // iptables reads it as octal: 18
  { protocol: 'tcp', destination_port: '5:', jump: 'ACCEPT' }, // printed 5:65535
  { protocol: 'TCP', destination_port: '81', jump: 'ACCEPT' },
  { protocol: '6', destination_port: '82', jump: 'ACCEPT' },
  { protocol: 'all', jump: 'ACCEPT' },
  { jump: 'REJECT' }, // printed with --reject-with
  { protocol: 'tcp', match: ['multiport'], jump: 'ACCEPT' },
  { source: 'localhost', jump: 'ACCEPT' },
  { protocol: 'tcp', match: ['comment'], comment: 'y', jump: 'ACCEPT' }, // the module adds its own -m comment
  { source: '10.0.0.0/255.0.0.0', jump: 'ACCEPT' },
  { chain: 'FORWARD', policy: 'DROP' },
];

test('where savedLine predicts a rule, iptables prints exactly that line', () => {
  for (const raw of PREDICTED) {
    const s = spec(raw);
    const line = savedLine(s);
    assert.ok(line !== undefined, `expected a prediction for ${JSON.stringify(raw)}`);
    assert.equal(line, printed(s), JSON.stringify(raw));
  }
});

test('where the printed form is not certain, savedLine says so (and the probe asks iptables -C)', () => {
  for (const raw of UNSURE) assert.equal(savedLine(spec(raw)), undefined, JSON.stringify(raw));
});
