// setup's filter is Ansible's: fnmatch patterns (checked against Python's fnmatch.fnmatchcase), each tried as given
// and with `ansible_` in front; the facts come from the engine (ActionIO.gatherFacts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { filterFacts } from '../../../src/modules/setup.js';
import { fnmatchRegExp } from '../../../src/text/fnmatch.js';
import { getModule } from '../../../src/modules/registry.js';
import type { ActionModule } from '../../../src/modules/define.js';
import { argsOf, localIO } from './support.js';

const PYTHON = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();

test('fnmatchRegExp matches as Python fnmatch.fnmatchcase does', { skip: !PYTHON && 'no python3' }, () => {
  const patterns = ['ansible_*', '*_mb', 'pkg_[lm]gr', 'pkg_[!l]gr', 'a?c', '[', 'x[', '[]]', '[!]]x', 'a.b', 'a+b', '*[0-9]', 'a\\b', '[a-c]*', '^a$'];
  const names = ['ansible_os_family', 'memtotal_mb', 'pkg_mgr', 'pkg_lgr', 'abc', 'ac', '[', 'x[', ']', 'ax', ']x', 'a.b', 'axb', 'a+b', 'eth0', 'a\\b', 'bz', '^a$', 'ansible_'];
  const python = spawnSync(PYTHON, ['-c', 'import fnmatch, json, sys; p, n = json.loads(sys.argv[1]); print(json.dumps([[fnmatch.fnmatchcase(x, q) for x in n] for q in p]))', JSON.stringify([patterns, names])], { encoding: 'utf8' });
  assert.equal(python.status, 0, python.stderr);
  const expected = JSON.parse(python.stdout) as boolean[][];
  patterns.forEach((p, i) => names.forEach((n, j) => assert.equal(fnmatchRegExp(p).test(n), expected[i]![j], `${p} vs ${n}`)));
});

test('filterFacts: Ansible\'s rules (ansible_ implied, empty or * is everything)', () => {
  const facts = { ansible_hostname: 'a', ansible_os_family: 'Debian', ansible_memtotal_mb: 1, gather_subset: ['all'], module_setup: true };
  assert.deepEqual(filterFacts(facts, []), facts);
  assert.deepEqual(filterFacts(facts, ['*']), facts);
  assert.deepEqual(filterFacts(facts, ['hostname']), { ansible_hostname: 'a' });
  assert.deepEqual(filterFacts(facts, ['ansible_os*', '*_mb']), { ansible_os_family: 'Debian', ansible_memtotal_mb: 1 });
  assert.deepEqual(filterFacts(facts, ['ansible_nothing']), {});
  assert.deepEqual(filterFacts(facts, ['module_*']), { module_setup: true });
});

test('setup registers the engine\'s facts, filtered, with gather_subset as given; never changed', async () => {
  const setup = getModule('setup') as ActionModule;
  let gathered = 0;
  const io = localIO({ gatherFacts: async () => (gathered++, { ansible_hostname: 'h', ansible_distribution: 'Debian', gather_subset: ['all'], module_setup: true }) });
  const all = await setup.run(argsOf('setup', { gather_subset: '!all,network' }), io);
  assert.deepEqual(all, { changed: false, failed: false, ansible_facts: { ansible_hostname: 'h', ansible_distribution: 'Debian', gather_subset: ['!all', 'network'], module_setup: true } });
  const some = await setup.run(argsOf('setup', { filter: 'distribution' }), io);
  assert.deepEqual(some.ansible_facts, { ansible_distribution: 'Debian' });
  assert.equal(gathered, 2);
  assert.equal(setup.checkMode, 'run');
  const none = await setup.run(argsOf('setup', {}), localIO());
  assert.equal(none.failed, true);
});

test('setup arguments: only the default fact_path', () => {
  assert.equal(getModule('setup')?.kind, 'action');
  const r = argsOf<{ filter: string[] }>('setup', { filter: ['a*', 'b'], fact_path: '/etc/ansible/facts.d/' });
  assert.deepEqual(r.filter, ['a*', 'b']);
  assert.throws(() => argsOf('setup', { fact_path: '/opt/facts' }), /only fact_path \/etc\/ansible\/facts.d is supported/);
});
