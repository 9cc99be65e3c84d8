// cluster_apply: runs the tool only when the config changed since the last successful run (or always), streams
// each line as it comes, fails clearly on a missing binary or a non-zero exit, and only reports in check mode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getModule } from '../../../src/modules/registry.js';
import type { ActionModule, RegisteredResult } from '../../../src/modules/define.js';
import { findBinary, INSTALL_HINTS, LineSplitter, parseStamp, setStreamOutput, stampPath } from '../../../src/modules/cluster-apply.js';
import { argsOf, localIO } from './support.js';

const mod = getModule('cluster_apply') as ActionModule;

interface Lab {
  dir: string;
  config: string;
  calls: string;
  tool: string;
  writes: { at: number; text: string }[];
  run(raw: Record<string, unknown>, options?: { check?: boolean }): Promise<RegisteredResult>;
  calledTimes(): number;
  cleanup(): void;
}

/** A temp dir with a config and a stand-in tool that records its arguments and prints two lines 400 ms apart. */
function lab(script?: string): Lab {
  const dir = mkdtempSync(join(tmpdir(), "tsinfra cluster 'apply' "));
  const config = join(dir, 'pharos-cluster.yml');
  const calls = join(dir, 'calls');
  const tool = join(dir, 'pharos');
  writeFileSync(config, 'hosts: []\n');
  writeFileSync(
    tool,
    script ??
      `#!/bin/sh\nprintf '%s|' "$@" >> '${calls.replace(/'/g, `'\\''`)}'; echo >> '${calls.replace(/'/g, `'\\''`)}'\n` +
        `echo "==> Sharpening tools ..."\necho "a warning" >&2\nsleep 0.4\nprintf "==> Cluster has been crafted!"\n`,
  );
  chmodSync(tool, 0o755);
  const writes: { at: number; text: string }[] = [];
  return {
    dir,
    config,
    calls,
    tool,
    writes,
    async run(raw, options = {}) {
      const prev = setStreamOutput({ write: (text: string) => writes.push({ at: Date.now(), text }) });
      try {
        const args = argsOf('cluster_apply', { binary: tool, args: ['up', '-c', config, '-y'], config, ...raw });
        return await mod.run(args, localIO({ isCheck: options.check === true }));
      } finally {
        setStreamOutput(prev);
      }
    },
    calledTimes: () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').length : 0),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('first run: runs the tool with its arguments, streams prefixed lines, records the stamp; then ok', async () => {
  const l = lab();
  try {
    const r = await l.run({});
    assert.equal(r.failed, false, String(r.msg));
    assert.equal(r.changed, true);
    assert.equal(r.rc, 0);
    assert.deepEqual(readFileSync(l.calls, 'utf8'), `up|-c|${l.config}|-y|\n`);
    assert.deepEqual(
      l.writes.map((w) => w.text),
      ['[pharos] ==> Sharpening tools ...\n', '[pharos] a warning\n', '[pharos] ==> Cluster has been crafted!\n'],
    );
    const first = l.writes[0]!;
    const last = l.writes[2]!;
    assert.ok(last.at - first.at >= 300, `lines arrive as printed, not at the end (${last.at - first.at} ms apart)`);
    assert.equal(r.stdout, '==> Sharpening tools ...\n==> Cluster has been crafted!');
    assert.deepEqual(r.stderr_lines, ['a warning']);
    assert.match(String(r.msg), /^ran: .*pharos' up -c .* -y \(in .*; pharos-cluster\.yml has not been applied successfully yet\)$/);
    const stamp = readFileSync(stampPath(l.config), 'utf8');
    assert.equal(parseStamp(stamp), (r.config_sha256 as string));

    const again = await l.run({});
    assert.equal(again.changed, false);
    assert.equal(again.failed, false);
    assert.match(String(again.msg), /unchanged since the last successful apply: pharos not run/);
    assert.equal(l.calledTimes(), 1);

    assert.equal((await l.run({ run: 'always' })).changed, true);
    assert.equal((await l.run({ config_changed: true })).changed, true);
    writeFileSync(l.config, 'hosts: [x]\n');
    const edited = await l.run({});
    assert.equal(edited.changed, true);
    assert.match(String(edited.msg), /differs from the last successful apply\)$/);
    assert.equal(l.calledTimes(), 4);
  } finally {
    l.cleanup();
  }
});

