// Where the tasks being read sit, shared by the loaders (play, role, task file, dynamic include).
import type { YamlSource } from '../config/yaml-source.js';
import type { Section, TaskSettings } from './playbook-plan.js';

/** Where the tasks being read sit: what they inherit and how relative paths resolve. */
export interface TaskScope {
  settings: TaskSettings;
  /**
   * The role run the tasks belong to; `vars` are its reference's vars (roles: … vars:, a dependency's or an
   * import's vars:) over those its parent roles pass down: Ansible's role-level vars, below the role's vars/main.
   */
  role?: { key: string; name: string; dir: string; vars?: Record<string, unknown> };
  section: Section;
  /** The file being read. */
  file: string;
  /** Directories a relative import/include path is looked up in, in order. */
  searchDirs: string[];
  /** Task files being imported (absolute), to refuse import cycles. */
  chain: string[];
  /** Role directories being expanded, to refuse dependency cycles. */
  roleStack: string[];
  /** Reading a handlers list. */
  handlers: boolean;
  /** Inside an include_role: the roles it imports are seen by their own tasks only, not play-wide. */
  included?: boolean;
}

/** Numbers the tasks of one file in document order, for `task #3 in site.yml`. */
export interface TaskCursor {
  source: YamlSource;
  file: string;
  count: number;
}
