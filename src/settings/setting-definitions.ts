// The ansible.cfg keys and ANSIBLE_* variables tsinfra reads: names, sections, types and variables as in
// ansible-core 2.14's lib/ansible/config/base.yml (and the ssh connection plugin's options for ssh_args and the
// [ssh_connection] spellings). Within one source the LAST matching entry wins, as in Ansible's _loop_entries.

/** How Ansible's ensure_type reads the text: `pathlist` splits on commas, `pathspec` on colons. */
export type SettingType = 'string' | 'int' | 'bool' | 'list' | 'path' | 'pathlist' | 'pathspec';

export interface SettingValues {
  inventory: string[];
  remoteUser: string | undefined;
  privateKeyFile: string | undefined;
  forks: number;
  rolesPath: string[];
  hostKeyChecking: boolean | undefined;
  timeout: number;
  become: boolean;
  becomeMethod: string;
  becomeUser: string;
  becomeAskPass: boolean;
  vaultPasswordFile: string | undefined;
  vaultIdentityList: string[];
  retryFilesEnabled: boolean;
  retryFilesSavePath: string | undefined;
  gathering: string;
  stdoutCallback: string;
  callbacksEnabled: string[];
  sshArgs: string | undefined;
}

export type SettingName = keyof SettingValues;

export interface SettingDefinition<N extends SettingName = SettingName> {
  name: N;
  /** ansible-config's name (DEFAULT_FORKS), or undefined for a connection-plugin option. */
  ansible?: string;
  type: SettingType;
  ini: { section: string; key: string }[];
  env: string[];
  /** tsinfra's default, which may differ from Ansible's (`ansibleDefault`). */
  default: SettingValues[N];
  ansibleDefault: string;
  choices?: string[];
  /** What tsinfra does with it, for `config dump` and the docs. */
  meaning: string;
}

const def = <N extends SettingName>(d: SettingDefinition<N>): SettingDefinition<N> => d;
const defaults = (key: string) => [{ section: 'defaults', key }];
const privilege = (key: string) => [{ section: 'privilege_escalation', key }];

