// Differential module tests: the same playbook applied with Debian's ansible-playbook to one lab host and with
// `tsinfra play` to its twin, then the two hosts (and what each registered) compared. The playbook targets `all`;
// Ansible gets an inventory of its one host (lab key, lab known_hosts, strict checking, python3), tsinfra the lab's
// inventory with --limit. A task can leave its registered value on the host with `dumpTask` for `registeredOn`.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonLines, tsinfra } from './cli.js';
import { findHost, hostExec, run, type LabInfo } from './lab.js';

export const ANSIBLE_PLAYBOOK = (await run('sh', ['-c', 'command -v ansible-playbook'])).stdout.trim();
// The oracle is required, never skipped: a missing ansible fails every twin test with the fix.
if (!ANSIBLE_PLAYBOOK) throw new Error("ansible-playbook is missing: run scripts/setup.sh (it installs Debian's ansible, the oracle of the twin tests)");

export interface PlayOutcome {
  code: number | null;
  /** The host's recap counts. */
  ok: number;
  changed: number;
  failed: number;
  output: string;
}

// Made on first use, removed at exit (a top-level after() here would run once the first test is done).
let made: string | undefined;
function workDir(): string {
  if (made === undefined) {
    const d = (made = mkdtempSync(join(tmpdir(), 'tsinfra-ansible-twin-')));
    process.once('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return made;
}
let count = 0;

function writeBook(text: string): string {
  const path = join(workDir(), `book-${++count}.yaml`);
  writeFileSync(path, text);
  return path;
}

/** ansible-playbook BOOK on `host` alone; `check` adds --check. */
export async function ansiblePlay(lab: LabInfo, host: string, book: string, options: { check?: boolean } = {}): Promise<PlayOutcome> {
  const h = findHost(lab, host);
  const dir = workDir();
  const inventory = join(dir, `hosts-${host}.ini`);
  // An empty configuration: no ansible.cfg of the machine or the working directory changes the run.
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  const sshArgs = `-o UserKnownHostsFile=${lab.knownHostsPath} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`;
  writeFileSync(
    inventory,
    `${host} ansible_host=${h.sshAddress} ansible_user=root ansible_ssh_private_key_file=${lab.privateKeyPath} ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='${sshArgs}'\n`,
  );
  const r = await run(
    'env',
    [
      `ANSIBLE_LOCAL_TEMP=${join(dir, 'tmp')}`, `ANSIBLE_SSH_CONTROL_PATH_DIR=${join(dir, 'cp')}`, 'ANSIBLE_NOCOLOR=1',
      // Pipelining: one ssh exec per task instead of four (put, chmod, run, rm); modules behave the same.
      `ANSIBLE_CONFIG=${join(dir, 'ansible.cfg')}`, 'ANSIBLE_RETRY_FILES_ENABLED=0', 'ANSIBLE_PIPELINING=1',
      ANSIBLE_PLAYBOOK, '-i', inventory, writeBook(book), ...(options.check ? ['--check'] : []),
    ],
    '',
    // A hang guard, not a target: ansible-playbook spends about a second per task, several on a loaded machine.
    540_000,
  );
  const output = r.stdout + r.stderr;
  const m = new RegExp(`^${host}\\s+:\\s+ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=\\d+\\s+failed=(\\d+)`, 'm').exec(r.stdout);
  assert.ok(m, `no recap for ${host} from ansible-playbook:\n${output.slice(-3000)}`);
  return { code: r.code, ok: Number(m[1]), changed: Number(m[2]), failed: Number(m[3]), output };
}

/** tsinfra play BOOK --limit host; `check` adds --check. */
export async function tsinfraPlay(lab: LabInfo, host: string, book: string, options: { check?: boolean } = {}): Promise<PlayOutcome> {
  const r = await tsinfra(['play', writeBook(book), '-i', lab.inventoryPath, '--limit', host, '--json', ...(options.check ? ['--check'] : [])], { timeoutMs: 600_000 });
  const output = r.stdout + r.stderr;
  const recap = jsonLines(r.stdout).find((e) => e.type === 'recap');
  const counts = (recap?.hosts as Record<string, Record<string, number>> | undefined)?.[host];
  assert.ok(counts, `no recap for ${host} from tsinfra:\n${output.slice(-3000)}`);
  return { code: r.code, ok: counts.ok ?? 0, changed: counts.changed ?? 0, failed: counts.failed ?? 0, output };
}

const DUMP_DIR = '/tmp/tsinfra-twin';

/** A task writing the registered variable `name` as JSON on the host (for registeredOn). */
export function dumpTask(name: string): string {
  return [
    `    - name: dump ${name}`,
    `      copy: { content: "{{ ${name} | to_json }}", dest: "${DUMP_DIR}-${name}.json" }`,
    '',
  ].join('\n');
}

/** What `dumpTask(name)` left on the host. */
export async function registeredOn(lab: LabInfo, host: string, name: string): Promise<Record<string, unknown>> {
  const r = await hostExec(lab, host, `cat ${DUMP_DIR}-${name}.json`);
  assert.equal(r.code, 0, `no registered ${name} on ${host}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Both runs exited 0 (with the output of the one that did not). */
export function assertBothSucceeded(ansible: PlayOutcome, ours: PlayOutcome): void {
  assert.equal(ansible.code, 0, `ansible-playbook failed:\n${ansible.output.slice(-3000)}`);
  assert.equal(ours.code, 0, `tsinfra failed:\n${ours.output.slice(-3000)}`);
}

/** Keys of `a` and `b` whose values differ (as Python compares: a dict's key order does not count), except `ignore`; and keys only one has. */
export function differences(a: Record<string, unknown>, b: Record<string, unknown>, ignore: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (ignore.includes(k)) continue;
    if (!(k in a)) out.push(`${k}: only ansible has it (${JSON.stringify(b[k])})`);
    else if (!(k in b)) out.push(`${k}: only tsinfra has it (${JSON.stringify(a[k])})`);
    else if (!isDeepStrictEqual(a[k], b[k])) out.push(`${k}: tsinfra ${JSON.stringify(a[k])} ansible ${JSON.stringify(b[k])}`);
  }
  return out;
}

/** Each case's registered keys on both hosts: how many agree, and each disagreement as `case.key: …`. */
export async function compareRegistered(
  lab: LabInfo,
  hosts: { ansible: string; ours: string },
  cases: readonly (readonly [name: string, args: string, keys: readonly string[]])[],
): Promise<{ agreed: number; disagree: string[] }> {
  let agreed = 0;
  const disagree: string[] = [];
  for (const [name, , keys] of cases) {
    const pick = (r: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, r[k]]));
    const d = differences(pick(await registeredOn(lab, hosts.ours, name)), pick(await registeredOn(lab, hosts.ansible, name)));
    disagree.push(...d.map((x) => `${name}.${x}`));
    agreed += keys.length - d.length;
  }
  return { agreed, disagree };
}

/** A batch twin test's case: its name, module, arguments, the registered keys compared, and anything else. */
export type TwinCase = readonly [name: string, module: string, args: string, keys: readonly string[], ...rest: unknown[]];

/**
 * Every case's keys, as registered by each run (`all` holds the results by case name, as a `twin_all` dump does),
 * `comparable` applied to both first: the disagreements as `case.key: …`, and per module how many of the keys
 * compared agree (for the log).
 */
export function compareCases(
  all: { theirs: Record<string, unknown>; ours: Record<string, unknown> },
  cases: readonly TwinCase[],
  comparable: (r: Record<string, unknown>) => Record<string, unknown> = (r) => r,
): { disagree: string[]; summary: string } {
  const perModule = new Map<string, { agreed: number; keys: number }>();
  const disagree: string[] = [];
  for (const [name, module, , keys] of cases) {
    const pick = (r: Record<string, unknown>) => Object.fromEntries(keys.filter((k) => k in r).map((k) => [k, r[k]]));
    const a = pick(comparable(all.theirs[name] as Record<string, unknown>));
    const b = pick(comparable(all.ours[name] as Record<string, unknown>));
    const d = differences(b, a);
    disagree.push(...d.map((x) => `${name}.${x}`.slice(0, 600)));
    const m = perModule.get(module) ?? { agreed: 0, keys: 0 };
    const compared = new Set([...Object.keys(a), ...Object.keys(b)]).size;
    perModule.set(module, { agreed: m.agreed + compared - d.length, keys: m.keys + compared });
  }
  return { disagree, summary: [...perModule].map(([m, n]) => `${m} ${n.agreed}/${n.keys}`).join(', ') };
}
