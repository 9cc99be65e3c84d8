# Runs a command on a pseudo-terminal and answers its prompts, as a user at a terminal would (vars_prompt reads
# only a terminal, in Ansible and in tsinfra). Usage: pty-answers.py '[["prompt text", "answer"], …]' CMD ARGS…
# Each answer is typed (then Enter) once its prompt text has appeared after the previous one. Prints everything
# the terminal showed and exits with the command's exit code; kills it after 120 s.
import json, os, pty, select, signal, sys, time

pairs = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out, pos, i, deadline = b'', 0, 0, time.time() + 120
while time.time() < deadline:
    ready, _, _ = select.select([fd], [], [], 1)
    if ready:
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the command closed the terminal
            break
        if not data:
            break
        out += data
    while i < len(pairs) and pairs[i][0].encode() in out[pos:]:
        pos = out.index(pairs[i][0].encode(), pos) + len(pairs[i][0].encode())
        os.write(fd, pairs[i][1].encode() + b'\r')
        i += 1
else:
    os.kill(pid, signal.SIGKILL)
    out += b'\n[pty-answers: killed after 120 s]\n'
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
if i < len(pairs):
    sys.stdout.write('\n[pty-answers: prompt never shown: %r]\n' % pairs[i][0])
sys.exit(os.waitstatus_to_exitcode(status))
