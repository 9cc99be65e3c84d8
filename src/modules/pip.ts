// pip (ansible.builtin.pip): Python packages installed, upgraded, reinstalled or removed with pip, in a virtualenv
// (made first with virtualenv_command when it has no bin/activate) or for a python on the host. Ansible runs pip
// every time and reads "Successfully installed"; here the probe asks pip itself without changing anything: for
// present/latest `pip install --dry-run` (with the same options) says "Would install …" when something would change,
// for absent `pip list --format=freeze` says what is installed (Ansible's _is_present). forcereinstall always changes.
// Registers Ansible's keys: cmd (the pip command as a list), name, version, state, requirements, virtualenv, stdout
// and stderr (pip's output: the install's, or when nothing changed the dry run's, which prints the same lines).
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, StringEnum, type ArgProblem, type Change, type ExecResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';
import { splitWords } from '../shell/split-words.js';

const PipArgs = Type.Object(
  {
    name: Type.Optional(Type.Array(Type.String(), { description: 'Packages (names, name==version, paths or URLs)' })),
    version: Type.Optional(Type.String({ description: 'The version of the one package in name' })),
    requirements: Type.Optional(Type.String({ description: 'A requirements file (relative to chdir)' })),
    virtualenv: Type.Optional(Type.String({ minLength: 1, description: 'The virtualenv to install into, made when missing' })),
    virtualenv_site_packages: Type.Boolean({ default: false }),
    virtualenv_command: Type.String({ default: 'virtualenv', description: 'How the virtualenv is made, e.g. "python3 -m venv"' }),
    virtualenv_python: Type.Optional(Type.String()),
    state: StringEnum(['absent', 'forcereinstall', 'latest', 'present'], { default: 'present' }),
    extra_args: Type.Optional(Type.String({ description: 'More pip options, e.g. "--no-index --find-links /srv/wheels"' })),
    editable: Type.Boolean({ default: false }),
    chdir: Type.Optional(Type.String({ minLength: 1 })),
    executable: Type.Optional(Type.String({ minLength: 1, description: 'The pip to run (not with virtualenv)' })),
    umask: Type.Optional(Type.String({ pattern: '^[0-7]+$' })),
  },
  { additionalProperties: false },
);
export type PipArgs = Static<typeof PipArgs>;

const STATE_WORDS: Record<PipArgs['state'], string[]> = {
  present: ['install'],
  absent: ['uninstall', '-y'],
  latest: ['install', '-U'],
  forcereinstall: ['install', '-U', '--force-reinstall'],
};
const OPERATORS = ['>=', '<=', '>', '<', '==', '!=', '~='];
const PLAIN = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*((?:(?:~=|==|!=|<=|>=|<|>|===)\s*[A-Za-z0-9.*+!_-]+\s*,?\s*)*)$/;

/** Ansible's _recover_package_name: comma-split words joined back onto the package their specifiers belong to. */
export function recoverPackageNames(names: readonly string[]): string[] {
  const words = names.flatMap((n) => n.split(','));
  const out: string[] = [];
  let parts: string[] = [];
  let inBrackets = false;
  for (const w of words) {
    if (!OPERATORS.some((op) => w.trimStart().startsWith(op)) && !inBrackets) {
      if (parts.length > 0) out.push(parts.join(','));
      parts = [];
    }
    if (w.includes('[')) inBrackets = true;
    if (inBrackets && w.includes(']')) inBrackets = false;
    parts.push(w);
  }
  out.push(parts.join(','));
  return out;
}

/** A requirement as pkg_resources reads it: canonical name and specifiers; undefined for a path, URL or VCS name. */
export interface Requirement {
  /** Lower case, runs of -_. as one - (Ansible's canonicalize_name). */
  name: string;
  /** As str(Requirement) writes it: `name[extras]op1v1,op2v2` without spaces. */
  text: string;
  specs: [string, string][];
}

export function parseRequirement(text: string): Requirement | undefined {
  const m = PLAIN.exec(text);
  if (!m) return undefined;
  const specs = [...m[3]!.matchAll(/(~=|===|==|!=|<=|>=|<|>)\s*([A-Za-z0-9.*+!_-]+)/g)].map((s): [string, string] => [s[1]!, s[2]!]);
  return { name: m[1]!.replace(/[-_.]+/g, '-').toLowerCase(), text: `${m[1]}${(m[2] ?? '').replace(/\s/g, '')}${specs.map(([o, v]) => o + v).join(',')}`, specs };
}

/** Package(name, version): the name with `==version` (or ` version` when it starts with an operator). */
function withVersion(name: string, version: string): string {
  const v = version.trimStart();
  return /^[0-9]/.test(v) ? `${name}==${v}` : `${name} ${v}`;
}

