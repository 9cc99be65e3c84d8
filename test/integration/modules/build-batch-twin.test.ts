// archive, make, filesystem and pip against Ansible's (community.general 6 and ansible-core 2.14): one playbook with
// every case applied with ansible-playbook to master1 and with tsinfra to its twin master2. Compared: each case's
// registered keys and the resulting state (the archives' members, make's outputs, the images' filesystems, the
// virtualenvs' packages). Then a second tsinfra run reports changed=0, and a --check run after the state was
// disturbed reports the changes and makes none. pip has no index here: wheels made on the controller, installed with
// --no-index --find-links.
import { test } from 'node:test';
import { rmSync } from 'node:fs';
import assert from 'node:assert/strict';
import { hostExec, ok, run, startLab } from '../../support/lab.js';
import { jsonLines } from '../../support/cli.js';
import { ansiblePlay, assertBothSucceeded, compareCases, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const started = Date.now();
const T = '/var/tmp/build-twin';
// The wheels: made on the controller before the lab starts, so every host sees them through its overlay root.
const W = `/var/tmp/tsinfra-wheels-${process.pid}`;
process.once('exit', () => rmSync(W, { recursive: true, force: true }));
const WHEELS = `
import base64, hashlib, sys, zipfile
def wheel(name, ver):
    info = f"{name}-{ver}.dist-info"
    files = {f"{name}/__init__.py": f"VERSION = '{ver}'\\n",
             f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {ver}\\n",
             f"{info}/WHEEL": "Wheel-Version: 1.0\\nGenerator: twin\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"}
    digest = lambda c: base64.urlsafe_b64encode(hashlib.sha256(c.encode()).digest()).rstrip(b"=").decode()
    files[f"{info}/RECORD"] = "".join(f"{p},sha256={digest(c)},{len(c.encode())}\\n" for p, c in files.items()) + f"{info}/RECORD,,\\n"
    with zipfile.ZipFile(f"{sys.argv[1]}/{name}-{ver}-py3-none-any.whl", "w") as z:
        for p, c in files.items():
            z.writestr(p, c)
for n, v in (("tinypkg", "1.0"), ("otherpkg", "2.0"), ("otherpkg", "2.1"), ("thirdpkg", "3.0")):
    wheel(n, v)
`;
ok(await run('sh', ['-c', `rm -rf ${W} && mkdir -p ${W} && /usr/bin/python3 -c "$0" ${W}`, WHEELS]), 'wheels');
const lab = await startLab({ kind: 'namespace', hosts: 2 });
const THEIRS = 'master1';
const OURS = 'master2';

// once: left out of the second and --check runs (they change on every run, or undo another case).
type Case = [name: string, module: string, args: string, keys: string[], options?: { failing?: boolean; once?: boolean }];
// size: Python's compressors and ours (gzip, bzip2, xz, zip) write different bytes; the members are compared below.
const ARCH = ['changed', 'archived', 'dest', 'dest_state', 'arcroot', 'missing', 'expanded_paths', 'expanded_exclude_paths', 'state', 'mode', 'owner', 'group', 'uid', 'gid'];
const MAKE = ['changed', 'failed', 'stdout', 'stderr', 'stdout_lines', 'target', 'params', 'chdir', 'file', 'jobs', 'command'];
const FS = ['changed', 'failed', 'msg'];
const PIP = ['changed', 'cmd', 'name', 'version', 'state', 'requirements', 'virtualenv', 'stdout', 'stderr'];
const PIPX = `extra_args: "--no-index --find-links ${W}"`;
const VENV_ONLY = `virtualenv: ${T}/venv, virtualenv_command: python3 -m venv`;
const VENV = `${VENV_ONLY}, ${PIPX}`;

const CASES: Case[] = [
  ['a_tgz', 'community.general.archive', `{ path: ${T}/src, dest: ${T}/out/src.tgz }`, ARCH],
  ['a_tgz_again', 'community.general.archive', `path=${T}/src dest=${T}/out/src.tgz`, ARCH],
  ['a_zip', 'community.general.archive', `{ path: ["${T}/src/*"], dest: ${T}/out/src.zip, format: zip, exclude_path: [${T}/src/b.log] }`, ARCH],
  ['a_multi', 'community.general.archive', `{ path: [${T}/src/a.txt, ${T}/single.txt, ${T}/gone], dest: ${T}/out/multi.tar.bz2, format: bz2 }`, ARCH],
  ['a_xz', 'community.general.archive', `{ path: ${T}/src, dest: ${T}/out/src.tar.xz, format: xz, exclusion_patterns: ["*.log"] }`, ARCH],
  ['a_tar', 'community.general.archive', `{ path: ${T}/src/sub, dest: ${T}/out/sub.tar, format: tar }`, ARCH],
  ['a_single', 'community.general.archive', `path=${T}/single.txt`, ARCH],
  ['a_force', 'community.general.archive', `{ path: ${T}/single.txt, dest: ${T}/out/single.tar.gz, force_archive: true, mode: "0600" }`, ARCH],
  ['a_remove', 'community.general.archive', `{ path: ${T}/rm, dest: ${T}/out/rm.tgz, remove: true }`, ARCH],
  ['m_build', 'community.general.make', `chdir=${T}/mk target=all`, MAKE],
  ['m_default', 'community.general.make', `chdir=${T}/mk`, MAKE],
  ['m_params', 'community.general.make', `{ chdir: ${T}/mk, target: greet.txt, params: { NAME: world, LOUD: true } }`, MAKE],
  ['m_file', 'community.general.make', `{ chdir: ${T}/mk, file: Other.mk, target: other.txt, jobs: 2 }`, MAKE],
  ['f_ext4', 'community.general.filesystem', `{ device: ${T}/disk.img, type: ext4 }`, FS],
  // msg checked below (ours names the module first, as every plan error does).
  ['f_other', 'community.general.filesystem', `dev=${T}/disk.img fstype=ext3`, ['changed', 'failed'], { failing: true }],
  ['f_opts', 'community.general.filesystem', `{ dev: ${T}/opts.img, fstype: ext2, opts: "-L data -m 0" }`, FS],
  ['f_grow', 'community.general.filesystem', `{ dev: ${T}/grow.img, fstype: ext4, resizefs: true }`, FS],
  ['f_grown', 'community.general.filesystem', `{ dev: ${T}/grow.img, fstype: ext4, resizefs: true }`, FS],
  ['f_swap', 'community.general.filesystem', `dev=${T}/swap.img fstype=swap`, FS],
  ['f_wipe', 'community.general.filesystem', `dev=${T}/wipe.img state=absent`, FS],
  ['f_missing', 'community.general.filesystem', `dev=${T}/nothing.img state=absent`, FS],
  ['p_venv', 'ansible.builtin.pip', `{ name: tinypkg, version: "1.0", ${VENV} }`, PIP],
  ['p_pin', 'ansible.builtin.pip', `{ name: "otherpkg==2.0", ${VENV} }`, PIP, { once: true }],
  ['p_latest', 'ansible.builtin.pip', `{ name: otherpkg, state: latest, ${VENV} }`, PIP],
  ['p_req', 'ansible.builtin.pip', `{ requirements: req.txt, chdir: ${T}/req, virtualenv: venv2, virtualenv_command: python3 -m venv, ${PIPX} }`, PIP],
  ['p_exec', 'ansible.builtin.pip', `{ name: tinypkg, executable: ${T}/venv/bin/pip, ${PIPX} }`, PIP],
  ['p_third', 'ansible.builtin.pip', `{ name: thirdpkg, ${VENV} }`, PIP, { once: true }],
  ['p_force', 'ansible.builtin.pip', `{ name: thirdpkg, state: forcereinstall, ${VENV} }`, PIP, { once: true }],
  ['p_remove', 'ansible.builtin.pip', `{ name: thirdpkg, state: absent, ${VENV_ONLY} }`, PIP, { once: true }],
  // Not installed: Ansible runs pip uninstall (stderr: pip's "Skipping"), tsinfra reads pip list and runs nothing.
  ['p_gone', 'ansible.builtin.pip', `{ name: thirdpkg, state: absent, ${VENV_ONLY} }`, ['changed', 'cmd', 'name', 'state', 'virtualenv', 'stdout']],
];

const book = (options: { dump: boolean }) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.filter((c) => options.dump || !c[4]?.once).map(([name, module, args, , o]) => `    - name: ${module} ${name}\n      ${module}: ${args}\n      register: ${name}\n${o?.failing ? '      ignore_errors: true\n' : ''}`).join('') +
  (options.dump
    ? `    - set_fact:\n        twin_all: { ${CASES.map((c) => `${c[0]}: "{{ ${c[0]} }}"`).join(', ')} }\n${dumpTask('twin_all')}`
    : '');

const MAKEFILE = 'all: out.txt\\nout.txt: in.txt\\n\\tcp in.txt out.txt\\n\\techo built out.txt\\ngreet.txt:\\n\\techo hello $(NAME) $(LOUD) > greet.txt\\n';
const FIXTURES = [
  `rm -rf ${T} && mkdir -p ${T}/src/sub/deep ${T}/out ${T}/mk ${T}/rm/x ${T}/req`,
  `echo alpha > ${T}/src/a.txt && echo log > ${T}/src/b.log && echo hidden > ${T}/src/.hidden && echo c > ${T}/src/sub/c.txt`,
  `echo d > ${T}/src/sub/deep/d.txt && ln -s a.txt ${T}/src/link && echo single > ${T}/single.txt && echo r > ${T}/rm/x/r.txt`,
  `printf '${MAKEFILE}' > ${T}/mk/Makefile && echo input > ${T}/mk/in.txt && printf 'other.txt:\\n\\techo other > other.txt\\n' > ${T}/mk/Other.mk`,
  `truncate -s 8M ${T}/disk.img ${T}/opts.img ${T}/grow.img ${T}/wipe.img && truncate -s 1M ${T}/swap.img`,
  `mkfs.ext4 -q ${T}/grow.img && truncate -s 12M ${T}/grow.img && mkfs.ext4 -q ${T}/wipe.img`,
  `echo tinypkg==1.0 > ${T}/req/req.txt`,
];
// Each archive's members (tar: type and mode, owner, size, name; zip: size, CRC, name), the compressed file, make's
// files, each image's filesystem and size, each virtualenv's packages, and what remains of the removed sources.
const STATE = [
  `cd ${T}/out && for f in *.tgz *.tar.*; do echo "$f"; tar -tv --numeric-owner -f "$f" | awk '{ print $1, $2, $3, $NF }' | sed 's#/$##' | sort; done`,
  `echo src.zip; unzip -v src.zip | awk 'NR > 3 && $7 ~ /^[0-9a-f]+$/ { print $1, $7, $8 }' | sort; tar -tvf sub.tar --numeric-owner | awk '{ print $1, $2, $3, $NF }' | sort`,
  `gzip -dc ${T}/single.txt.gz; stat -c '%n %a' single.tar.gz; ls ${T}; ls -A ${T}/rm 2>&1 || true`,
  `cd ${T}/mk && ls && cat out.txt greet.txt other.txt`,
  `cd ${T} && for i in *.img; do echo "$i $(blkid -c /dev/null -o export "$i" | grep -E '^(TYPE|LABEL)=' | tr '\\n' ' ') $(stat -c %s "$i")"; done; dumpe2fs -h grow.img 2>/dev/null | grep -E '^Block count'`,
  `${T}/venv/bin/pip list --format=freeze --disable-pip-version-check | grep -E 'pkg=='; ${T}/req/venv2/bin/pip list --format=freeze --disable-pip-version-check | grep tinypkg`,
].join('; ');

/** The changed tasks of a --json run, with their planned changes (what a failure message shows). */
function changedTasks(output: string): string[] {
  return jsonLines(output.split('\n').filter((l) => l.startsWith('{')).join('\n'))
    .filter((e) => e.type === 'host_result' && (e.result as Record<string, unknown>).status === 'changed')
    .map((e) => `${(e.task as Record<string, unknown>).name}: ${JSON.stringify((e.result as Record<string, unknown>).changes)}`);
}

test('archive, make, filesystem and pip register and change what Ansible does', { timeout: 600_000 }, async () => {
  for (const host of [THEIRS, OURS]) ok(await hostExec(lab, host, FIXTURES.join(' && ')), `fixtures on ${host}`);
  const t0 = Date.now();
  const theirs = await ansiblePlay(lab, THEIRS, book({ dump: true }));
  const t1 = Date.now();
  const ours = await tsinfraPlay(lab, OURS, book({ dump: true }));
  process.stderr.write(`# build batch: ansible-playbook ${((t1 - t0) / 1000).toFixed(1)} s, tsinfra ${((Date.now() - t1) / 1000).toFixed(1)} s (${CASES.length} cases)\n`);
  assertBothSucceeded(theirs, ours);

  const all = { theirs: await registeredOn(lab, THEIRS, 'twin_all'), ours: await registeredOn(lab, OURS, 'twin_all') };
  const { disagree, summary } = compareCases(all, CASES);
  const sa = ok(await hostExec(lab, THEIRS, STATE));
  const sb = ok(await hostExec(lab, OURS, STATE));
  process.stderr.write(`build batch differential: registered keys agree: ${summary}; state ${sa === sb ? 'identical' : 'differs'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa);
  // What the cases were meant to show, seen on our side.
  const r = (n: string) => all.ours[n] as Record<string, unknown>;
  assert.deepEqual([r('a_tgz').changed, r('a_tgz_again').changed, r('a_multi').dest_state, r('a_multi').missing], [true, false, 'incomplete', [`${T}/gone`]]);
  assert.deepEqual([r('m_build').changed, r('m_default').changed, r('m_default').command], [true, false, (all.theirs.m_default as Record<string, unknown>).command]);
  assert.deepEqual([r('f_ext4').changed, r('f_other').failed, r('f_grow').changed, r('f_grown').changed], [true, true, true, false]);
  assert.deepEqual([r('p_venv').changed, r('p_exec').changed, r('p_latest').changed, r('p_gone').changed], [true, false, true, false]);
  assert.match(sb, /otherpkg==2\.1/);
  const used = `'${T}/disk.img' is already used as ext4, use force=true to overwrite`;
  assert.deepEqual([all.theirs.f_other, r('f_other')].map((x) => (x as Record<string, unknown>).msg), [used, `filesystem: ${used}`]);

  const again = await tsinfraPlay(lab, OURS, book({ dump: false }));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, `a second run changes nothing; changed: ${changedTasks(again.output).join('; ')}`);

  // Disturbed: a source file grown, make's input newer than its output, the image wiped, the package removed.
  ok(await hostExec(lab, OURS, `echo more >> ${T}/src/a.txt && touch -d '+1 min' ${T}/mk/in.txt && wipefs -q --all ${T}/disk.img && ${T}/venv/bin/pip uninstall -q -y tinypkg`));
  const before = ok(await hostExec(lab, OURS, `${STATE}; ls -l --time-style=+%s ${T}/out ${T}/mk; true`));
  const check = await tsinfraPlay(lab, OURS, book({ dump: false }), { check: true });
  assert.equal(check.code, 0, check.output);
  for (const c of [`archive`, 'make all in', `make a ext4 filesystem on ${T}/disk.img`, 'pip install tinypkg==1.0']) assert.ok(check.output.includes(c), `--check reports ${c}:\n${check.output.slice(-3000)}`);
  assert.equal(ok(await hostExec(lab, OURS, `${STATE}; ls -l --time-style=+%s ${T}/out ${T}/mk; true`)), before, '--check changed nothing');
  process.stderr.write(`build-batch-twin took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
