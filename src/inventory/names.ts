// Which group names we accept. Ansible only warns about `-` and `.` in group names, and real inventories
// use them (`web-servers`), so they stay legal; characters that mean something in host patterns do not.

const GROUP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** The keys of a YAML inventory group: a group with one of these names could not be written in YAML. */
export const RESERVED_GROUP_NAMES: ReadonlySet<string> = new Set(['hosts', 'vars', 'children']);

export interface NameProblem {
  message: string;
  hint: string;
}

/** Why `name` cannot name a group, or undefined when it can. */
export function groupNameProblem(name: string): NameProblem | undefined {
  if (RESERVED_GROUP_NAMES.has(name)) {
    return {
      message: `"${name}" is a reserved word and cannot name a group`,
      hint: 'hosts, vars and children are the keys of a YAML inventory group; rename the group',
    };
  }
  if (!GROUP_NAME.test(name)) {
    return {
      message: `invalid group name "${name}": use letters, digits, "_", "-" and "." only`,
      hint: 'characters such as spaces , : ! & * ? ~ [ ] @ have a meaning in host patterns',
    };
  }
  return undefined;
}
