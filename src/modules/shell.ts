// shell: a command line run by /bin/sh -c (pipes, redirections, variables), or by `executable`.
import { Type, type Static } from '@sinclair/typebox';
import { sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { defineAction } from './define.js';
import { commandJob, commandScript, normalizeFreeForm, runCommand, sharedRunOptions } from './command.js';

const ShellArgs = Type.Object(
  {
    cmd: Type.String({ minLength: 1, description: 'The shell command line' }),
    creates: Type.Optional(Type.String({ minLength: 1, description: 'Skip when this path (or glob with * and ?) exists' })),
    removes: Type.Optional(Type.String({ minLength: 1, description: 'Run only when this path (or glob) exists' })),
    chdir: Type.Optional(Type.String({ minLength: 1, description: 'Change into this directory first' })),
    executable: Type.String({ default: '/bin/sh', pattern: '^/', description: 'The shell that runs cmd (with -c)' }),
    stdin: Type.Optional(Type.String({ description: 'Text given to the command on standard input' })),
    stdin_add_newline: Type.Boolean({ default: true }),
    strip_empty_ends: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);
export type ShellArgs = Static<typeof ShellArgs>;

export const shell = defineAction({
  name: 'shell',
  summary: 'Run a command line through a shell (/bin/sh by default)',
  args: ShellArgs,
  normalize: normalizeFreeForm,
  checkMode: 'skip',
  controllerOnly: false,
  script: (a) => commandScript(shellProgram(a), { ...sharedRunOptions(a), prelude: shellPrelude(a) }),
  async run(a, io) {
    return runCommand(io, shellProgram(a), { ...sharedRunOptions(a), prelude: shellPrelude(a), cmd: a.cmd });
  },
  asyncJob: (a) => commandJob(shellProgram(a), { ...sharedRunOptions(a), prelude: shellPrelude(a), cmd: a.cmd }),
});

// A child shell: the user's line runs without our script's set -eu and exits with its own status. The line
// reaches it through the environment, decoded by printf (a builtin), never through argv: `ps` on the host
// shows `/bin/sh -c 'eval …'`, not the line, which may hold a secret (a no_log task's password, say).
function shellPrelude(a: ShellArgs): Script {
  const encoded = secret(Buffer.from(a.cmd).toString('base64'));
  return sh`__tsinfra_cmd="$(printf '%s' ${encoded} | base64 -d)" && export __tsinfra_cmd`;
}

function shellProgram(a: ShellArgs): Script {
  return sh`${a.executable} -c ${'c=$__tsinfra_cmd; unset __tsinfra_cmd; eval "$c"'}`;
}
