// Issue 16's "done when": an Ansible project shaped like a real one runs unchanged. Two copies of one project (its
// own ansible.cfg with inventory, roles_path, remote_user, forks, private_key_file and ssh_args; group_vars/ and
// host_vars/ beside the playbook; -e @vars.yml logging in as a non-root user whose sudo needs a password; two roles
// pulled from local git repositories by requirements.yml). One copy's inventory names one lab host, the other's its
// twin: `tsinfra roles install -r requirements.yml` + `tsinfra play site.yml -e @vars.yml` on one,
// `ansible-galaxy role install -r requirements.yml` + `ansible-playbook site.yml -e @vars.yml` on the other, no other
// option. Then every file the play manages is compared on both hosts (type, mode, owner:group, content), and the exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { hostExec, startLab, type LabInfo } from '../../support/lab.js';
import { addSudoUsers } from '../../support/sudo-users.js';
import { ANSIBLE_PLAYBOOK } from '../../support/ansible-twin.js';
import { tsinfra } from '../../support/cli.js';
import { tempDir } from '../../support/temp-dir.js';

const started = Date.now();
const lab = await startLab({ kind: 'namespace', hosts: 2 });
const [oursHost, theirsHost] = lab.hosts.map((h) => h.name) as [string, string];
const PASSWORD = 'project-twin-pw-8832';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    if (path.endsWith('.sh')) chmodSync(join(root, path), 0o755);
  }
}

/** A git repository holding a role, `v1.0` tagged on the first commit; a later commit that must not be installed. */
function roleRepo(dir: string, files: Record<string, string>): void {
  writeTree(dir, files);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-qm', 'v1');
  git('tag', 'v1.0');
  writeTree(dir, { 'defaults/main.yml': 'app_port: 1\napp_release: unreleased\nmotd_text: unreleased\n' });
  git('add', '-A');
  git('commit', '-qm', 'after v1.0');
}

const ROLES = {
  app_config: {
    'meta/main.yml': 'galaxy_info: {author: t, description: app config}\ndependencies: []\n',
    'defaults/main.yml': 'app_port: 80\napp_release: "1.0"\n',
    'tasks/main.yml': `- name: config dir
  file: { path: /etc/twinapp, state: directory, mode: "0750", owner: root, group: deploypw }
- name: config
  template: { src: app.conf.j2, dest: /etc/twinapp/app.conf, mode: "0640", owner: root, group: deploypw }
  notify: app changed
- name: runner
  copy: { src: run.sh, dest: /usr/local/bin/twinapp-run, mode: "0755" }
`,
    'handlers/main.yml': `- name: app changed
  copy: { content: "reloaded {{ app_port }}\\n", dest: /etc/twinapp/reloaded, mode: "0600" }
`,
    'templates/app.conf.j2': 'port={{ app_port }}\nrelease={{ app_release }}\nenv={{ app_env }}\nlabel={{ host_label }}\nworkers={{ app_workers }}\n',
    'files/run.sh': '#!/bin/sh\nexec /bin/true\n',
  },
  motd: {
    'meta/main.yml': 'galaxy_info: {author: t, description: motd}\ndependencies: []\n',
    'tasks/main.yml': `- name: motd
  copy: { content: "{{ motd_text }} ({{ app_env }})\\n", dest: /etc/motd-twin, mode: "0644" }
- name: banner line
  lineinfile: { path: /etc/motd-twin, line: "managed by {{ ansible_user }}" }
`,
  },
};

function project(dir: string, host: string, srcDir: string): void {
  const h = lab.hosts.find((x) => x.name === host)!;
  writeTree(dir, {
    'ansible.cfg': `[defaults]
inventory = inventory/hosts.ini
roles_path = galaxy_roles:roles
remote_user = root
forks = 3
private_key_file = ${lab.privateKeyPath}
interpreter_python = /usr/bin/python3
retry_files_enabled = False

[ssh_connection]
ssh_args = -C -o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=${lab.knownHostsPath} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes
pipelining = True
`,
    'inventory/hosts.ini': `[web]\n${host} ansible_host=${h.sshAddress}\n\n[web:vars]\napp_workers=4\n`,
    'group_vars/all.yml': 'motd_text: welcome\n',
    'group_vars/web.yml': 'app_port: 8080\n',
    [`host_vars/${host}.yml`]: 'host_label: twin-host\n',
    'vars.yml': `ansible_user: deploypw\nansible_become_password: ${PASSWORD}\napp_env: production\n`,
    'requirements.yml': `- src: git+file://${srcDir}/app_config\n  version: v1.0\n- src: file://${srcDir}/motd\n  scm: git\n  name: motd\n  version: v1.0\n`,
    'site.yml': `- hosts: web
  gather_facts: false
  become: true
  roles:
    - app_config
    - motd
  tasks:
    - name: note in the login user's home (owned by the user that logged in)
      copy: { content: "{{ ansible_user }} on {{ host_label }}\\n", dest: "/home/deploypw/twin-note", mode: "0600" }
      become: false
`,
  });
}