/** The packages as the pip command gets them (Ansible's to_native(Package)). */
export function pipPackages(a: PipArgs): string[] {
  const packages = recoverPackageNames(a.name ?? []);
  if (a.version !== undefined) packages[0] = withVersion(parseRequirement(packages[0]!)?.text ?? packages[0]!, a.version);
  return packages.map((p) => parseRequirement(p)?.text ?? p);
}

/** Version order good enough for specifiers over release numbers (1.10 > 1.9; a suffix sorts before its release). */
function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.+-]/);
  const pb = b.split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function satisfies(version: string, specs: readonly [string, string][]): boolean {
  return specs.every(([op, v]) => {
    if (v.endsWith('.*')) {
      const prefix = v.slice(0, -2);
      const match = version === prefix || version.startsWith(`${prefix}.`);
      return op === '!=' ? !match : match;
    }
    const c = compareVersions(version, v);
    return { '==': c === 0, '===': version === v, '!=': c !== 0, '<=': c <= 0, '>=': c >= 0, '<': c < 0, '>': c > 0, '~=': c >= 0 }[op] ?? false;
  });
}

/** Ansible's _is_present over `pip list --format=freeze` lines. */
export function isPresent(req: string, freeze: string): boolean {
  const r = parseRequirement(req);
  if (!r) return false;
  return freeze.split('\n').some((line) => {
    if (!line.includes('==')) return false;
    const [name, version] = line.split('==');
    return name!.replace(/[-_.]+/g, '-').toLowerCase() === r.name && satisfies(version!.trim(), r.specs);
  });
}

export interface PipState {
  venvMissing: boolean;
  /** The pip command's first words (venv pip, an executable, or python -m pip.__main__). */
  pip: string[];
  python: string;
  /** present/latest: the dry run said something would be installed (or failed: then the install shows why). */
  wouldInstall?: boolean;
  freeze?: string;
  stdout: string;
  stderr: string;
}

export interface PipChange extends Change {
  op: 'venv' | 'pip';
  what: string;
}

/** The virtualenv as Ansible joins it with chdir. */
function venvPath(a: PipArgs): string | undefined {
  if (a.virtualenv === undefined) return undefined;
  if (a.chdir === undefined || a.virtualenv.startsWith('/')) return a.virtualenv;
  return `${a.chdir.replace(/\/+$/, '')}/${a.virtualenv}`;
}

function extraWords(a: PipArgs): string[] {
  let extra = a.extra_args;
  if (a.editable) {
    const list = extra ? extra.split(' ') : [];
    if (!list.includes('-e')) extra = [...list, '-e'].join(' ');
  }
  return extra ? splitWords(extra) : [];
}

/** Everything after the pip words: the state's, extra_args', then the packages or -r file. */
function pipArguments(a: PipArgs): string[] {
  const target = a.name !== undefined ? pipPackages(a) : ['-r', a.requirements ?? ''];
  return [...STATE_WORDS[a.state], ...extraWords(a), ...target];
}

const SBIN = 'PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin"';

/** Sets tsi_cwd, tsi_py and the pip words (one per line in tsi_pip) as Ansible's _get_pip finds them. */
function locatePip(a: PipArgs): Script {
  const env = venvPath(a);
  const parts: Script[] = [
    sh`tsi_cwd=${a.chdir ?? ''}; [ -n "$tsi_cwd" ] || tsi_cwd=\${TMPDIR:-/tmp}`,
    raw(`tsi_py=$(${SBIN} command -v python3 || ${SBIN} command -v python || true)`),
  ];
  if (a.executable !== undefined && a.executable.startsWith('/')) parts.push(sh`tsi_pip=${a.executable}`);
  else if (a.executable !== undefined) {
    parts.push(sh`tsi_pip=$(${raw(SBIN)} command -v ${a.executable}) || { printf 'Unable to find any of %s to use.  pip needs to be installed.\\n' ${a.executable} >&2; exit 3; }`);
  } else if (env !== undefined) {
    parts.push(
      sh`tsi_env=${env}`,
      raw(`if [ -x "$tsi_env/bin/pip3" ]; then tsi_pip=$tsi_env/bin/pip3; elif [ -x "$tsi_env/bin/pip" ]; then tsi_pip=$tsi_env/bin/pip; else printf 'Unable to find pip in the virtualenv, %s, under any of these names: pip3, pip. Make sure pip is present in the virtualenv.\\n' "$tsi_env" >&2; exit 3; fi`),
    );
  } else {
    parts.push(
      raw(`if [ -n "$tsi_py" ] && "$tsi_py" -c 'import importlib.util, sys; sys.exit(importlib.util.find_spec("pip") is None)' 2>/dev/null; then tsi_pip=$(printf '%s\\n-m\\npip.__main__' "$tsi_py");`),
      raw(`else tsi_pip=$(${SBIN} command -v pip3) || { echo 'Unable to find any of pip3 to use.  pip needs to be installed.' >&2; exit 3; }; fi`),
    );
  }
  return joinScripts(parts);
}

