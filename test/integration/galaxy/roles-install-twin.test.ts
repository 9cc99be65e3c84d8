// `tsinfra roles install -r` against `ansible-galaxy role install -r` on the same requirements.yml: two local git
// repositories with tags and a branch, a tarball and a git repository given as a local directory. Both must produce
// the same role directories, the same file trees (content, mode, symlinks), the same .galaxy_install_info (but
// install_date) and the same messages. Root-free: everything is local (the oracle costs seconds, so not a unit test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, cpSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../../support/temp-dir.js';
import { tsinfra } from '../../support/cli.js';

const run = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function write(file: string, text: string, mode = 0o644): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, mode);
}

/** A role repository: v1.0 tagged, then a second commit on main, then a `feature` branch. */
function gitRole(dir: string, name: string, dependencies = '[]'): void {
  write(join(dir, 'meta/main.yml'), `galaxy_info: {author: t, description: ${name}}\ndependencies: ${dependencies}\n`);
  write(join(dir, 'tasks/main.yml'), `- debug: msg=${name}\n`);
  write(join(dir, 'files/run.sh'), '#!/bin/sh\necho v1\n', 0o755);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'one');
  git('tag', 'v1.0');
  write(join(dir, 'files/run.sh'), '#!/bin/sh\necho v2\n', 0o755);
  write(join(dir, 'defaults/main.yml'), `${name}_port: 80\n`);
  git('commit', '-qam', 'two');
  git('add', '-A');
  git('commit', '-qm', 'three');
  git('checkout', '-q', '-b', 'feature');
  write(join(dir, 'files/feature.txt'), 'feature\n', 0o600);
  git('add', '-A');
  git('commit', '-qm', 'feature');
  git('checkout', '-q', 'main');
}

/** Every file and symlink under dir: path, kind, mode and content (or link target); install_date left out. */
function tree(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(join(dir, prefix)).sort()) {
    const rel = prefix ? `${prefix}/${name}` : name;
    const st = lstatSync(join(dir, rel));
    const mode = (st.mode & 0o7777).toString(8);
    if (st.isDirectory()) Object.assign(out, { [`${rel}/`]: `dir ${mode}` }, tree(dir, rel));
    else if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(join(dir, rel))}`;
    else out[rel] = `file ${mode} ${readFileSync(join(dir, rel), 'utf8').replace(/^install_date: .*\n/m, '')}`;
  }
  return out;
}

test('roles install: the same roles, trees and messages as ansible-galaxy role install', async () => {
  const dir = tempDir('tsinfra-galaxy-');
  // alpha (at v1.0) depends on epsilon from git (installed too), on a role by name only (left to roles_path) and on
  // delta (listed later: pending); epsilon on beta at the version already installed (skipped).
  const alphaDeps = `[{src: "git+file://${dir}/src/epsilon", version: v1.0, name: epsilon}, common, {src: "${dir}/src/delta", scm: git, name: delta}]`;
  gitRole(join(dir, 'src/alpha'), 'alpha', alphaDeps);
  gitRole(join(dir, 'src/epsilon'), 'epsilon', `[{src: "file://${dir}/src/beta", scm: git, version: feature, name: beta}]`);
  gitRole(join(dir, 'src/beta'), 'beta');
  gitRole(join(dir, 'src/delta'), 'delta');
  // a tarball as GitHub makes them: one top directory, an executable, a symlink inside the role
  write(join(dir, 'tb/gamma-1.2/meta/main.yml'), 'galaxy_info: {author: t}\n');
  write(join(dir, 'tb/gamma-1.2/tasks/main.yml'), '- ping:\n', 0o640);
  write(join(dir, 'tb/gamma-1.2/files/tool'), '#!/bin/sh\n', 0o750);
  symlinkSync('../files/tool', join(dir, 'tb/gamma-1.2/tasks/tool'));
  execFileSync('tar', ['-C', join(dir, 'tb'), '-czf', join(dir, 'gamma.tar.gz'), 'gamma-1.2']);
  const commit = execFileSync('git', ['rev-parse', 'HEAD~1'], { cwd: join(dir, 'src/beta'), encoding: 'utf8' }).trim();
  writeFileSync(
    join(dir, 'requirements.yml'),
    [
      'roles:',
      `  - src: git+file://${dir}/src/alpha`,
      '    version: v1.0',
      `  - src: file://${dir}/src/beta`,
      '    scm: git',
      '    version: feature',
      '    other: ignored',
      `  - git+file://${dir}/src/beta,${commit},beta_pinned`,
      `  - src: ${dir}/gamma.tar.gz`,
      '    name: gamma',
      `  - src: ${dir}/src/delta`,
      '    scm: git',
      '    name: delta',
      'collections:',
      '  - community.general',
      '',
    ].join('\n'),
  );
  const started = Date.now();
  const [theirs, ours] = await Promise.all([
    run('ansible-galaxy', ['role', 'install', '-r', 'requirements.yml', '-p', 'ansible'], { cwd: dir, env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(dir, 'tmp') } }),
    tsinfra(['roles', 'install', '-r', 'requirements.yml', '-p', 'ours'], { cwd: dir }),
  ]);
  assert.equal(ours.code, 0, ours.stderr);
  const roles = readdirSync(join(dir, 'ansible')).sort();
  assert.deepEqual(roles, ['alpha', 'beta', 'beta_pinned', 'delta', 'epsilon', 'gamma']);
  assert.match(ours.stdout, /- adding dependency: epsilon \(v1\.0\)\n[\s\S]*- dependency delta already pending installation\.\n[\s\S]*- dependency beta is already installed, skipping\./);
  assert.deepEqual(readdirSync(join(dir, 'ours')).sort(), roles);
  for (const role of roles) assert.deepEqual(tree(join(dir, 'ours', role)), tree(join(dir, 'ansible', role)), role);
  assert.equal(ours.stdout.replaceAll(join(dir, 'ours'), 'ROLES'), theirs.stdout.replaceAll(join(dir, 'ansible'), 'ROLES'));
  assert.match(ours.stderr, /1 collection\(s\): tsinfra does not install collections/);
  // the checks are not vacuous: the versions differ where they should
  assert.match(readFileSync(join(dir, 'ours/alpha/files/run.sh'), 'utf8'), /v1/);
  assert.match(readFileSync(join(dir, 'ours/beta/files/feature.txt'), 'utf8'), /feature/);
  assert.match(readFileSync(join(dir, 'ours/alpha/meta/.galaxy_install_info'), 'utf8'), /^install_date: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\nversion: v1.0\n$/);

  // again: installed roles are skipped, a changed version warns, --force replaces
  writeFileSync(join(dir, 'again.yml'), `- src: git+file://${dir}/src/alpha\n  version: main\n- src: ${dir}/gamma.tar.gz\n  name: gamma\n`);
  const again = await tsinfra(['roles', 'install', '-r', 'again.yml', '-p', 'ours'], { cwd: dir });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /- alpha \(v1\.0\) is already installed - use --force to change version to main/);
  assert.match(again.stdout, /- gamma is already installed, skipping\./);
  const forced = await tsinfra(['roles', 'install', '-r', 'again.yml', '-p', 'ours', '--force'], { cwd: dir });
  assert.equal(forced.code, 0, forced.stderr);
  assert.match(forced.stdout, /- changing role alpha from v1\.0 to main/);
  assert.match(readFileSync(join(dir, 'ours/alpha/files/run.sh'), 'utf8'), /v2/);
  console.log(`roles install twin: ${roles.length} roles agree, ${Date.now() - started} ms`);
});