const MANAGED = ['/etc/twinapp', '/etc/twinapp/app.conf', '/etc/twinapp/reloaded', '/usr/local/bin/twinapp-run', '/etc/motd-twin', '/home/deploypw/twin-note'];

async function managedFiles(l: LabInfo, host: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of MANAGED) {
    const r = await hostExec(l, host, `stat -c '%F %a %U:%G' ${path} && { [ -d ${path} ] || cat ${path}; }`);
    out[path] = r.code === 0 ? r.stdout : `missing (${r.stderr.trim()})`;
  }
  return out;
}

const exec = promisify(execFile);
async function exitOf(cmd: string, args: string[], cwd: string): Promise<{ code: number; output: string }> {
  const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(cwd, '.tmp'), ANSIBLE_SSH_CONTROL_PATH_DIR: join(cwd, '.cp') };
  return exec(cmd, args, { cwd, env, timeout: 400_000 }).then(
    (r) => ({ code: 0, output: r.stdout + r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: Number(e.code ?? 1), output: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
  );
}

test('a real-shaped Ansible project: tsinfra and ansible-playbook leave the same files, with the same exit code', async () => {
  const root = tempDir('tsinfra-project-twin-');
  const src = join(root, 'src');
  for (const [name, files] of Object.entries(ROLES)) roleRepo(join(src, name), files);
  const ours = join(root, 'ours');
  const theirs = join(root, 'theirs');
  project(ours, oursHost, src);
  project(theirs, theirsHost, src);
  await addSudoUsers(lab, [oursHost, theirsHost], PASSWORD);

  const [oursRoles, theirsRoles] = await Promise.all([
    tsinfra(['roles', 'install', '-r', 'requirements.yml'], { cwd: ours }),
    exitOf('ansible-galaxy', ['role', 'install', '-r', 'requirements.yml'], theirs),
  ]);
  assert.equal(oursRoles.code, 0, oursRoles.stderr);
  assert.equal(theirsRoles.code, 0, theirsRoles.output);
  const [ourPlay, theirPlay] = await Promise.all([
    tsinfra(['play', 'site.yml', '-e', '@vars.yml'], { cwd: ours }),
    exitOf(ANSIBLE_PLAYBOOK, ['site.yml', '-e', '@vars.yml'], theirs),
  ]);
  const ourOutput = ourPlay.stdout + ourPlay.stderr;
  assert.equal(ourPlay.code, theirPlay.code, `exit codes differ\ntsinfra:\n${ourOutput.slice(-3000)}\nansible:\n${theirPlay.output.slice(-3000)}`);
  assert.equal(theirPlay.code, 0, theirPlay.output.slice(-3000));
  assert.ok(!ourOutput.includes(PASSWORD), 'the become password never shows');

  const [mine, oracle] = await Promise.all([managedFiles(lab, oursHost), managedFiles(lab, theirsHost)]);
  const agree = MANAGED.filter((p) => mine[p] === oracle[p]).length;
  process.stderr.write(`project twin: ${agree}/${MANAGED.length} managed paths agree with ansible-playbook\n`);
  assert.deepEqual(mine, oracle);
  // What both agreed on is what the project says: each variable source reached the host.
  assert.equal(
    mine['/etc/twinapp/app.conf'],
    'regular file 640 root:deploypw\nport=8080\nrelease=1.0\nenv=production\nlabel=twin-host\nworkers=4\n',
    'group_vars/ over role defaults, the role at v1.0, -e @vars.yml, host_vars/, inventory group vars',
  );
  assert.equal(mine['/home/deploypw/twin-note'], 'regular file 600 deploypw:deploypw\ndeploypw on twin-host\n', 'ansible_user from -e @vars.yml logged in (the owner) without become');
  assert.equal(mine['/etc/motd-twin'], 'regular file 644 root:root\nwelcome (production)\nmanaged by deploypw\n');
  process.stderr.write(`ansible-project-twin lab test: ${((Date.now() - started) / 1000).toFixed(1)} s with the lab\n`);
});