/** "$@" set to the pip words, then `args`. */
const setPip = (args: string[]): Script => sh`tsi_ifs=$IFS; IFS='
'; set -- $tsi_pip; IFS=$tsi_ifs; set -- "$@" ${args}`;

function probe(a: PipArgs): Script {
  const env = venvPath(a);
  const parts: Script[] = [];
  if (env !== undefined) parts.push(sh`if [ ! -e ${env}/bin/activate ]; then echo venv=missing; exit 0; fi`);
  parts.push(locatePip(a), raw(`printf 'pip_b64='; printf '%s' "$tsi_pip" | base64 -w0; echo; echo "python=$tsi_py"`), raw('cd "$tsi_cwd"'));
  if (a.state === 'forcereinstall') return stateScript(parts);
  if (a.state === 'absent') {
    parts.push(setPip(['list', '--format=freeze']), raw(`printf 'freeze_b64='; LC_ALL=C LANG=C "$@" 2>/dev/null | base64 -w0; echo`));
  } else {
    const [first, ...rest] = pipArguments(a);
    parts.push(
      setPip([first!, '--dry-run', ...rest]),
      ...(env !== undefined ? [sh`PATH=${env}/bin:$PATH`] : []),
      raw('tsi_o=$(mktemp); tsi_e=$(mktemp); tsi_rc=0; "$@" >"$tsi_o" 2>"$tsi_e" </dev/null || tsi_rc=$?'),
      raw(`echo "rc=$tsi_rc"; printf 'out_b64='; base64 -w0 < "$tsi_o"; echo; printf 'err_b64='; base64 -w0 < "$tsi_e"; echo; rm -f "$tsi_o" "$tsi_e"`),
    );
  }
  return stateScript(parts);
}

function parse(r: ExecResult, a: PipArgs): PipState {
  const kv = parseKeyValues(r.stdout);
  const text = (k: string) => fromBase64(kv.get(k)).toString('utf8');
  if (kv.get('venv') === 'missing') return { venvMissing: true, pip: [], python: '', stdout: '', stderr: '' };
  const s: PipState = { venvMissing: false, pip: text('pip_b64').split('\n'), python: kv.get('python') ?? '', stdout: '', stderr: '' };
  if (a.state === 'absent') s.freeze = text('freeze_b64');
  else if (a.state !== 'forcereinstall') {
    s.stdout = text('out_b64');
    s.stderr = text('err_b64');
    s.wouldInstall = kv.get('rc') !== '0' || /^Would install /m.test(s.stdout);
  }
  return s;
}

function plan(a: PipArgs, s: PipState): PipChange[] {
  const what = a.name !== undefined ? pipPackages(a).join(' ') : `-r ${a.requirements}`;
  const pip: PipChange = { op: 'pip', what: `${a.state === 'absent' ? 'uninstall' : a.state === 'present' ? 'install' : a.state} ${what}` };
  if (s.venvMissing) return [{ op: 'venv', what: venvPath(a)! }, pip];
  if (a.state === 'forcereinstall') return [pip];
  if (a.state === 'absent') return pipPackages(a).some((p) => isPresent(p, s.freeze ?? '')) ? [pip] : [];
  return s.wouldInstall ? [pip] : [];
}

/** The virtualenv command as setup_virtualenv builds it (the env appended). */
function venvScript(a: PipArgs, env: string): Script {
  const cmd = splitWords(a.virtualenv_command);
  const isVenv = ['pyvenv', '-m venv'].some((x) => a.virtualenv_command.includes(x));
  const tail: string[] = [];
  if (a.virtualenv_site_packages) tail.push('--system-site-packages');
  const first = cmd[0]!.includes('/') ? sh`tsi_venv=${cmd[0]!}` : sh`tsi_venv=$(${raw(SBIN)} command -v ${cmd[0]!}) || { printf 'Failed to find required executable "%s"\\n' ${cmd[0]!} >&2; exit 3; }`;
  const python = !isVenv ? (a.virtualenv_python !== undefined ? sh` ${`-p${a.virtualenv_python}`}` : raw(' "-p$tsi_py"')) : raw('');
  return joinScripts([
    first,
    sh`(cd "$tsi_cwd" && "$tsi_venv" ${[...cmd.slice(1), ...tail]}${python} ${env}) >>"$tsi_o" 2>>"$tsi_e" </dev/null || { cat "$tsi_o" "$tsi_e" >&2; exit 3; }`,
  ]);
}

