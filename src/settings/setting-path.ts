// A path setting as Ansible resolves it (utils/path.py unfrackpath, follow=False): $VAR and ${VAR} expanded, then
// ~, then made absolute against the base directory (the cfg file's directory, or the working directory for an
// environment variable), then normalised. `{{CWD}}` is Ansible's way to force the working directory.
import { isAbsolute, join, normalize } from 'node:path';

export interface PathBase {
  baseDir: string;
  env: Record<string, string | undefined>;
  home: string;
  cwd?: string;
}

/** Python's os.path.expandvars: unknown variables stay as written. */
function expandVars(path: string, env: Record<string, string | undefined>): string {
  return path.replace(/\$(\w+|\{[^}]*\})/g, (whole, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    return env[key] ?? whole;
  });
}

function expandUser(path: string, home: string): string {
  if (path === '~') return home;
  return path.startsWith('~/') ? join(home, path.slice(2)) : path;
}

export function resolveSettingPath(path: string, base: PathBase): string {
  const withCwd = path.includes('{{CWD}}') ? path.replaceAll('{{CWD}}', base.cwd ?? base.baseDir) : path;
  const expanded = expandUser(expandVars(withCwd, base.env), base.home);
  const absolute = isAbsolute(expanded) ? expanded : join(base.baseDir, expanded);
  const normal = normalize(absolute);
  return normal.length > 1 ? normal.replace(/\/+$/, '') : normal; // normpath drops a trailing slash
}