test('check mode shows the command it would run and runs nothing', async () => {
  const l = lab();
  try {
    const r = await l.run({}, { check: true });
    assert.equal(r.changed, true);
    assert.equal(r.failed, false);
    assert.match(String(r.msg), /^would run: '.*\/pharos' up -c '.*\/pharos-cluster\.yml' -y \(in .*; pharos-cluster\.yml has not been applied successfully yet\)$/);
    assert.equal(l.calledTimes(), 0);
    assert.equal(existsSync(stampPath(l.config)), false);
    rmSync(l.config);
    const fresh = await l.run({ config_changed: true }, { check: true });
    assert.equal(fresh.changed, true, 'a config only planned (check mode) is fine');
    const none = await l.run({});
    assert.equal(none.failed, true);
    assert.match(String(none.msg), /does not exist: write it first/);
  } finally {
    l.cleanup();
  }
});

test('a non-zero exit fails the task with the last line, keeps no stamp, and the next run retries', async () => {
  const l = lab('#!/bin/sh\necho "==> Starting to craft cluster ..."\necho "ERROR: ssh connect timed out" >&2\nexit 3\n');
  try {
    const r = await l.run({});
    assert.equal(r.failed, true);
    assert.equal(r.rc, 3);
    assert.match(String(r.msg), /pharos' up -c .* -y exited 3: ERROR: ssh connect timed out$/);
    assert.equal(existsSync(stampPath(l.config)), false);
    const retry = await l.run({});
    assert.equal(retry.failed, true, 'still not applied: runs again');
  } finally {
    l.cleanup();
  }
});

test('a timeout stops the tool', async () => {
  const l = lab('#!/bin/sh\necho started\nexec sleep 30\n');
  try {
    const started = Date.now();
    const r = await l.run({ timeout: 1 });
    assert.equal(r.failed, true);
    assert.match(String(r.msg), /stopped after the timeout of 1 s: started/);
    assert.ok(Date.now() - started < 10_000);
  } finally {
    l.cleanup();
  }
});

test('a missing binary is a clear error saying how to install it', async () => {
  const l = lab();
  try {
    const pharos = await l.run({ binary: 'pharos-not-here' });
    assert.equal(pharos.failed, true);
    assert.match(String(pharos.msg), /pharos-not-here was not found on PATH: install pharos-not-here/);
    const saved = process.env.PATH;
    process.env.PATH = l.dir.replace(/\/[^/]*$/, ''); // a PATH without the tool
    try {
      const p = await l.run({ binary: 'pharos' });
      assert.match(String(p.msg), /pharos was not found on PATH: pharos \(kontena\/pharos-cluster\) was archived in 2020 .* k0sctl .*https:\/\/github.com\/k0sproject\/k0sctl\/releases/);
      const k = await l.run({ binary: 'k0sctl' });
      assert.match(String(k.msg), /k0sctl was not found on PATH: install k0sctl from https:\/\/github.com\/k0sproject\/k0sctl\/releases/);
      const checked = await l.run({ binary: 'k0sctl' }, { check: true });
      assert.equal(checked.failed, true, 'check mode says so too');
    } finally {
      process.env.PATH = saved;
    }
    assert.match((await l.run({ binary: '/nonexistent/k0sctl' })).msg as string, /\/nonexistent\/k0sctl does not exist or is not executable: install k0sctl/);
    assert.ok(INSTALL_HINTS['pharos-cluster']);
  } finally {
    l.cleanup();
  }
});

test('helpers: PATH lookup, line splitting, stamps', async () => {
  assert.equal(await findBinary('sh', '/nonexistent:/bin'), '/bin/sh');
  assert.equal(await findBinary('no-such-tool-here', '/bin:/usr/bin'), undefined);
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  s.push('a\r\nb');
  s.push('c\n\nd');
  s.end();
  assert.deepEqual(lines, ['a', 'bc', '', 'd']);
  assert.equal(stampPath('/x/y/k0sctl.yaml'), '/x/y/.k0sctl.yaml.applied');
  assert.equal(parseStamp(`command=x\nsha256=${'a'.repeat(64)}\n`), 'a'.repeat(64));
  assert.equal(parseStamp('sha256=short\n'), undefined);
});