export const SETTING_DEFINITIONS: readonly SettingDefinition[] = [
  def({ name: 'inventory', ansible: 'DEFAULT_HOST_LIST', type: 'pathlist', ini: defaults('inventory'), env: ['ANSIBLE_INVENTORY'], default: [], ansibleDefault: '/etc/ansible/hosts', meaning: '-i when none is given (after $TSINFRA_INVENTORY)' }),
  def({ name: 'remoteUser', ansible: 'DEFAULT_REMOTE_USER', type: 'string', ini: defaults('remote_user'), env: ['ANSIBLE_REMOTE_USER'], default: undefined, ansibleDefault: '(the local user)', meaning: '-u/--user' }),
  def({ name: 'privateKeyFile', ansible: 'DEFAULT_PRIVATE_KEY_FILE', type: 'path', ini: defaults('private_key_file'), env: ['ANSIBLE_PRIVATE_KEY_FILE'], default: undefined, ansibleDefault: '(none)', meaning: '--private-key' }),
  def({ name: 'forks', ansible: 'DEFAULT_FORKS', type: 'int', ini: defaults('forks'), env: ['ANSIBLE_FORKS'], default: 50, ansibleDefault: '5', meaning: '-f/--forks' }),
  def({ name: 'rolesPath', ansible: 'DEFAULT_ROLES_PATH', type: 'pathspec', ini: defaults('roles_path'), env: ['ANSIBLE_ROLES_PATH'], default: [], ansibleDefault: '~/.ansible/roles:/usr/share/ansible/roles:/etc/ansible/roles', meaning: '--roles-path' }),
  def({
    name: 'hostKeyChecking',
    ansible: 'HOST_KEY_CHECKING',
    type: 'bool',
    ini: [...defaults('host_key_checking'), { section: 'ssh_connection', key: 'host_key_checking' }],
    env: ['ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_SSH_HOST_KEY_CHECKING'],
    default: undefined,
    ansibleDefault: 'True',
    meaning: '--host-key-policy: True → strict, False → accept-new (unknown keys are recorded, changed keys still refused)',
  }),
  def({ name: 'timeout', ansible: 'DEFAULT_TIMEOUT', type: 'int', ini: [...defaults('timeout'), { section: 'ssh_connection', key: 'timeout' }], env: ['ANSIBLE_TIMEOUT', 'ANSIBLE_SSH_TIMEOUT'], default: 10, ansibleDefault: '10', meaning: '-T/--timeout (SSH connect, seconds)' }),
  def({ name: 'become', ansible: 'DEFAULT_BECOME', type: 'bool', ini: privilege('become'), env: ['ANSIBLE_BECOME'], default: false, ansibleDefault: 'False', meaning: '-b/--become' }),
  def({ name: 'becomeMethod', ansible: 'DEFAULT_BECOME_METHOD', type: 'string', ini: privilege('become_method'), env: ['ANSIBLE_BECOME_METHOD'], default: 'sudo', ansibleDefault: 'sudo', meaning: 'only sudo: any other method is refused' }),
  def({ name: 'becomeUser', ansible: 'DEFAULT_BECOME_USER', type: 'string', ini: privilege('become_user'), env: ['ANSIBLE_BECOME_USER'], default: 'root', ansibleDefault: 'root', meaning: '--become-user' }),
  def({ name: 'becomeAskPass', ansible: 'DEFAULT_BECOME_ASK_PASS', type: 'bool', ini: privilege('become_ask_pass'), env: ['ANSIBLE_BECOME_ASK_PASS'], default: false, ansibleDefault: 'False', meaning: '-K/--ask-become-pass' }),
  def({ name: 'vaultPasswordFile', ansible: 'DEFAULT_VAULT_PASSWORD_FILE', type: 'path', ini: defaults('vault_password_file'), env: ['ANSIBLE_VAULT_PASSWORD_FILE'], default: undefined, ansibleDefault: '(none)', meaning: 'the vault password file' }),
  def({ name: 'vaultIdentityList', ansible: 'DEFAULT_VAULT_IDENTITY_LIST', type: 'list', ini: defaults('vault_identity_list'), env: ['ANSIBLE_VAULT_IDENTITY_LIST'], default: [], ansibleDefault: '[]', meaning: 'vault ids, label@source' }),
  def({ name: 'retryFilesEnabled', ansible: 'RETRY_FILES_ENABLED', type: 'bool', ini: defaults('retry_files_enabled'), env: ['ANSIBLE_RETRY_FILES_ENABLED'], default: true, ansibleDefault: 'False', meaning: 'write PLAYBOOK.retry listing failed and unreachable hosts' }),
  def({ name: 'retryFilesSavePath', ansible: 'RETRY_FILES_SAVE_PATH', type: 'path', ini: defaults('retry_files_save_path'), env: ['ANSIBLE_RETRY_FILES_SAVE_PATH'], default: undefined, ansibleDefault: '(beside the playbook)', meaning: 'directory of retry files (tsinfra default ~/.tsinfra/retry)' }),
  def({ name: 'gathering', ansible: 'DEFAULT_GATHERING', type: 'string', ini: defaults('gathering'), env: ['ANSIBLE_GATHERING'], default: 'implicit', ansibleDefault: 'implicit', choices: ['implicit', 'explicit', 'smart'], meaning: 'gather_facts default: explicit → false, implicit and smart → true' }),
  def({ name: 'stdoutCallback', ansible: 'DEFAULT_STDOUT_CALLBACK', type: 'string', ini: defaults('stdout_callback'), env: ['ANSIBLE_STDOUT_CALLBACK'], default: 'default', ansibleDefault: 'default', meaning: 'json → --json; others are shown as text' }),
  def({
    name: 'callbacksEnabled',
    ansible: 'CALLBACKS_ENABLED',
    type: 'list',
    ini: [...defaults('callback_whitelist'), ...defaults('callbacks_enabled')],
    env: ['ANSIBLE_CALLBACK_WHITELIST', 'ANSIBLE_CALLBACKS_ENABLED'],
    default: [],
    ansibleDefault: '[]',
    meaning: 'profile_tasks → the slowest-tasks profile; others ignored',
  }),
  def({ name: 'sshArgs', type: 'string', ini: [{ section: 'ssh_connection', key: 'ssh_args' }], env: ['ANSIBLE_SSH_ARGS'], default: undefined, ansibleDefault: '-C -o ControlMaster=auto -o ControlPersist=60s', meaning: 'its -o ConnectTimeout, StrictHostKeyChecking, UserKnownHostsFile, ServerAliveInterval' }),
];

/** Keys Ansible users set that tsinfra knows and deliberately does not follow, and why (said once at -v). */
export const IGNORED_KEYS: Record<string, string> = {
  pipelining: 'tsinfra always sends scripts on stdin (always pipelined)',
  interpreter_python: 'tsinfra runs POSIX sh on the hosts and needs no Python there',
  python_interpreter: 'tsinfra runs POSIX sh on the hosts and needs no Python there',
  control_path: 'tsinfra keeps one SSH connection per host for the whole run',
  control_path_dir: 'tsinfra keeps one SSH connection per host for the whole run',
  transport: 'tsinfra connects over SSH (ssh2) only; delegate_to: localhost runs locally',
  scp_if_ssh: 'files travel inside the script session, not over scp/sftp',
  transfer_method: 'files travel inside the script session, not over scp/sftp',
  local_tmp: 'tsinfra keeps no controller temp directory',
  remote_tmp: 'tsinfra sends scripts on stdin and keeps no remote temp directory',
  nocows: 'tsinfra never draws cows',
  deprecation_warnings: 'tsinfra has no deprecation warnings to silence',
  command_warnings: 'removed from Ansible 2.14 too',
  log_path: 'use --log-file',
  host_pattern_mismatch: 'an unmatched pattern always warns',
};
