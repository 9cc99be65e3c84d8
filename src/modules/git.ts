// git: a checkout of a repository at a version (branch, tag, commit or the remote's HEAD), as Ansible's
// ansible.builtin.git keeps it: clone when dest has no repository, else (with update) reset local changes when
// forced, point the remote at repo, fetch and switch to the version. The probe reads the checkout and asks the
// remote what the version is now (`git ls-remote`, read-only), so a checkout already there costs one exec and check
// mode reports Ansible's `after` (the remote's commit) without fetching. Registers before, after, remote_url_changed.
// Not supported: bare, separate_git_dir, archive, refspec, reference, submodules (recursive), verify_commit, umask.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, type ArgProblem } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';

const GitArgs = Type.Object(
  {
    repo: Type.String({ minLength: 1, description: 'The repository: a URL, user@host:path, or a path on the host (file://)' }),
    dest: Type.Optional(Type.String({ pattern: '^/', description: 'Where the checkout lives (required unless clone is false)' })),
    version: Type.String({ default: 'HEAD', minLength: 1, description: "A branch, tag or commit; HEAD: the remote's default branch" }),
    remote: Type.String({ default: 'origin', pattern: '^[A-Za-z0-9._-]+$', description: 'The remote name' }),
    force: Type.Boolean({ default: false, description: 'Discard local modifications of tracked files (else they fail the task)' }),
    depth: Type.Optional(Type.Integer({ minimum: 1, description: 'A shallow clone of this many commits (HEAD, branches and tags)' })),
    clone: Type.Boolean({ default: true, description: 'Clone when dest has no repository (false: only look up the remote)' }),
    update: Type.Boolean({ default: true, description: 'Fetch and switch an existing checkout (false: leave it as it is)' }),
    single_branch: Type.Boolean({ default: false, description: 'Clone only the history of version' }),
    accept_hostkey: Type.Boolean({ default: false, description: 'ssh -o StrictHostKeyChecking=no' }),
    accept_newhostkey: Type.Boolean({ default: false, description: 'ssh -o StrictHostKeyChecking=accept-new' }),
    key_file: Type.Optional(Type.String({ minLength: 1, description: 'The ssh private key on the host' })),
    ssh_opts: Type.Optional(Type.String({ description: 'More ssh options (shell words)' })),
  },
  { additionalProperties: false },
);
export type GitArgs = Static<typeof GitArgs>;

export interface GitState {
  exists: boolean;
  before?: string;
  modified: number;
  url?: string;
  /** What version names on the remote: a branch, a tag, or neither (a commit, as written). */
  kind: 'head' | 'branch' | 'tag' | 'commit';
  /** The remote's commit for version (version itself for a commit). */
  remoteHead: string;
  /** A commit version resolved in the existing checkout (empty when it is not there yet). */
  localCommit?: string;
}

/** Each change carries what version names on the remote: the apply switches to it accordingly. */
export type GitChange = { kind: GitState['kind'] } & (
  | { op: 'clone'; repo: string; dest: string }
  | { op: 'lookup'; repo: string }
  | { op: 'reset'; dest: string }
  | { op: 'set-url'; from: string; to: string }
  | { op: 'update'; from: string; to: string }
);

/** Ansible's rule: a path is a file:// URL (depth needs one). */
export function repoUrl(repo: string): string {
  return repo.startsWith('/') ? `file://${repo}` : repo;
}

