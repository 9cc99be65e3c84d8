// group, cron, replace, getent, slurp, find and tempfile against Ansible's: one playbook with every case applied
// with ansible-playbook to master1 and with tsinfra to its twin master2, over identical fixtures. Compared: each
// case's registered keys (find's `files` without what differs between two hosts by nature: inode, dev, times) and
// the resulting state (groups, crontabs, cron files, edited files). Then a second tsinfra run reports changed=0
// (tempfile left out: it makes a new file on every run, in Ansible too), and a --check run after the state was
// disturbed reports the changes and makes none.
import { test } from 'node:test';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { hostExec, ok, run, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, compareCases, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const started = Date.now();
const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';
const T = '/var/tmp/twin';
// fetch's destination on the controller (both hosts' files land side by side: dest/<host>/…).
const D = mkdtempSync(join(tmpdir(), 'tsinfra-fetch-twin-'));
process.once('exit', () => rmSync(D, { recursive: true, force: true }));
// unarchive's controller archives: a tree with a subdirectory and a symbolic link, as tar.gz, tar.xz and zip.
const A = join(D, 'archives');
mkdirSync(join(A, 'src/pkg/sub'), { recursive: true });
writeFileSync(join(A, 'src/pkg/a.txt'), 'hello\n');
writeFileSync(join(A, 'src/pkg/sub/b.txt'), 'deep\n');
symlinkSync('a.txt', join(A, 'src/pkg/link'));
ok(await run('sh', ['-c', `cd ${A} && tar -czf pkg.tar.gz -C src pkg && tar -cJf pkg.tar.xz -C src pkg && cd src && zip -qry ../pkg.zip pkg`]), 'archives');

type Case = [name: string, module: string, args: string, keys: string[], options?: { always?: boolean }];

const GROUP = ['changed', 'name', 'state', 'system', 'gid'];
const CRON = ['changed', 'jobs', 'envs', 'warnings', 'cron_file', 'state'];
const REPLACE = ['changed', 'msg', 'rc'];
const FIND = ['changed', 'files', 'matched', 'examined', 'skipped_paths', 'msg'];
const FETCH = ['changed', 'md5sum', 'dest', 'checksum', 'remote_checksum', 'remote_md5sum', 'file', 'msg'];
const UNARCHIVE = ['changed', 'dest', 'handler', 'files', 'uid', 'gid', 'owner', 'group', 'mode', 'state', 'size', 'skipped', 'msg'];
const ASSEMBLE = ['changed', 'checksum', 'md5sum', 'dest', 'src', 'msg', 'uid', 'gid', 'owner', 'group', 'mode', 'state', 'size'];
const KNOWN = ['changed', 'name', 'key', 'path', 'hash_host', 'state', 'uid', 'gid', 'owner', 'group', 'mode', 'size'];
const [K1, K2, K3] = ['AAAAC3NzaC1lZDI1NTE5AAAAIJ0cyJxeGYmj76Wcq3es2FpZUwpwtncrrigJGK5fzY+c', 'AAAAC3NzaC1lZDI1NTE5AAAAIIIR5l1LFEvKShoBmKzezLOn5i40K8K7H/myxmM5j5zg', 'AAAAC3NzaC1lZDI1NTE5AAAAIF0iCQ7d7q9EgTSiqwoQwQSwmqbwL9CVKxG6J4blKv3a'].map((k) => `ssh-ed25519 ${k}`);
const TEMP = ['changed', 'state', 'mode', 'owner', 'group', 'uid', 'gid', 'size'];

const CASES: Case[] = [
  ['g_new', 'group', 'name=twin_g1 gid=2345', GROUP],
  ['g_system', 'group', '{ name: twin_gsys, system: true }', GROUP],
  ['g_mod', 'group', '{ name: twin_gmod, gid: 3100 }', GROUP],
  ['g_same', 'group', '{ name: twin_gmod, gid: 3100 }', GROUP],
  ['g_del', 'group', 'name=twin_gdel state=absent', GROUP],
  ['g_del_missing', 'group', 'name=twin_nothing state=absent', GROUP],
  ['c_job', 'cron', 'name=backup minute=5 hour=2 job=/usr/local/bin/backup.sh', CRON],
  ['c_env', 'cron', 'name=MAILTO env=yes job=admin@example.com', CRON],
  ['c_env_after', 'cron', '{ name: SHELL, env: true, job: /bin/sh, insertafter: MAILTO }', CRON],
  ['c_job_again', 'cron', 'name=backup minute=5 hour=2 job=/usr/local/bin/backup.sh', CRON],
  ['c_job_change', 'cron', '{ name: report, special_time: weekly, job: "/usr/bin/report --all" }', CRON],
  ['c_user', 'cron', '{ name: tick, user: nobody, minute: "*/10", job: "true", disabled: true }', CRON],
  ['c_file', 'cron', '{ name: twin, cron_file: twin-job, user: root, special_time: daily, job: "echo hi" }', CRON],
  ['c_file_absent', 'cron', 'name=old cron_file=twin-old state=absent', CRON],
  ['c_absent_missing', 'cron', 'name=never state=absent', CRON],
  ['r_basic', 'replace', `path=${T}/r1.conf regexp='^port=(\\d+)$' replace='listen=\\1'`, REPLACE],
  ['r_section', 'replace', `{ path: ${T}/r2.conf, after: '\\[other\\]', before: '\\[end\\]', regexp: '^key=.*$', replace: 'key=changed' }`, REPLACE],
  ['r_nomatch', 'replace', `{ path: ${T}/r3.conf, regexp: '^nothing$', replace: x }`, REPLACE],
  ['r_nosection', 'replace', `{ path: ${T}/r3.conf, after: '^\\[nowhere\\]', regexp: 'port', replace: x }`, REPLACE],
  ['r_mode', 'replace', `{ path: ${T}/r4.conf, regexp: 'host=a', replace: 'host=b', mode: '0600' }`, REPLACE],
  ['ge_passwd', 'getent', 'database=passwd key=root', ['changed', 'ansible_facts']],
  ['ge_group', 'getent', '{ database: group, key: twin_g1 }', ['changed', 'ansible_facts']],
  ['ge_hosts', 'getent', '{ database: hosts, key: localhost }', ['changed', 'ansible_facts']],
  ['ge_missing', 'getent', '{ database: passwd, key: twin-nobody, fail_key: false }', ['changed', 'ansible_facts', 'msg']],
  ['s_file', 'slurp', `src=${T}/slurp.bin`, ['changed', 'content', 'encoding', 'source']],
  ['f_logs', 'find', `paths=${T}/tree patterns=*.log`, FIND],
  ['f_recurse', 'find', `{ paths: [${T}/tree, ${T}/none], recurse: true, file_type: any, hidden: true }`, FIND],
  ['f_depth', 'find', `{ paths: ${T}/tree, recurse: true, depth: 2, patterns: '*.log,*.txt', excludes: 'b*' }`, FIND],
  ['f_regex', 'find', `{ paths: ${T}/tree, recurse: true, use_regex: true, patterns: ['^[a-c]\\.'], contains: 'ERROR', get_checksum: true }`, FIND],
  ['f_age_size', 'find', `{ paths: ${T}/tree, age: 2d, size: "-1k" }`, FIND],
  ['f_big', 'find', `{ paths: ${T}/tree, size: 1k }`, FIND],
  ['f_dirs', 'find', `{ paths: ${T}/tree, recurse: true, file_type: directory, hidden: true }`, FIND],
  ['f_links', 'find', `{ paths: ${T}/tree, file_type: link }`, FIND],
  ['fe_tree', 'fetch', `src=${T}/r2.conf dest=${D}/tree`, FETCH],
  ['fe_flat', 'fetch', `{ src: ${T}/slurp.bin, dest: "${D}/flat/{{ inventory_hostname }}.bin", flat: true }`, FETCH],
  ['fe_missing', 'fetch', `{ src: ${T}/nothing, dest: ${D}/tree, fail_on_missing: false }`, FETCH],
  ['fe_dir', 'fetch', `{ src: ${T}/tree, dest: ${D}/tree, fail_on_missing: false }`, FETCH],
  ['u_gz', 'unarchive', `{ src: ${A}/pkg.tar.gz, dest: ${T}/u/gz, list_files: true }`, UNARCHIVE],
  ['u_xz', 'unarchive', `src=${A}/pkg.tar.xz dest=${T}/u/xz`, UNARCHIVE],
  ['u_zip', 'unarchive', `{ src: ${A}/pkg.zip, dest: ${T}/u/zip, list_files: true }`, UNARCHIVE],
  ['u_remote', 'unarchive', `{ src: ${T}/remote.tar.gz, dest: ${T}/u/remote, remote_src: true, mode: '0750', list_files: true }`, [...UNARCHIVE, 'src']],
  ['u_creates', 'unarchive', `{ src: ${A}/pkg.zip, dest: ${T}/u/zip, creates: ${T}/u/zip/pkg }`, UNARCHIVE],
  ['a_basic', 'assemble', `src=${T}/frag dest=${T}/assembled.conf`, ASSEMBLE],
  ['a_delim', 'assemble', `{ src: ${T}/frag, dest: ${T}/assembled2.conf, delimiter: '### part', regexp: '^[0-9]', ignore_hidden: true, mode: '0640' }`, ASSEMBLE],
  ['a_same', 'assemble', `src=${T}/frag dest=${T}/assembled.conf`, ASSEMBLE],
  ['k_add', 'known_hosts', `{ path: ${T}/kh, name: host1.example, key: "host1.example ${K1}" }`, KNOWN],
  ['k_same', 'known_hosts', `{ path: ${T}/kh, name: host1.example, key: "host1.example ${K1}" }`, KNOWN],
  ['k_replace', 'known_hosts', `{ path: ${T}/kh, name: web.example, key: "web.example ${K2}" }`, KNOWN],
  ['k_hashed', 'known_hosts', `{ path: ${T}/kh, name: host2.example, key: "host2.example ${K1}", hash_host: true }`, KNOWN],
  ['k_absent', 'known_hosts', `{ path: ${T}/kh, name: old.example, state: absent }`, KNOWN],
  ['k_new_file', 'known_hosts', `host=[git.example]:2222 key="[git.example]:2222 ${K3}" path=${T}/kh2`, KNOWN],
  ['t_file', 'tempfile', '{ suffix: .txt }', TEMP, { always: true }],
  ['t_dir', 'tempfile', `{ state: directory, path: ${T}, prefix: build_ }`, TEMP, { always: true }],
];

const book = (options: { dump: boolean; always: boolean }) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.filter((c) => options.always || !c[4]?.always)
    .map(([name, module, args]) => `    - name: ${module} ${name}\n      ansible.builtin.${module}: ${args}\n      register: ${name}\n`)
    .join('') +
  // The getent fact as a variable, as later tasks read it; then every registered value in one file (one task).
  (options.dump
    ? `    - set_fact: { g1_entry: "{{ getent_group.twin_g1 }}" }\n      register: ge_var\n` +
      `    - set_fact:\n        twin_all: { ${[...CASES.map((c) => c[0]), 'ge_var'].map((n) => `${n}: "{{ ${n} }}"`).join(', ')} }\n${dumpTask('twin_all')}`
    : '');

const FIXTURES = [
  `rm -rf ${T} && mkdir -p ${T}/tree/sub/deep ${T}/tree/.hid && cd ${T}`,
  "printf 'port=80\\nhost=a\\nport=81\\n' > r1.conf",
  "printf '[main]\\nkey=1\\n[other]\\nkey=2\\nkey=3\\n[end]\\nkey=4\\n' > r2.conf",
  'cp r1.conf r3.conf && cp r1.conf r4.conf && chmod 0644 r*.conf',
  "printf 'hello\\000binary\\n' > slurp.bin",
  "cd tree && printf 'ERROR one\\n' > a.log && printf 'ok\\n' > b.log && head -c 2000 /dev/zero > big.log && printf 'ERROR\\n' > c.txt",
  "printf 'x\\n' > sub/d.log && printf 'y\\n' > sub/deep/e.log && printf 'h\\n' > .hid/f.log && printf 'z\\n' > .h.log && ln -s a.log link.log",
  "touch -d '3 days ago' b.log && touch -d '3 days ago' -h link.log",
  `mkdir -p ${T}/u/gz ${T}/u/xz ${T}/u/zip ${T}/u/remote ${T}/rsrc/top && printf 'r\\n' > ${T}/rsrc/top/r.txt && tar -czf ${T}/remote.tar.gz -C ${T}/rsrc top`,
  `mkdir ${T}/frag && printf 'a\\n' > ${T}/frag/01-a && printf 'b' > ${T}/frag/02-b && printf 'c\\n' > ${T}/frag/10-c && printf 'h\\n' > ${T}/frag/.hidden`,
  `printf 'old.example ${K3}\\nweb.example ${K3}\\nweb.example ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7\\n' > ${T}/kh`,
  'groupadd -g 3000 twin_gmod && groupadd -g 3200 twin_gdel',
  "printf '#Ansible: old\\n* * * * * root true\\n' > /etc/cron.d/twin-old",
  "printf '#Ansible: report\\n@daily /usr/bin/report\\n' | crontab -",
];

const STATE = [
  'getent group twin_g1 twin_gsys twin_gmod twin_gdel',
  'echo root; crontab -l', 'echo nobody; crontab -l -u nobody', 'ls /etc/cron.d', 'cat /etc/cron.d/twin-job',
  `cd ${T} && for f in r*.conf; do echo "$f $(stat -c %a $f)"; cat $f; done`,
  `find ${T}/u -printf '%p %y %m %s %l\\n' | sort`,
  `cd ${T} && stat -c '%n %a %s' assembled*.conf kh kh2 && cat assembled.conf assembled2.conf && sed 's/^|1|[^ ]*/HASHED/' kh kh2`,
].join('; ');

/** find's files without what two hosts never share (inode, dev, times); fetch's dest without the host's name. */
function comparable(r: Record<string, unknown>): Record<string, unknown> {
  if (typeof r.dest === 'string') return { ...r, dest: r.dest.replace(/master[12]/, '<host>') };
  if (!Array.isArray(r.files)) return r;
  const files = (r.files as Record<string, unknown>[]).map((f) => {
    const { inode: _i, dev: _d, atime: _a, mtime: _m, ctime: _c, ...rest } = f;
    return rest;
  });
  return { ...r, files };
}

test('group, cron, replace, getent, slurp, find and tempfile register and change what Ansible does', { timeout: 600_000 }, async () => {
  for (const host of [THEIRS, OURS]) ok(await hostExec(lab!, host, FIXTURES.join(' && ')), `fixtures on ${host}`);
  const t0 = Date.now();
  const theirs = await ansiblePlay(lab!, THEIRS, book({ dump: true, always: true }));
  const t1 = Date.now();
  const ours = await tsinfraPlay(lab!, OURS, book({ dump: true, always: true }));
  process.stderr.write(`builtin batch: ansible-playbook ${((t1 - t0) / 1000).toFixed(1)} s, tsinfra ${((Date.now() - t1) / 1000).toFixed(1)} s (${CASES.length} cases)\n`);
  assertBothSucceeded(theirs, ours);

  const all = { theirs: await registeredOn(lab!, THEIRS, 'twin_all'), ours: await registeredOn(lab!, OURS, 'twin_all') };
  const { disagree, summary } = compareCases(all, [...CASES, ['ge_var', 'getent', '', ['ansible_facts']]], comparable);
  for (const [name, module] of CASES) {
    if (module !== 'tempfile') continue;
    const [a, b] = [all.theirs[name], all.ours[name]] as Record<string, unknown>[];
    assert.match(String(b!.path), name === 't_dir' ? /^\/var\/tmp\/twin\/build_[A-Za-z0-9]{8}$/ : /^\/tmp\/ansible\.[A-Za-z0-9]{8}\.txt$/);
    assert.match(String(a!.path), name === 't_dir' ? /^\/var\/tmp\/twin\/build_[a-z0-9_]{8}$/ : /^\/tmp\/ansible\.[a-z0-9_]{8}\.txt$/);
  }
  const sa = ok(await hostExec(lab!, THEIRS, STATE));
  const sb = ok(await hostExec(lab!, OURS, STATE));
  process.stderr.write(`builtin batch differential: registered keys agree: ${summary}; state ${sa === sb ? 'identical' : 'differs'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa);
  assert.match(sb, /listen=80/);
  assert.match(sb, /#Ansible: backup/);
  for (const file of ['tree/<host>/var/tmp/twin/r2.conf', 'flat/<host>.bin']) {
    const [fa, fb] = [THEIRS, OURS].map((h) => readFileSync(join(D, file.replace('<host>', h))));
    assert.ok(fb.equals(fa), `fetched ${file} is the same`);
  }

  const again = await tsinfraPlay(lab!, OURS, book({ dump: false, always: false }));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, `a second run changes nothing:\n${again.output.slice(-3000)}`);

  // Disturbed: a group's gid, a cron file gone, a replaced line back, an extracted file gone. --check reports them and changes nothing.
  const disturb = `groupmod -g 2999 twin_g1 && rm /etc/cron.d/twin-job && printf 'port=80\\n' >> ${T}/r1.conf && rm ${T}/u/zip/pkg/sub/b.txt`;
  ok(await hostExec(lab!, OURS, disturb));
  const before = ok(await hostExec(lab!, OURS, STATE + '; true'));
  const check = await tsinfraPlay(lab!, OURS, book({ dump: false, always: false }), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 4, `--check reports the four changes:\n${check.output.slice(-3000)}`);
  assert.equal(ok(await hostExec(lab!, OURS, STATE + '; true')), before, '--check changed nothing');
  process.stderr.write(`builtin-batch-twin took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