function apply(a: PipArgs, changes: readonly PipChange[]): Script {
  const env = venvPath(a);
  const parts: Script[] = [raw('tsi_o=$(mktemp); tsi_e=$(mktemp)')];
  if (a.umask !== undefined) parts.push(sh`umask ${a.umask}`);
  if (changes.some((c) => c.op === 'venv') && env !== undefined) {
    parts.push(sh`tsi_cwd=${a.chdir ?? ''}; [ -n "$tsi_cwd" ] || tsi_cwd=\${TMPDIR:-/tmp}`, raw(`tsi_py=$(${SBIN} command -v python3 || ${SBIN} command -v python || true)`), venvScript(a, env));
  }
  parts.push(
    locatePip(a),
    raw(`printf 'pip_b64='; printf '%s' "$tsi_pip" | base64 -w0; echo`),
    setPip(pipArguments(a)),
    ...(env !== undefined ? [sh`PATH=${env}/bin:$PATH`] : []),
    raw('tsi_p=$(mktemp); tsi_q=$(mktemp); tsi_rc=0; (cd "$tsi_cwd" && "$@") >"$tsi_p" 2>"$tsi_q" </dev/null || tsi_rc=$?'),
    raw('cat "$tsi_p" >>"$tsi_o"; cat "$tsi_q" >>"$tsi_e"'),
    raw(`printf 'out_b64='; base64 -w0 < "$tsi_o"; echo; printf 'err_b64='; base64 -w0 < "$tsi_e"; echo`),
    // uninstall exits 1 for a package that is not installed: not a failure (Ansible's rule).
    sh`if [ "$tsi_rc" != 0 ] && ! { [ "$tsi_rc" = 1 ] && [ ${a.state} = absent ] && grep -q 'not installed' "$tsi_p" "$tsi_q"; }; then printf 'stdout: %s\\n:stderr: %s\\n' "$(cat "$tsi_o")" "$(cat "$tsi_e")" >&2; exit 3; fi`,
    raw('rm -f "$tsi_o" "$tsi_e" "$tsi_p" "$tsi_q"'),
  );
  return stateScript(parts);
}

export const pip = defineModule({
  name: 'pip',
  summary: 'Python packages installed, upgraded or removed with pip, in a virtualenv or not (ansible.builtin.pip)',
  args: PipArgs,
  aliases: { requirement: 'requirements' },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.name === undefined && a.requirements === undefined) out.push({ path: '', message: 'pip: one of the following is required: name, requirements' });
    if (a.name !== undefined && a.requirements !== undefined) out.push({ path: '', message: 'pip: parameters are mutually exclusive: name|requirements' });
    if (a.executable !== undefined && a.virtualenv !== undefined) out.push({ path: '', message: 'pip: parameters are mutually exclusive: executable|virtualenv' });
    if (a.state === 'latest' && a.version !== undefined) out.push({ path: '/version', message: 'pip: version is incompatible with state=latest' });
    if (a.version !== undefined && recoverPackageNames(a.name ?? []).length > 1) {
      out.push({ path: '/version', message: "pip: 'version' argument is ambiguous when installing multiple package distributions. Please specify version restrictions next to each package in 'name' argument." });
    } else if (a.version !== undefined && (parseRequirement(a.name?.[0] ?? '')?.specs.length ?? 0) > 0) {
      out.push({ path: '/version', message: "pip: The 'version' argument conflicts with any version specifier provided along with a package name. Please keep the version specifier, but remove the 'version' argument." });
    }
    if (a.virtualenv_python !== undefined && ['pyvenv', '-m venv'].some((x) => a.virtualenv_command.includes(x))) {
      out.push({ path: '/virtualenv_python', message: 'pip: virtualenv_python should not be used when using the venv module or pyvenv as virtualenv_command' });
    }
    return out;
  },
  probe,
  parse,
  plan,
  apply,
  describe: (c) => (c.op === 'venv' ? `create the virtualenv ${c.what}` : `pip ${c.what}`),
  result(a, s, _changes, applied) {
    const kv = applied ? parseKeyValues(applied.stdout) : undefined;
    const pipWords = kv ? fromBase64(kv.get('pip_b64')).toString('utf8').split('\n') : s.pip;
    const stdout = kv ? fromBase64(kv.get('out_b64')).toString('utf8') : s.stdout;
    const stderr = kv ? fromBase64(kv.get('err_b64')).toString('utf8') : s.stderr;
    const lines = (t: string) => t.split(/\r?\n/).filter((l, i, all) => l !== '' || i < all.length - 1);
    return {
      cmd: [...pipWords, ...pipArguments(a)], name: a.name ?? null, version: a.version ?? null, state: a.state,
      requirements: a.requirements ?? null, virtualenv: venvPath(a) ?? null,
      stdout, stderr, stdout_lines: lines(stdout), stderr_lines: lines(stderr), rc: undefined,
    };
  },
});