function env(a: GitArgs): Script {
  const opts: string[] = [];
  if (a.key_file !== undefined) opts.push(`-i '${a.key_file.replace(/'/g, `'\\''`)}'`, '-o IdentitiesOnly=yes');
  let extra = a.ssh_opts ?? '';
  const pinned = /-o StrictHostKeyChecking=(no|accept-new)/.test(extra);
  if (a.accept_hostkey && !pinned) extra += ' -o StrictHostKeyChecking=no';
  else if (a.accept_newhostkey && !pinned) extra += ' -o StrictHostKeyChecking=accept-new';
  const command = ['ssh', ...opts, extra.trim()].filter((x) => x !== '').join(' ');
  const parts = [raw('export LC_ALL=C LANG=C GIT_TERMINAL_PROMPT=0')];
  if (command !== 'ssh') parts.push(sh`GIT_SSH_COMMAND=${command}; export GIT_SSH_COMMAND`);
  return joinScripts(parts);
}

/** Prints `kind=` and `remote_head=`: what version is on the remote now (Ansible's get_remote_head). */
function remoteHead(a: GitArgs): Script {
  return joinScripts([
    sh`tsi_repo=${repoUrl(a.repo)}; tsi_v=${a.version}`,
    raw(`if [ "$tsi_v" = HEAD ]; then
  if [ -n "$tsi_branch" ]; then tsi_out=$(git ls-remote "$tsi_repo" -h "refs/heads/$tsi_branch") || exit 3
  else tsi_out=$(git ls-remote "$tsi_repo" -h HEAD) || exit 3; fi
  echo kind=head
else
  tsi_out=$(git ls-remote "$tsi_repo" -h "refs/heads/$tsi_v") || exit 3
  if printf '%s' "$tsi_out" | grep -qF -- "$tsi_v"; then echo kind=branch
  else
    tsi_out=$(git ls-remote "$tsi_repo" -t "refs/tags/$tsi_v") || exit 3
    if printf '%s' "$tsi_out" | grep -qF -- "$tsi_v"; then
      tsi_out=$(git ls-remote "$tsi_repo" -t "refs/tags/$tsi_v*") || exit 3
      tsi_out=$(printf '%s\\n' "$tsi_out" | awk -v v="$tsi_v" 'substr($2, length($2) - length(v) - 2) == v "^{}" { p = $0; exit } substr($2, length($2) - length(v) + 1) == v { p = $0 } END { print p }')
      echo kind=tag
    else tsi_out=$tsi_v; echo kind=commit
    fi
  fi
fi
if [ -z "$tsi_out" ]; then echo "Could not determine remote revision for $tsi_v" >&2; exit 3; fi
printf 'remote_head=%s\\n' "$(printf '%s\\n' "$tsi_out" | awk 'NR == 1 { print $1 }')"`),
  ]);
}

/** The branch HEAD is on ($tsi_branch), or the remote's HEAD branch when detached (Ansible's get_head_branch). */
const HEAD_BRANCH = raw(`tsi_h=$(cat .git/HEAD)
case $tsi_h in
  'ref: refs/heads/'*) tsi_branch=\${tsi_h#ref: refs/heads/} ;;
  *) tsi_branch=$(sed -n 's#^ref: refs/remotes/[^/]*/##p' ".git/refs/remotes/$tsi_remote/HEAD" 2>/dev/null || true) ;;
esac`);

function probe(a: GitArgs): Script {
  const parts: Script[] = [env(a), sh`tsi_remote=${a.remote}; tsi_branch=`];
  if (a.dest !== undefined) {
    parts.push(
      sh`if [ -f ${posix.join(a.dest, '.git/config')} ]; then cd ${a.dest}; tsi_exists=1; else tsi_exists=0; fi`,
      raw('echo "exists=$tsi_exists"'),
      raw(`if [ "$tsi_exists" = 1 ]; then
  printf 'before=%s\\n' "$(git rev-parse HEAD 2>/dev/null || true)"
  printf 'modified=%s\\n' "$(git status --porcelain 2>/dev/null | grep -vc '^??' || true)"
  printf 'url=%s\\n' "$(git ls-remote --get-url "$tsi_remote" 2>/dev/null || true)"`),
      HEAD_BRANCH,
      sh`  printf 'local_commit=%s\\n' "$(git rev-parse --verify -q ${`${a.version}^{commit}`} 2>/dev/null || true)"`,
      raw('fi'),
    );
    // An existing checkout left alone needs nothing from the remote.
    if (!a.update) parts.push(raw('if [ "$tsi_exists" = 1 ]; then echo kind=commit; echo remote_head=; exit 0; fi'));
  } else parts.push(raw('echo exists=0'));
  parts.push(remoteHead(a));
  return joinScripts(parts);
}

export function parseGit(stdout: string): GitState {
  const kv = parseKeyValues(stdout);
  const kind = kv.get('kind');
  if (kind !== 'head' && kind !== 'branch' && kind !== 'tag' && kind !== 'commit') throw new PlanError('git', 'unexpected probe output: no kind=');
  return {
    exists: kv.get('exists') === '1',
    before: kv.get('before') || undefined,
    modified: Number(kv.get('modified') ?? 0) || 0,
    url: kv.get('url'),
    kind,
    remoteHead: kv.get('remote_head') ?? '',
    localCommit: kv.get('local_commit') || undefined,
  };
}

/** Ansible's unfrackgitpath comparison: the URLs as normalised paths (slashes collapsed, no trailing one). */
function sameUrl(a: string, b: string): boolean {
  const unfrack = (u: string) => posix.normalize(u).replace(/(.)\/+$/, '$1');
  return a === b || unfrack(a) === unfrack(b);
}

function plan(a: GitArgs, s: GitState): GitChange[] {
  const repo = repoUrl(a.repo);
  const kind = s.kind;
  if (!s.exists) return [a.clone ? { op: 'clone', kind, repo, dest: a.dest! } : { op: 'lookup', kind, repo }];
  if (!a.update) return [];
  if (s.modified > 0 && !a.force) throw new PlanError('git', `Local modifications exist in the destination: ${a.dest} (force=no).`);
  const out: GitChange[] = [];
  if (s.modified > 0) out.push({ op: 'reset', kind, dest: a.dest! });
  if (s.url === undefined || !sameUrl(s.url, repo)) out.push({ op: 'set-url', kind, from: s.url ?? '', to: repo });
  const target = s.kind === 'commit' ? s.localCommit ?? a.version : s.remoteHead;
  if (target !== s.before) out.push({ op: 'update', kind, from: s.before ?? '', to: target });
  return out;
}

/** Fetch (Ansible's fetch: --tags, or the one ref a shallow checkout needs) and switch to version (switch_version). */
function fetchAndSwitch(a: GitArgs, kind: GitState['kind'], fetch: boolean): Script {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const r = q(a.remote);
  const v = q(a.version);
  const lines: string[] = [];
  if (fetch) {
    const force = a.force ? ' --force' : '';
    let refspec = '';
    if (a.depth !== undefined) {
      if (kind === 'head') refspec = '"$tsi_branch"';
      else if (kind === 'branch') refspec = `${q(`+refs/heads/${a.version}:refs/remotes/${a.remote}/${a.version}`)}`;
      else if (kind === 'tag') refspec = q(`+refs/tags/${a.version}:refs/tags/${a.version}`);
    }
    lines.push(refspec ? `git fetch --depth ${a.depth}${force} ${r} ${refspec} >&2` : `git fetch --tags${force} ${r} >&2`);
  }
  if (kind === 'head') lines.push('git checkout --force "$tsi_branch" >&2', `git reset --hard ${r}/"$tsi_branch" -- >&2`);
  else if (kind === 'branch') {
    lines.push(`if git show-ref --verify -q refs/heads/${v}; then git checkout --force ${v} >&2; git reset --hard ${r}/${v} >&2; else git checkout --track -b ${v} ${r}/${v} >&2; fi`);
  } else lines.push(`git checkout --force ${v} >&2`);
  return raw(lines.join('\n'));
}

function apply(a: GitArgs, changes: readonly GitChange[]): Script {
  const parts: Script[] = [raw('set -eu'), env(a), sh`tsi_remote=${a.remote}`];
  const first = changes[0]!;
  const kind = first.kind;
  if (first.op === 'lookup') return joinScripts([...parts, raw('true')]);
  if (first.op === 'clone') {
    const opts: string[] = ['--origin', a.remote];
    const branchy = kind === 'branch' || kind === 'tag';
    if (a.depth !== undefined && (kind === 'head' || branchy)) opts.push('--depth', String(a.depth), ...(branchy ? ['--branch', a.version] : []));
    if (a.single_branch) opts.push('--single-branch', ...(branchy && a.depth === undefined ? ['--branch', a.version] : []));
    parts.push(sh`mkdir -p -- ${posix.dirname(first.dest)}`, sh`git clone ${opts} -- ${first.repo} ${first.dest} >&2`, sh`cd ${first.dest}`, HEAD_BRANCH, fetchAndSwitch(a, kind, false));
  } else {
    parts.push(sh`cd ${a.dest!}`);
    for (const c of changes) {
      if (c.op === 'reset') parts.push(raw('git reset --hard HEAD >&2'));
      if (c.op === 'set-url') parts.push(sh`git remote set-url ${a.remote} ${c.to} 2>/dev/null || git remote add ${a.remote} ${c.to}`);
    }
    parts.push(HEAD_BRANCH, fetchAndSwitch(a, kind, true));
  }
  parts.push(raw(`printf 'after=%s\\n' "$(git rev-parse HEAD)"`));
  return joinScripts(parts);
}

function describe(c: GitChange): string {
  switch (c.op) {
    case 'clone':
      return `clone ${c.repo} into ${c.dest}`;
    case 'lookup':
      return `look up ${c.repo} (clone is false)`;
    case 'reset':
      return `discard local modifications in ${c.dest}`;
    case 'set-url':
      return `remote url: ${c.from || '(none)'} → ${c.to}`;
    case 'update':
      return `check out ${c.to}${c.from ? ` (was ${c.from})` : ''}`;
  }
}

export const git = defineModule({
  name: 'git',
  summary: 'A git checkout at a version: clone, or fetch and switch an existing one',
  args: GitArgs,
  aliases: { name: 'repo' },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.dest === undefined && a.clone) out.push({ path: '/dest', message: 'git: the destination directory must be specified unless clone=no' });
    if (a.accept_hostkey && a.accept_newhostkey) out.push({ path: '/accept_newhostkey', message: 'git: parameters are mutually exclusive: accept_hostkey|accept_newhostkey' });
    return out;
  },
  probe,
  parse: (r) => parseGit(r.stdout),
  plan,
  apply,
  describe,
  result(a, s, changes, applied) {
    const out: Record<string, unknown> = { before: s.before ?? null };
    if (!s.exists) return { ...out, after: applied ? parseKeyValues(applied.stdout).get('after') : s.remoteHead };
    if (!a.update) return { ...out, after: s.before };
    const urlChanged = changes.some((c) => c.op === 'set-url' && c.from !== '');
    const after = applied ? parseKeyValues(applied.stdout).get('after') : s.kind === 'commit' ? a.version : s.remoteHead;
    const reset = applied && changes.some((c) => c.op === 'reset') ? { msg: `Local modifications exist in the destination: ${a.dest}` } : {};
    return { ...out, ...reset, remote_url_changed: urlChanged, after: changes.length > 0 || !applied ? after : s.before };
  },
});
