// Every broken playbook under fixtures/playbooks/bad/ fails with ALL its problems in one ValidationErrors, each at
// the exact file, line and column, saying whose problem it is and what was expected, and never with a stack trace.
// A directory case loads <case>/site.yml with the case directory as the project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { BAD, problemsOf } from './playbook-helpers.js';

/** [file relative to bad/, line, column, message substring], in report order (file, line, column). */
type Expected = [string, number, number, string];

const EXPECTED: Record<string, Expected[]> = {
  'bad-condition.yml': [
    ["bad-condition.yml", 6, 13, "task \"Check something\": when: syntax error: unexpected end of condition at column 13 in condition: result.rc =="],
    ["bad-condition.yml", 9, 11, "task \"Check something\": changed_when: syntax error: unexpected '~' at column 16 in condition: result.stdout ~~ \"x\""],
  ],
  'async-unsupported.yml': [
    ["async-unsupported.yml", 5, 7, "task \"Copy in the background\": async is not supported for copy"],
    ["async-unsupported.yml", 9, 14, "task \"Wait for it\": async must be a whole number of seconds ≥ 0 (or a \"{{ template }}\"), got a string (\"soon\")"],
    ["async-unsupported.yml", 13, 13, "task \"Fine\": poll must be a whole number of seconds ≥ 0 (or a \"{{ template }}\"), got"],
  ],
  'become-maybe.yml': [
    ["become-maybe.yml", 2, 11, "play #1 in become-maybe.yml: become must be true or false (or a \"{{ template }}\"), got a string (\"maybe\")"],
    ["become-maybe.yml", 7, 15, "task \"Install packages\": become must be true or false (or a \"{{ template }}\"), got a string (\"sometimes\")"],
  ],
  'block-keywords.yml': [
    ["block-keywords.yml", 8, 11, "task \"Inner\": unknown key \"whn\" (did you mean \"when\"?)"],
    ["block-keywords.yml", 9, 7, "task \"Setup\": a block cannot loop"],
    ["block-keywords.yml", 10, 7, "task \"Setup\": register cannot be used on a block"],
  ],
  'delay-without-retries.yml': [
    ["delay-without-retries.yml", 5, 7, "task \"Flaky download\": delay needs until or retries"],
  ],
  'delegate-remote.yml': [
    ["delegate-remote.yml", 5, 20, "task \"Dump the database\": delegate_to \"db1\" is not supported: tsinfra only delegates to localhost (or 127.0.0.1)"],
  ],
  'duplicate-key.yml': [
    ["duplicate-key.yml", 7, 7, "duplicate key \"when\" (first defined at line 6)"],
  ],
  'empty.yml': [
    ["empty.yml", 1, 1, "the playbook is empty: expected a list of plays"],
  ],
  'environment-bad.yml': [
    ["environment-bad.yml", 3, 5, "play #1 in environment-bad.yml: invalid environment variable name \"BAD-NAME\" in environment"],
    ["environment-bad.yml", 8, 9, "task \"Env list\": environment must be a mapping of environment variable names (letters, digits, _) to strings (or a \"{{ template }}\"), got a list"],
  ],
  'fqcn-unknown.yml': [
    ["fqcn-unknown.yml", 4, 7, "task \"Typo in a full name\": unknown module \"ansible.builtin.aptt\" (did you mean \"apt\"?)"],
    ["fqcn-unknown.yml", 7, 7, "task \"A collection we do not have\": unknown module \"community.mysql.mysql_db\""],
  ],
  'hosts-missing.yml': [
    ["hosts-missing.yml", 1, 3, "play \"No hosts here\": hosts is required"],
  ],
  'import-cycle': [
    ["import-cycle/tasks/b.yml", 3, 17, "task #2 in tasks/b.yml: import cycle: tasks/a.yml → tasks/b.yml → tasks/a.yml"],
  ],
  'import-playbook-in-tasks.yml': [
    ["import-playbook-in-tasks.yml", 3, 7, "task #1 in import-playbook-in-tasks.yml: import_playbook belongs at the top level of a playbook, not in a task list"],
  ],
  'import-playbook-missing.yml': [
    ["import-playbook-missing.yml", 1, 20, "import_playbook #1 in import-playbook-missing.yml: playbook \"other.yml\" not found (looked for other.yml)"],
    ["import-playbook-missing.yml", 2, 20, "import_playbook #2 in import-playbook-missing.yml: the playbook path \"{{ which }}.yml\" uses \"which\", which is not known when the playbook loads"],
    ["import-playbook-missing.yml", 4, 3, "import_playbook #3 in import-playbook-missing.yml: unknown key \"when\""],
  ],
  'import-template-var.yml': [
    ["import-template-var.yml", 6, 21, "task #2 in import-template-var.yml: the import_tasks path \"tasks/{{ os_family }}.yml\" uses \"os_family\", which is not known when the playbook loads"],
  ],
  'include-keywords.yml': [
    ["include-keywords.yml", 5, 7, "task \"Include with become\": become on include_tasks would apply to the include only, not to the included tasks"],
    ["include-keywords.yml", 8, 7, "task \"Import with loop\": import_tasks is static and cannot loop"],
    ["include-keywords.yml", 11, 7, "task \"Include with register\": register cannot be used with include_tasks"],
  ],
  'include-role-string.yml': [
    ["include-role-string.yml", 3, 21, "task #1 in include-role-string.yml: include_role must be a mapping with name:, got a string (\"nginx\")"],
    ["include-role-string.yml", 4, 7, "task #2 in include-role-string.yml: import_role needs name: (the role to run)"],
  ],
  'loop-and-with-items.yml': [
    ["loop-and-with-items.yml", 7, 7, "task \"Both\": use loop or with_items, not both"],
    ["loop-and-with-items.yml", 11, 7, "task \"Control without loop\": loop_control needs loop"],
  ],
  'loop-control-typo.yml': [
    ["loop-control-typo.yml", 8, 9, "task \"Users\": unknown loop_control key \"lable\" (did you mean \"label\"?)"],
    ["loop-control-typo.yml", 9, 19, "task \"Users\": loop_control.loop_var must be a variable name, got a string (\"1st\")"],
  ],
  'loop-string.yml': [
    ["loop-string.yml", 6, 13, "task \"Install packages\": loop must be a list or a \"{{ template }}\" giving one, got a string (\"packages\")"],
    ["loop-string.yml", 11, 9, "task \"Loop over a mapping\": with_items must be a list or a \"{{ template }}\" giving one, got a mapping"],
  ],
  'meta-values.yml': [
    ["meta-values.yml", 4, 13, "task #2 in meta-values.yml: meta must be one of flush_handlers, refresh_inventory, noop, end_play, end_host, end_batch, clear_facts, clear_host_errors, reset_connection, got a string (\"flush_handler\") (did you mean \"flush_handlers\"?)"],
  ],
  'missing-import-tasks.yml': [
    ["missing-import-tasks.yml", 3, 21, "task #1 in missing-import-tasks.yml: import_tasks file \"tasks/nope.yml\" not found (looked for tasks/nope.yml)"],
    ["missing-import-tasks.yml", 4, 22, "task #2 in missing-import-tasks.yml: include_tasks file \"tasks/also-nope.yml\" not found (looked for tasks/also-nope.yml)"],
  ],
  'missing-role': [
    ["missing-role/site.yml", 4, 7, "play #1 in site.yml: role \"absent\" not found (looked in roles/absent)"],
    ["missing-role/site.yml", 5, 7, "play #1 in site.yml: role \"myrol\" not found (did you mean \"myrole\"?) (looked in roles/myrol)"],
  ],
  'missing-vars-file.yml': [
    ["missing-vars-file.yml", 3, 7, "play #1 in missing-vars-file.yml: vars file \"vars/nope.yml\" not found (looked for vars/nope.yml)"],
  ],
  'module-args.yml': [
    ["module-args.yml", 6, 16, "task \"Install packages\": apt.state must be one of present, absent, latest"],
    ["module-args.yml", 8, 7, "task \"Copy without dest\": copy.dest is required"],
    ["module-args.yml", 13, 9, "task \"Directory\": file: unknown argument 'mod'"],
    ["module-args.yml", 17, 15, "task \"Octal trap\": file.mode must be a quoted string: write mode: \"0755\""],
    ["module-args.yml", 23, 9, "task \"Args merged\": copy: unknown argument 'ownr'"],
  ],
  'multi-error.yml': [
    ["multi-error.yml", 3, 3, "play \"First\": unknown play key \"becom\" (did you mean \"become\"?)"],
    ["multi-error.yml", 8, 16, "task \"One\": apt.state must be one of present, absent, latest"],
    ["multi-error.yml", 9, 15, "task \"One\": notify \"nothing\" names no handler in play \"First\""],
    ["multi-error.yml", 13, 16, "task \"Two\": retries must be a whole number ≥ 0 (or a \"{{ template }}\"), got a string (\"x\")"],
    ["multi-error.yml", 14, 3, "play \"Second\": hosts is required"],
    ["multi-error.yml", 15, 11, "play \"Second\": serial must be a number of hosts ≥ 1, a percentage such as \"30%\", or a list of those, got a number (0)"],
    ["multi-error.yml", 19, 13, "task #3 in multi-error.yml: when: syntax error: unexpected end of condition at column 6 in condition: a and"],
  ],
  'no-module.yml': [
    ["no-module.yml", 3, 7, "task \"Forgot the module\" has no module: expected exactly one module key (apt, command, copy, debug, file, lineinfile, …)"],
  ],
  'not-a-list.yml': [
    ["not-a-list.yml", 1, 1, "a playbook must be a list of plays, found a mapping"],
  ],
  'rescue-without-block.yml': [
    ["rescue-without-block.yml", 5, 7, "task \"Try\": rescue needs a block in the same task"],
  ],
  'role-cycle': [
    ["role-cycle/roles/b/meta/main.yml", 2, 11, "role \"b\": role cycle: a → b → a"],
  ],
  'role-files': [
    ["role-files/roles/broken/defaults/main.yml", 1, 1, "role \"broken\" defaults: expected a mapping of variable names to values, found a list"],
    ["role-files/roles/broken/meta/main.yml", 1, 1, "role \"broken\" meta: unknown key \"dependences\" (did you mean \"dependencies\"?)"],
    ["role-files/roles/broken/tasks/main.yml", 6, 12, "task #2 in roles/broken/tasks/main.yml: apt.state must be one of present, absent, latest"],
    ["role-files/roles/broken/tasks/main.yml", 9, 17, "task #3 in roles/broken/tasks/main.yml: tasks_from \"missing\": no such file in roles/broken/tasks"],
    ["role-files/roles/broken/handlers/main.yml", 1, 3, "handler #1 in roles/broken/handlers/main.yml has neither name nor listen, so nothing can notify it"],
  ],
  'role-ref-typo': [
    ["role-ref-typo/site.yml", 4, 7, "role \"web\": unknown role key \"var\" (did you mean \"vars\"?)"],
    ["role-ref-typo/site.yml", 6, 7, "play #1 in site.yml: roles #2: unknown role key \"rolee\" (did you mean \"role\"?)"],
  ],
  'serial-negative.yml': [
    ["serial-negative.yml", 2, 11, "play #1 in serial-negative.yml: serial must be a number of hosts ≥ 1, a percentage such as \"30%\", or a list of those, got a number (-1)"],
    ["serial-negative.yml", 5, 15, "play #2 in serial-negative.yml: serial[1] must be a number of hosts ≥ 1, a percentage such as \"30%\", or a list of those, got a string (\"150%\")"],
  ],
  'strategy-bad.yml': [
    ["strategy-bad.yml", 2, 13, "play #1 in strategy-bad.yml: strategy must be one of linear, free, got a string (\"parallel\")"],
    ["strategy-bad.yml", 3, 24, "play #1 in strategy-bad.yml: max_fail_percentage must be a percentage 0-100 (or a \"{{ template }}\"), got a number (150)"],
  ],
  'syntax.yml': [
    ["syntax.yml", 3, 13, "invalid YAML: this quoted string is never closed"],
  ],
  'tags-bad.yml': [
    ["tags-bad.yml", 7, 9, "task \"Tagged with a mapping\": tags must be a tag or a list of tags, got a mapping"],
  ],
  'task-key-at-play.yml': [
    ["task-key-at-play.yml", 3, 3, "play \"Looks like a task\": \"apt\" is a task key, not a play key"],
    ["task-key-at-play.yml", 5, 3, "play \"Looks like a task\": \"register\" is a task key, not a play key"],
  ],
  'task-not-mapping.yml': [
    ["task-not-mapping.yml", 3, 7, "task #1 in task-not-mapping.yml must be a mapping of keywords, found a string (\"apt nginx\")"],
  ],
  'two-modules.yml': [
    ["two-modules.yml", 6, 7, "task \"Two at once\" has 2 module keys (apt, copy): a task runs exactly one module, block, include or import"],
  ],
  'unknown-handler.yml': [
    ["unknown-handler.yml", 8, 11, "task \"Configure nginx\": notify \"restart ngnix\" names no handler in play #1 in unknown-handler.yml (did you mean \"restart nginx\"?)"],
  ],
  'unknown-play-key.yml': [
    ["unknown-play-key.yml", 2, 3, "play #1 in unknown-play-key.yml: unknown play key \"gather_fact\" (did you mean \"gather_facts\"?)"],
  ],
  'unknown-task-key.yml': [
    ["unknown-task-key.yml", 6, 7, "task \"Install packages\": unknown key \"whne\" (did you mean \"when\"?)"],
  ],
  'unsupported.yml': [
    ["unsupported.yml", 2, 3, "play #1 in unsupported.yml: remote_user is not supported"],
    ["unsupported.yml", 4, 7, "task #1 in unsupported.yml: local_action is not supported"],
    ["unsupported.yml", 6, 7, "task \"Old include\": include is not supported"],
  ],
  'vars-bad-name.yml': [
    ["vars-bad-name.yml", 4, 5, "play #1 in vars-bad-name.yml: invalid variable name \"my-var\" in vars"],
    ["vars-bad-name.yml", 10, 9, "task \"Task vars\": invalid variable name \"2fast\" in vars"],
  ],
};

