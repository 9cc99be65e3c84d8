// The module registry (src/modules/registry.ts) as the loader's ModuleCatalog.
import { getModule, moduleNames, moduleSchemas, validateArgs } from '../modules/registry.js';
import { supportsAsync } from '../modules/async-support.js';
import type { ModuleCatalog } from './module-catalog.js';

export const registryCatalog: ModuleCatalog = {
  names: () => moduleNames(),
  validate: (name, args) => validateArgs(name, args),
  normalize: (name, raw) => {
    const mod = getModule(name);
    return mod?.normalize ? mod.normalize(raw) : raw;
  },
  aliases: (name) => getModule(name)?.aliases ?? {},
  supportsAsync: (name) => supportsAsync(getModule(name)),
  schemas: () => moduleSchemas(),
};
