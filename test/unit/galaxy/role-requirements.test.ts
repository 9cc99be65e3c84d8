// requirements.yml read as ansible-galaxy reads it (role_yaml_parse), and .galaxy_install_info as it writes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRequirements, roleDependencies, roleNameFromSrc } from '../../../src/galaxy/role-requirements.js';
import { galaxyInstallInfo } from '../../../src/galaxy/install-role.js';
import { tempDir } from '../../support/temp-dir.js';

test('the role name derived from src, as repo_url_to_role_name derives it', () => {
  assert.equal(roleNameFromSrc('https://git.example.com/repos/repo.git'), 'repo');
  assert.equal(roleNameFromSrc('git@github.com:acme/nginx-role.git'), 'nginx-role');
  assert.equal(roleNameFromSrc('https://example.com/dl/role-1.2.tar.gz'), 'role-1.2');
  assert.equal(roleNameFromSrc('file:///srv/roles/base'), 'base');
  assert.equal(roleNameFromSrc('acme.nginx'), 'acme.nginx'); // a Galaxy name stays as it is
});

test('both file forms, string entries, scm prefixes, versions as written; bad entries name file:line:column', async () => {
  const dir = tempDir('tsinfra-requirements-');
  const file = join(dir, 'requirements.yml');
  writeFileSync(
    file,
    [
      'roles:',
      '  - git+https://git.example.com/r/web.git,v2,webserver',
      '  - src: https://github.com/acme/db',
      '    version: 1.0',
      '  - src: git@git.example.com:acme/cache.git',
      '    scm: git',
      '    extra: dropped',
      '  - src: /srv/tarballs/tools.tar.gz',
      '    name: tools',
      'collections: [community.general]',
      '',
    ].join('\n'),
  );
  const r = await readRequirements(file);
  assert.equal(r.collections, 1);
  assert.deepEqual(
    r.roles.map(({ at: _at, ...rest }) => rest),
    [
      { name: 'webserver', scm: 'git', src: 'https://git.example.com/r/web.git', version: 'v2' },
      { name: 'db', scm: 'git', src: 'https://github.com/acme/db', version: '1.0' },
      { name: 'cache', scm: 'git', src: 'git@git.example.com:acme/cache.git', version: '' },
      { name: 'tools', scm: undefined, src: '/srv/tarballs/tools.tar.gz', version: '' },
    ],
  );
  assert.deepEqual(r.roles[1]!.at, { file, line: 3, column: 5 });

  writeFileSync(file, '- src: /srv/tarballs/tools.tar.gz\n');
  await assert.rejects(readRequirements(file), /requirements\.yml:1:3: role name "\/srv\/tarballs\/tools\.tar\.gz" is not a directory name/);
  writeFileSync(file, 'roles: []\nplaybooks: []\n');
  await assert.rejects(readRequirements(file), /requirements\.yml:2:1: unknown key "playbooks"/);
  writeFileSync(file, '- include: other.yml\n');
  await assert.rejects(readRequirements(file), /"include:" of another requirements file is not supported/);
});

test('.galaxy_install_info is written as PyYAML dumps it', () => {
  const at = new Date(Date.UTC(2026, 11, 6, 7, 5, 3));
  assert.equal(galaxyInstallInfo('v1.0', at), 'install_date: Sun Dec  6 07:05:03 2026\nversion: v1.0\n');
  assert.equal(galaxyInstallInfo('', at), "install_date: Sun Dec  6 07:05:03 2026\nversion: ''\n");
  assert.equal(galaxyInstallInfo('1.0', at), "install_date: Sun Dec  6 07:05:03 2026\nversion: '1.0'\n");
});

test("a role's dependencies to install, as ansible-galaxy picks them: meta/main.yml and meta/requirements.yml, not bare names", async () => {
  const dir = tempDir('tsinfra-role-deps-');
  mkdirSync(join(dir, 'meta'));
  writeFileSync(
    join(dir, 'meta/main.yml'),
    'galaxy_info: {author: t}\ndependencies:\n  - common\n  - { role: base, vars: { x: 1 } }\n  - { role: acme.java }\n  - { src: "git+file:///srv/git/web.git", version: v1 }\n',
  );
  writeFileSync(join(dir, 'meta/requirements.yml'), '- src: /srv/tar/db.tar.gz\n  name: db\n');
  const deps = await roleDependencies(dir);
  assert.deepEqual(
    deps.map((d) => [d.name, d.src, d.scm, d.version]),
    [
      ['acme.java', 'acme.java', undefined, ''],
      ['web', 'file:///srv/git/web.git', 'git', 'v1'],
      ['db', '/srv/tar/db.tar.gz', undefined, ''],
    ],
  );
  assert.deepEqual(await roleDependencies(tempDir('tsinfra-role-nodeps-')), [], 'no meta: none');
});
