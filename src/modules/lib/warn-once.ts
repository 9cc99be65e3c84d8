// A warning a module gives once per run (Ansible's [DEPRECATION WARNING]), on stderr in the CLI's warning format.
// Modules have no channel for warnings yet (the loader's plan.warnings belongs to src/playbook); this is the one
// place that writes, so that channel can replace it later. Tests may swap the sink.
const given = new Set<string>();
let sink: (line: string) => void = (line) => process.stderr.write(line);

export function warnOnce(key: string, message: string): void {
  if (given.has(key)) return;
  given.add(key);
  sink(`tsinfra: warning: ${message}\n`);
}

/** For tests: where warnings go; returns the previous sink. Clears what was already given. */
export function setWarningSink(next: (line: string) => void): (line: string) => void {
  const prev = sink;
  sink = next;
  given.clear();
  return prev;
}
