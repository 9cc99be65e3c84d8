// A task's module arguments: merge `args:` under the module's own value, run them through the catalog, and put
// each problem at the line:column of the argument it is about. Problems about a templated value are left to the
// engine (the value is only known per host).
import type { SourcePosition } from '../errors.js';
import type { Site } from './check-value.js';
import type { ModuleCatalog } from './module-catalog.js';
import { isScalar, type ParsedNode } from 'yaml';
import type { YamlSource } from '../config/yaml-source.js';
import { mapEntries, nodeAtPointer, pointerCrossesTemplate, valueOf, type MapEntry } from './yaml-nodes.js';

export interface ModuleArgs {
  args: unknown;
  at: SourcePosition;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * `mode: 0644` unquoted: YAML 1.1 reads the number 420, and Ansible passes that on as the mode. The source text shows
 * what was meant, so the argument becomes the text "0644". Without the leading zero (`mode: 644`) nothing is known
 * for sure, and the module refuses the number.
 */
function octalMode(source: YamlSource, node: ParsedNode | null, value: unknown): unknown {
  const mode = mapEntries(source, node)?.find((e) => e.key === 'mode')?.node;
  if (!isPlainObject(value) || !isScalar(mode) || mode.type !== 'PLAIN' || !/^0[0-7]{3,4}$/.test(mode.source ?? '')) return value;
  return { ...value, mode: mode.source };
}

/** Merge and check; problems go to `site`. */
export function checkModuleArgs(
  site: Site,
  catalog: ModuleCatalog,
  module: string,
  moduleEntry: MapEntry,
  argsEntry: MapEntry | undefined,
): ModuleArgs {
  const { source } = site;
  const own = octalMode(source, moduleEntry.node, valueOf(source, moduleEntry.node));
  const extra = argsEntry ? (octalMode(source, argsEntry.node, valueOf(source, argsEntry.node)) as Record<string, unknown> | null) : undefined;
  let args: unknown = own;
  if (isPlainObject(extra)) {
    if (own === null || own === undefined) args = { ...extra };
    else if (isPlainObject(own)) args = { ...extra, ...own };
    else {
      const reshaped = catalog.normalize ? catalog.normalize(module, own) : { _raw_params: own };
      args = isPlainObject(reshaped) ? { ...extra, ...reshaped } : reshaped;
    }
  }
  const at = source.positionOfNode(moduleEntry.node ?? moduleEntry.keyNode);
  const result = catalog.validate(module, args);
  if (result.ok) return { args, at };
  const aliases = catalog.aliases?.(module) ?? {};
  for (const problem of result.problems) {
    const path = asWritten(problem.path, args, aliases);
    if (pointerCrossesTemplate(args, path)) continue;
    site.problems.add(locate(site, path, problem.message, moduleEntry, argsEntry, own), `${site.label}: ${problem.message}`);
  }
  return { args, at };
}

/** A problem's pointer at the argument as written: `/path` is `/dest` when the task wrote the alias dest. */
function asWritten(pointer: string, args: unknown, aliases: Readonly<Record<string, string>>): string {
  const [, first = '', ...rest] = pointer.split('/');
  if (!isPlainObject(args) || first in args) return pointer;
  const alias = Object.keys(aliases).find((a) => aliases[a] === first && a in args);
  return alias === undefined ? pointer : ['', alias, ...rest].join('/');
}

/** The position of the argument a JSON pointer names: in the module's own mapping, else in `args:`. */
function locate(site: Site, pointer: string, message: string, moduleEntry: MapEntry, argsEntry: MapEntry | undefined, own: unknown): SourcePosition {
  const { source } = site;
  const moduleKeyAt = source.positionOfNode(moduleEntry.keyNode);
  if (pointer === '') return source.positionOfNode(moduleEntry.node ?? moduleEntry.keyNode);
  const first = pointer.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '';
  const inOwn = isPlainObject(own) && first in own;
  const origin = inOwn ? moduleEntry.node : argsEntry && isPlainObject(valueOf(source, argsEntry.node)) && first in (valueOf(source, argsEntry.node) as object) ? argsEntry.node : null;
  if (!origin) return moduleKeyAt; // a missing (required) argument: point at the module
  const target = nodeAtPointer(source, origin, pointer);
  if (!target.complete) return target.node === origin ? moduleKeyAt : source.positionOfNode(target.node ?? target.keyNode ?? moduleEntry.keyNode);
  const aboutKey = /unknown (argument|key)/i.test(message) || target.node === null;
  if (aboutKey && target.keyNode) return source.positionOfNode(target.keyNode);
  return source.positionOfNode(target.node ?? target.keyNode);
}
