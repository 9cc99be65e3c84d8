// Ansible's serialisation filters: to_json/to_nice_json (json.dumps), to_yaml/to_nice_yaml (yaml.dump with
// AnsibleDumper), from_json, from_yaml, from_yaml_all.
import { bind, type FilterDef } from '../registry.js';
import { JinjaRuntimeError, isString, pyTruthy, pyTypeName, toNumber, toStr } from '../values.js';
import { ansibleError } from './ansible-common.js';
import { jsonDumps, jsonLoads, type DumpOptions } from './py-json.js';
import { yamlDump, yamlLoad, yamlLoadAll, type YamlDumpOptions } from './py-yaml.js';

/** json.dumps keyword arguments; the ones Ansible adds itself are accepted and ignored. */
function jsonOptions(name: string, kw: Record<string, unknown>): DumpOptions {
  const o: DumpOptions = {};
  for (const [k, v] of Object.entries(kw)) {
    switch (k) {
      case 'indent':
        o.indent = v === null ? null : isString(v) ? toStr(v) : ' '.repeat(Math.max(0, toNumber(v)));
        break;
      case 'sort_keys':
        o.sortKeys = pyTruthy(v);
        break;
      case 'ensure_ascii':
        o.ensureAscii = pyTruthy(v);
        break;
      case 'separators': {
        if (!Array.isArray(v) || v.length !== 2) throw new JinjaRuntimeError('separators must be a (item_separator, key_separator) pair');
        o.itemSep = toStr(v[0]);
        o.keySep = toStr(v[1]);
        break;
      }
      case 'skipkeys':
      case 'check_circular':
      case 'allow_nan':
      case 'vault_to_text':
      case 'preprocess_unsafe':
        break;
      default:
        throw new JinjaRuntimeError(`${name}() got an unexpected keyword argument '${k}'`);
    }
  }
  return o;
}

function yamlOptions(name: string, kw: Record<string, unknown>): YamlDumpOptions {
  const o: YamlDumpOptions = {};
  for (const [k, v] of Object.entries(kw)) {
    switch (k) {
      case 'indent':
        o.indent = toNumber(v);
        break;
      case 'width':
        o.width = toNumber(v);
        break;
      case 'default_flow_style':
        o.defaultFlowStyle = v === null ? null : pyTruthy(v);
        break;
      case 'sort_keys':
        o.sortKeys = pyTruthy(v);
        break;
      case 'explicit_start':
        o.explicitStart = pyTruthy(v);
        break;
      case 'explicit_end':
        o.explicitEnd = pyTruthy(v);
        break;
      case 'allow_unicode':
      case 'encoding':
      case 'line_break':
        break;
      default:
        throw ansibleError(`${name} - dump_all() got an unexpected keyword argument '${k}'`);
    }
  }
  return o;
}

export const dataFilters: FilterDef[] = [
  {
    name: 'to_json',
    fn: (_ctx, input, args, kwargs) => {
      const positional = ['skipkeys', 'ensure_ascii', 'check_circular', 'allow_nan', 'cls', 'indent', 'separators'];
      const kw = { ...kwargs };
      args.forEach((a, i) => {
        const k = positional[i];
        if (k === undefined || k === 'cls') throw new JinjaRuntimeError('to_json() takes keyword arguments only');
        kw[k] = a;
      });
      return jsonDumps(input, jsonOptions('to_json', kw));
    },
  },
  {
    name: 'to_nice_json',
    fn: (_ctx, input, args, kwargs) => {
      const { indent, sort_keys, ...rest } = { ...kwargs };
      const b = bind('to_nice_json', args, { ...(indent !== undefined ? { indent } : {}), ...(sort_keys !== undefined ? { sort_keys } : {}) }, ['indent', 'sort_keys'], { indent: 4, sort_keys: true });
      return jsonDumps(input, { ...jsonOptions('to_nice_json', { ...rest, indent: b.indent, sort_keys: b.sort_keys }), itemSep: ',', keySep: ': ' });
    },
  },
  {
    name: 'from_json',
    fn: (_ctx, input, args, kwargs) => {
      bind('from_json', args, kwargs, []);
      if (!isString(input)) throw new JinjaRuntimeError(`the JSON object must be str, bytes or bytearray, not ${pyTypeName(input)}`);
      return jsonLoads(toStr(input));
    },
  },
  {
    name: 'to_yaml',
    fn: (_ctx, input, args, kwargs) => {
      if (args.length > 0) throw new JinjaRuntimeError('to_yaml takes keyword arguments only');
      const o = yamlOptions('to_yaml', kwargs);
      o.defaultFlowStyle ??= null;
      return yamlDump(input, o);
    },
  },
  {
    name: 'to_nice_yaml',
    fn: (_ctx, input, args, kwargs) => {
      const { indent, ...rest } = kwargs;
      const b = bind('to_nice_yaml', args, indent === undefined ? {} : { indent }, ['indent'], { indent: 4 });
      if (Object.hasOwn(rest, 'default_flow_style')) throw ansibleError("to_nice_yaml - dump() got multiple values for keyword argument 'default_flow_style'");
      return yamlDump(input, { ...yamlOptions('to_nice_yaml', rest), indent: toNumber(b.indent), defaultFlowStyle: false });
    },
  },
  {
    name: 'from_yaml',
    fn: (_ctx, input, args, kwargs) => {
      bind('from_yaml', args, kwargs, []);
      return isString(input) ? yamlLoad(toStr(input)) : input;
    },
  },
  {
    name: 'from_yaml_all',
    fn: (_ctx, input, args, kwargs) => {
      bind('from_yaml_all', args, kwargs, []);
      return isString(input) ? yamlLoadAll(toStr(input)) : input;
    },
  },
];

