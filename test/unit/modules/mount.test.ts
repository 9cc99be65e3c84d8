// mount's fstab edits against ansible.posix's _set_mount_save_old / unset_mount behaviour (the lab differential test
// checks the same on real hosts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { entryOf, escapeFstab, escapeMountinfo, setFstabEntry, unsetFstabEntry, type MountArgs } from '../../../src/modules/mount.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argsOf, runSh, stateModule } from './support.js';
import { validateArgs } from '../../../src/modules/registry.js';

const args = (raw: Record<string, unknown>) => argsOf<MountArgs>('mount', raw);
const FSTAB = '# comment\nUUID=1 / ext4 errors=remount-ro 0 1\n\ntmpfs /mnt/x tmpfs size=1m 0 0\nbad line\n';

test('escapes as ansible.posix and mountinfo do', () => {
  assert.equal(escapeFstab('/a b&c\\d'), '/a\\040b\\046c\\134d');
  assert.equal(escapeMountinfo('/a b\tc\\'), '/a\\040b\\011c\\134');
});

test('an entry is added, updated field by field, or left byte for byte', () => {
  assert.equal(setFstabEntry(FSTAB, args({ path: '/mnt/y', src: 'tmpfs', fstype: 'tmpfs', state: 'present' })), `${FSTAB}tmpfs /mnt/y tmpfs defaults 0 0\n`);
  assert.equal(
    setFstabEntry(FSTAB, args({ path: '/mnt/x', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=2m', state: 'present', passno: '2' })),
    FSTAB.replace('tmpfs /mnt/x tmpfs size=1m 0 0', 'tmpfs /mnt/x tmpfs size=2m 0 2'),
  );
  assert.equal(setFstabEntry(FSTAB, args({ path: '/mnt/x', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'present' })), FSTAB);
  // A missing final newline stays missing when nothing changes.
  assert.equal(setFstabEntry('tmpfs /mnt/x tmpfs size=1m 0 0', args({ path: '/mnt/x', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'present' })), 'tmpfs /mnt/x tmpfs size=1m 0 0');
});

test('removal matches the mount point (6-field lines only), keeping everything else', () => {
  assert.equal(unsetFstabEntry(FSTAB, args({ path: '/mnt/x', state: 'absent' })), FSTAB.replace('tmpfs /mnt/x tmpfs size=1m 0 0\n', ''));
  assert.equal(unsetFstabEntry(FSTAB, args({ path: '/mnt/none', state: 'absent' })), FSTAB);
});

test('boot: false adds noauto unless opts has defaults', () => {
  assert.equal(entryOf(args({ path: '/m', src: 's', fstype: 't', opts: 'ro', boot: false, state: 'present' })).opts, 'ro,noauto');
  assert.equal(entryOf(args({ path: '/m', src: 's', fstype: 't', boot: false, state: 'present' })).opts, 'defaults');
});

test('path: none names a swap entry by its src, as ansible.posix does (the swap roles idiom); nothing to unmount', () => {
  const fstab = 'UUID=1 / ext4 defaults 0 1\nUUID=2 none swap sw 0 0\n/swapfile none swap sw 0 0\n';
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-mount-none-'));
  try {
    writeFileSync(join(dir, 'fstab'), fstab);
    writeFileSync(join(dir, 'none'), ''); // a relative "none" in the probe's working directory is not the mount point
    const a = args({ path: 'none', src: '/swapfile', fstype: 'swap', state: 'absent', fstab: join(dir, 'fstab') });
    assert.equal(unsetFstabEntry(fstab, a), 'UUID=1 / ext4 defaults 0 1\nUUID=2 none swap sw 0 0\n');
    const m = stateModule('mount');
    const state = m.parse(runSh(m.probe(a as never)!, dir), a as never);
    const ops = (m.plan(a as never, state) as { op: string }[]).map((c) => c.op);
    assert.deepEqual(ops, ['write'], 'the entry goes; no umount or rmdir of a relative "none"');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(setFstabEntry('', args({ path: 'none', src: '/swap.img', fstype: 'swap', opts: 'sw', state: 'present' })), '/swap.img none swap sw 0 0\n');
  for (const raw of [
    { path: 'none', src: '/swapfile', fstype: 'swap', state: 'mounted' },
    { path: 'none', src: 'tmpfs', fstype: 'tmpfs', state: 'absent' },
    { path: 'swap', src: '/swapfile', fstype: 'swap', state: 'absent' },
  ]) {
    assert.equal(validateArgs('mount', raw).ok, false, JSON.stringify(raw));
  }
});