/** Shared files that cases import, not cases themselves. */
const SUPPORT = new Set(['tasks', 'templates']);

test('every case in bad/ has an expectation (and vice versa), at least 30 of them', () => {
  const cases = readdirSync(BAD).filter((n) => !SUPPORT.has(n)).sort();
  assert.deepEqual(cases, Object.keys(EXPECTED).sort());
  assert.ok(cases.length >= 30, `only ${cases.length} cases`);
});

for (const [name, expected] of Object.entries(EXPECTED)) {
  test(`bad/${name}`, async () => {
    const isDir = statSync(join(BAD, name)).isDirectory();
    const entry = isDir ? join(BAD, name, 'site.yml') : join(BAD, name);
    const err = await problemsOf(entry, { projectDir: isDir ? join(BAD, name) : BAD });
    assert.equal(err.code, 'TSI_CONFIG');
    const got = err.problems.map((p) => `${p.position.file}:${p.position.line}:${p.position.column}: ${p.message}`);
    assert.equal(err.problems.length, expected.length, `all problems reported together:\n${got.join('\n')}`);
    expected.forEach(([file, line, column, message], i) => {
      const p = err.problems[i]!;
      assert.ok(p instanceof ConfigError);
      assert.deepEqual(p.position, { file: join(BAD, file), line, column }, got[i]);
      assert.ok(p.message.startsWith(`${join(BAD, file)}:${line}:${column}: `), p.message);
      assert.ok(p.message.includes(message), `${p.message}\n  should contain: ${message}`);
      // One line, then for a YAML syntax error the offending lines with a caret (its code frame).
      assert.ok(!p.describe().slice(0, p.frame ? -p.frame.length - 1 : undefined).includes('\n'), `one line: ${p.describe()}`);
      assert.equal(p.frame !== undefined, message.startsWith('invalid YAML') || message.startsWith('duplicate key'), `a code frame only for YAML syntax: ${p.describe()}`);
    });
    // The aggregate lists them one per line, and nothing anywhere looks like a stack trace.
    assert.equal(err.message.split('\n').length, expected.length + err.problems.reduce((n, p) => n + (p.frame ? p.frame.split('\n').length : 0), 0));
    assert.ok(!err.message.includes('    at '), err.message);
    for (const p of err.problems) assert.ok(!`${p.message} ${p.hint ?? ''}`.includes('    at '));
  });
}
