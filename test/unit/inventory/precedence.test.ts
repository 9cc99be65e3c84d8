import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load.js';
import { FIXTURES } from './inventory-helpers.js';

const DIR = join(FIXTURES, 'precedence');
const HOSTS = join(DIR, 'hosts.ini');

test('merge order: all < parent < child groups; same depth by ansible_group_priority, then name', async () => {
  const inv = await loadInventory(DIR);
  const web1 = inv.hosts.get('web1')!;
  // depth first (web is inside prod), then priority (urgent=10), then name
  assert.deepEqual(web1.groups, ['all', 'alpha', 'beta', 'prod', 'zeta', 'urgent', 'web']);
  assert.equal(web1.vars.by_depth, 'web', 'the deeper group wins over all, prod and zeta');
  assert.equal(web1.origins.by_depth, `${HOSTS}:23:1 (group web)`);
  assert.equal(web1.vars.by_name, 'beta', 'same depth, same priority: the later name wins');
  assert.equal(web1.origins.by_name, `${HOSTS}:38:1 (group beta)`);
  assert.equal(web1.vars.by_priority, 'urgent', 'ansible_group_priority beats the name order');
});

test('group_vars files beat inventory-file group vars; host vars beat both; host_vars beat inline', async () => {
  const inv = await loadInventory(DIR);
  const web1 = inv.hosts.get('web1')!;
  const web2 = inv.hosts.get('web2')!;
  assert.equal(web1.vars.level, 'host-file');
  assert.equal(web1.origins.level, `${join(DIR, 'host_vars', 'web1.yml')}:2:1 (host web1)`);
  // Ansible's levels: every inventory-file group var < group_vars/all < group_vars/<group>
  assert.equal(web2.vars.level, 'all-file');
  assert.equal(web2.origins.level, `${join(DIR, 'group_vars', 'all.yml')}:1:1 (group all)`);
  assert.equal(web2.vars.file_beats_inventory, 'all-file');
  // a group_vars directory: files in name order, later ones win
  assert.equal(web2.vars.dir_order, 'b');
  assert.equal(web2.origins.dir_order, `${join(DIR, 'group_vars', 'web', 'b.yaml')}:1:1 (group web)`);
  assert.equal(web2.vars.from_web_dir, true);
  assert.equal(web2.vars.shadowed, undefined, 'group_vars/web/ wins over group_vars/web.yml, as in Ansible');
  // the group itself: its own inventory vars, then its group_vars
  const web = inv.groups.get('web')!;
  assert.equal(web.vars.level, 'web-inventory');
  assert.equal(web.origins.level, `${HOSTS}:22:1 (group web)`);
  assert.equal(web.vars.dir_order, 'b');
});

test('ansible_group_priority in group_vars does not reorder groups, and odd files are reported', async () => {
  const inv = await loadInventory(DIR);
  assert.equal(inv.hosts.get('web1')!.vars.by_priority, 'urgent', 'zeta sets priority 99 in group_vars, which Ansible ignores');
  const warnings = inv.warnings ?? [];
  assert.ok(warnings.some((w) => w.startsWith(join(DIR, 'group_vars', 'zeta.yml:1:1')) && w.includes('no effect')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.startsWith(join(DIR, 'group_vars', 'web.yml')) && w.includes('ignored because')), warnings.join('\n'));
  assert.ok(warnings.some((w) => w.startsWith(join(DIR, 'group_vars', 'ghost.yml')) && w.includes('no group of that name')), warnings.join('\n'));
});

test('loading the file instead of the directory finds the same group_vars beside it', async () => {
  const fromFile = await loadInventory(HOSTS);
  const fromDir = await loadInventory(DIR);
  assert.deepEqual(fromFile.hosts.get('web1')!.vars, fromDir.hosts.get('web1')!.vars);
});

test('group_vars/ and host_vars/ beside the playbook: above those beside the inventory, at each level, with their origin', async () => {
  const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-playbook-vars-'));
  try {
    const write = (path: string, text: string) => {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    write('inv/hosts.ini', '[web]\nw1 inline=host-inline\n[web:vars]\nchild_inv=web-inventory\n');
    write('inv/group_vars/all.yml', 'all_pair: inv-all\nall_vs_child: inv-all\ninline: inv-all\n');
    write('inv/group_vars/web.yml', 'web_pair: inv-web\nall_vs_child: inv-web\n');
    write('inv/host_vars/w1.yml', 'host_pair: inv-host\n');
    write('play/group_vars/all.yml', 'all_pair: play-all\nall_vs_child: play-all\nchild_inv: play-all\n');
    write('play/group_vars/web.yml', 'web_pair: play-web\n');
    write('play/group_vars/nothere.yml', 'x: 1\n');
    write('play/host_vars/w1.yml', 'host_pair: play-host\n');
    const inv = await loadInventory(join(dir, 'inv', 'hosts.ini'), { playbookDir: join(dir, 'play') });
    const w1 = inv.hosts.get('w1')!;
    assert.deepEqual(
      [w1.vars.all_pair, w1.vars.web_pair, w1.vars.host_pair, w1.vars.all_vs_child, w1.vars.child_inv, w1.vars.inline],
      ['play-all', 'play-web', 'play-host', 'inv-web', 'play-all', 'host-inline'],
    );
    assert.equal(w1.origins.web_pair, `${join(dir, 'play', 'group_vars', 'web.yml')}:1:1 (group web)`);
    assert.equal(w1.origins.host_pair, `${join(dir, 'play', 'host_vars', 'w1.yml')}:1:1 (host w1)`);
    assert.deepEqual(inv.warnings, [], 'a playbook group_vars/ file for a group of another inventory is no mistake');
    const same = await loadInventory(join(dir, 'inv', 'hosts.ini'), { playbookDir: join(dir, 'inv') });
    assert.equal(same.hosts.get('w1')!.vars.all_pair, 'inv-all', 'the inventory directory as playbook directory: read once');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
