// package: Ansible's generic package module. Ansible picks the host's package manager (`ansible_pkg_mgr`, or `use`)
// and hands it every other argument; tsinfra manages Debian hosts, whose manager is apt, so package *is* apt: the
// same arguments (plus `use`), the same probe, plan, apply and registered result. Ansible's yum/dnf state names
// `installed` and `removed` are accepted as present and absent. A host without apt-get fails at plan, saying so,
// instead of half-running.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, type Script } from '../shell/script.js';
import { apt, type AptArgs, type AptChange, type AptState } from './apt.js';
import { defineModule, PlanError, StringEnum, type ArgProblem } from './define.js';

const PackageArgs = Type.Object(
  {
    ...apt.args.properties,
    state: StringEnum(['present', 'absent', 'latest', 'installed', 'removed'], {
      default: 'present',
      description: 'present (installed), absent (removed) or latest',
    }),
    use: StringEnum(['auto', 'apt'], {
      default: 'auto',
      description: "The package manager: auto (the host's, which tsinfra requires to be apt) or apt",
    }),
  },
  { additionalProperties: false },
);
export type PackageArgs = Static<typeof PackageArgs>;

export interface PackageState extends AptState {
  /** The host has apt-get. */
  hasApt: boolean;
}

/** The apt arguments a package task means: the state named as apt names it, without `use`. */
export function aptArgsOf(a: PackageArgs): AptArgs {
  const { use: _use, state, ...rest } = a;
  return { ...rest, state: state === 'installed' ? 'present' : state === 'removed' ? 'absent' : state };
}

const NO_APT = 'no_apt_get=1';

export const packageModule = defineModule({
  name: 'package',
  summary: "Packages present, absent or latest with the host's package manager (apt: tsinfra manages Debian hosts)",
  args: PackageArgs,
  aliases: apt.aliases,
  normalize: (input) => apt.normalize!(input),
  refine: (a): ArgProblem[] => apt.refine!(aptArgsOf(a)).map((p) => ({ ...p, message: p.message.replace(/^apt(:| needs)/, 'package$1') })),
  probe: (a): Script => joinScripts([apt.probe(aptArgsOf(a))!, raw(`if ! command -v apt-get >/dev/null 2>&1; then echo ${NO_APT}; fi`)]),
  parse: (r, a): PackageState => ({ ...apt.parse(r, aptArgsOf(a)), hasApt: !r.stdout.split('\n').includes(NO_APT) }),
  plan(a, s: PackageState): AptChange[] {
    if (!s.hasApt) {
      throw new PlanError('package', 'the host has no apt-get: tsinfra manages packages with apt only (Debian and its derivatives)', {
        hint: a.use === 'auto' ? 'Ansible would pick yum, dnf, apk… here; tsinfra does not manage them' : undefined,
      });
    }
    return apt.plan(aptArgsOf(a), s);
  },
  apply: (a, changes) => apt.apply(aptArgsOf(a), changes),
  describe: (c) => apt.describe(c),
});
