// A task's module arguments: merge `args:` under the module's own value, run them through the catalog, and put
// each problem at the line:column of the argument it is about. Problems about a templated value are left to the
// engine (the value is only known per host).
import type { SourcePosition } from '../errors.js';
import type { Site } from './check-value.js';
import type { ModuleCatalog } from './module-catalog.js';
import { nodeAtPointer, pointerCrossesTemplate, valueOf, type MapEntry } from './yaml-nodes.js';

export interface ModuleArgs {
  args: unknown;
  at: SourcePosition;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
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
  const own = valueOf(source, moduleEntry.node);
  const extra = argsEntry ? (valueOf(source, argsEntry.node) as Record<string, unknown> | null) : undefined;
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
  for (const problem of result.problems) {
    if (pointerCrossesTemplate(args, problem.path)) continue;
    site.problems.add(locate(site, problem.path, problem.message, moduleEntry, argsEntry, own), `${site.label}: ${problem.message}`);
  }
  return { args, at };
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
