// uri against Ansible's: the same requests made with ansible-playbook from master1 and with tsinfra from its twin
// master2, to a small HTTP server on the controller's address on the lab network. Compared: every key each side
// registers (the response headers included), except date and elapsed (the clock) and invocation (Ansible's echo of
// the arguments); the files dest wrote; and that the password is in no output.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, differences, tsinfraPlay } from '../../support/ansible-twin.js';
import { startFileServer } from '../../support/file-server.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';
const PASSWORD = 'ur1-s3cret';
const AUTH = `Basic ${Buffer.from(`api:${PASSWORD}`).toString('base64')}`;
const json = (status: number, value: unknown) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) });

const server = lab
  ? await startFileServer(lab.controllerAddress, { '/files/page.txt': 'a page\n' }, {
      handler(r) {
        if (r.path === '/api/item') return json(200, { id: 7, tags: ['a', 'b'], ok: true });
        if (r.path === '/api/echo') return json(r.method === 'POST' ? 201 : 405, { method: r.method, type: r.headers['content-type'], body: r.body });
        if (r.path === '/text') return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8', 'x-Custom-Thing': 'v1' }, body: 'plain text\n' };
        if (r.path === '/old') return { status: 302, headers: { location: '/api/item' } };
        if (r.path === '/secure') return r.headers.authorization === AUTH ? json(200, { user: 'api' }) : { status: 401, headers: { 'www-authenticate': 'Basic realm="t"' } };
        return undefined;
      },
    })
  : undefined;
after(() => server?.close());

const CASES: [name: string, args: string][] = [
  ['get_json', 'url: "{{ base }}/api/item"'],
  ['post_json', 'url: "{{ base }}/api/echo", method: POST, body_format: json, body: { name: web, n: 2, enabled: true }, status_code: 201'],
  ['post_form', 'url: "{{ base }}/api/echo", method: post, body_format: form-urlencoded, body: { a: 1, b: "x y&z" }, status_code: [201, 200]'],
  ['not_found', 'url: "{{ base }}/missing", status_code: [404]'],
  ['content', 'url: "{{ base }}/text", return_content: true'],
  ['dest', 'url: "{{ base }}/files/page.txt", dest: /var/tmp/uri/page.txt, mode: "0600"'],
  ['redirect', 'url: "{{ base }}/old"'],
  ['no_redirect', 'url: "{{ base }}/old", follow_redirects: none, status_code: 302'],
  ['auth', `url: "{{ base }}/secure", url_username: api, url_password: "${PASSWORD}", force_basic_auth: true`],
  ['creates', 'url: "{{ base }}/api/item", creates: /etc/hostname'],
  ['failed', 'url: "{{ base }}/missing", return_content: true'],
];

// One dump task for all the results: ansible-playbook costs about a second per task.
const book =
  `- hosts: all\n  gather_facts: false\n  vars: { base: "${server?.url}" }\n  tasks:\n` +
  CASES.map(([name, args]) => `    - name: uri ${name}\n      ansible.builtin.uri: { ${args} }\n      register: ${name}\n      ignore_errors: ${name === 'failed'}\n`).join('') +
  `    - copy: { content: "{{ { ${CASES.map(([n]) => `'${n}': ${n}`).join(', ')} } | to_json }}", dest: /var/tmp/uri/registered.json }\n`;

const registered = async (host: string) => JSON.parse(ok(await hostExec(lab!, host, 'cat /var/tmp/uri/registered.json'))) as Record<string, Record<string, unknown>>;
const IGNORE = ['date', 'elapsed', 'invocation'];

test('uri registers what Ansible registers', { timeout: 600_000 }, async () => {
  for (const host of [THEIRS, OURS]) ok(await hostExec(lab!, host, 'mkdir -p /var/tmp/uri'));
  const t0 = Date.now();
  const theirs = await ansiblePlay(lab!, THEIRS, book);
  const t1 = Date.now();
  const ours = await tsinfraPlay(lab!, OURS, book);
  process.stderr.write(`uri runs: ansible-playbook ${t1 - t0} ms, tsinfra ${Date.now() - t1} ms\n`);
  assertBothSucceeded(theirs, ours);

  const [all, mine] = [await registered(THEIRS), await registered(OURS)];
  let agreed = 0;
  const disagree: string[] = [];
  for (const [name] of CASES) {
    const [a, b] = [all[name]!, mine[name]!];
    const d = differences(b, a, IGNORE);
    disagree.push(...d.map((x) => `${name}.${x}`));
    agreed += new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !IGNORE.includes(k))).size - d.length;
  }
  const filesA = ok(await hostExec(lab!, THEIRS, `cd /var/tmp/uri && stat -c '%n %a %U' page.txt && cat page.txt`));
  const filesB = ok(await hostExec(lab!, OURS, `cd /var/tmp/uri && stat -c '%n %a %U' page.txt && cat page.txt`));
  process.stderr.write(`uri differential: ${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ\n`);
  assert.deepEqual(disagree, []);
  assert.equal(filesB, filesA);
  assert.equal(filesB, 'page.txt 600 root\na page\n');
  assert.ok(agreed > CASES.length * 5, 'the comparison covered the headers too');
  assert.ok(!ours.output.includes(PASSWORD), 'the password is in no output');
  assert.deepEqual(mine.post_json!.json, { method: 'POST', type: 'application/json', body: '{"name": "web", "n": 2, "enabled": true}' });
  assert.equal(mine.not_found!.status, 404);
});