test('roles install: a local directory is copied; a missing source and a bad file fail naming them', async () => {
  const dir = tempDir('tsinfra-galaxy-');
  write(join(dir, 'epsilon/meta/main.yml'), 'galaxy_info: {}\n');
  write(join(dir, 'epsilon/tasks/main.yml'), '- ping:\n', 0o600);
  writeFileSync(join(dir, 'req.yml'), `- src: ${dir}/epsilon\n  name: epsilon\n`);
  const ok = await tsinfra(['roles', 'install', '-r', 'req.yml', '-p', 'roles'], { cwd: dir });
  assert.equal(ok.code, 0, ok.stderr);
  const installed = tree(join(dir, 'roles/epsilon'));
  assert.equal(installed['meta/.galaxy_install_info'], "file 644 version: ''\n");
  delete installed['meta/.galaxy_install_info'];
  assert.deepEqual(installed, tree(join(dir, 'epsilon')));

  writeFileSync(join(dir, 'missing.yml'), `- src: git+file://${dir}/nope\n`);
  const missing = await tsinfra(['roles', 'install', '-r', 'missing.yml', '-p', 'roles'], { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /- nope was NOT installed successfully: git clone failed/);

  writeFileSync(join(dir, 'bad.yml'), `roles:\n  - src: x\n    version: [1]\n`);
  const bad = await tsinfra(['roles', 'install', '-r', 'bad.yml', '-p', 'roles'], { cwd: dir });
  assert.equal(bad.code, 4);
  assert.match(bad.stderr, /bad\.yml:3:14: expected a string for "version"/);
  cpSync(join(dir, 'bad.yml'), join(dir, 'bad.txt'));
  assert.match((await tsinfra(['roles', 'install', '-r', 'bad.txt'], { cwd: dir })).stderr, /must end with \.yml or \.yaml/);
});
