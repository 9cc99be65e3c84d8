// ansible.cfg read the way Ansible reads it: Python's configparser.ConfigParser(inline_comment_prefixes=(';',)),
// strict (a repeated section or key is an error), values fetched raw (no %-interpolation).
import { settingsError } from './settings-error.js';

export interface IniEntry {
  /** The raw value: continuation lines joined with '\n', trailing blank lines dropped. */
  value: string;
  line: number;
}

export interface IniFile {
  file: string;
  /** Section name (case kept) → key (lower-cased, as configparser's optionxform does) → entry. */
  sections: Map<string, Map<string, IniEntry>>;
  /** `[DEFAULT]`: configparser hands these to every section that lacks the key. */
  defaults: Map<string, IniEntry>;
}

const SECTION = /^\[(.+)\]/; // configparser's SECTCRE: greedy, so `[a] x]` is section `a] x`
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/; // OPTCRE: the key ends at the first `=` or `:`

/** Where an inline `;` comment starts: configparser wants it at the start or after whitespace. */
function inlineCommentStart(line: string): number | undefined {
  for (let i = line.indexOf(';'); i !== -1; i = line.indexOf(';', i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1]!)) return i;
  }
  return undefined;
}

export function parseIniFile(text: string, file: string): IniFile {
  const sections = new Map<string, Map<string, IniEntry>>();
  const defaults = new Map<string, IniEntry>();
  const seenSections = new Set<string>();
  const seenKeys = new Set<string>(); // `section\0key`: strict configparser refuses a repeat, [DEFAULT] included
  const values = new Map<IniEntry, string[]>();
  let current: Map<string, IniEntry> | undefined;
  let currentName = '';
  let option: IniEntry | undefined;
  let indentLevel = 0;
  const problems: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    let commentStart = inlineCommentStart(raw);
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) commentStart = 0;
    const value = raw.slice(0, commentStart).trim();
    if (!value) {
      // A blank line inside a value is kept (empty_lines_in_values); a comment line is not.
      if (commentStart === undefined && option) values.get(option)!.push('');
      return;
    }
    const indent = raw.search(/\S/);
    if (current && option && indent > indentLevel) {
      values.get(option)!.push(value);
      return;
    }
    indentLevel = indent;
    const header = SECTION.exec(value);
    if (header) {
      const name = header[1]!;
      if (name === 'DEFAULT') current = defaults;
      else {
        if (seenSections.has(name)) throw settingsError({ file, line: lineNo, column: 1 }, `section [${name}] appears twice`, 'merge the two sections into one');
        seenSections.add(name);
        current = new Map();
        sections.set(name, current);
      }
      currentName = name;
      option = undefined;
      return;
    }
    if (!current) throw settingsError({ file, line: lineNo, column: indent + 1 }, `expected a section header such as [defaults] before ${JSON.stringify(value)}`);
    const m = OPTION.exec(value);
    if (!m || !m[1]) {
      problems.push(`${file}:${lineNo}:${indent + 1}: expected key = value or key: value, got ${JSON.stringify(value)}`);
      option = undefined;
      return;
    }
    const key = m[1].trimEnd().toLowerCase();
    if (seenKeys.has(`${currentName}\0${key}`)) {
      throw settingsError({ file, line: lineNo, column: indent + 1 }, `key ${JSON.stringify(key)} appears twice in [${currentName}] (first at line ${current.get(key)!.line})`);
    }
    seenKeys.add(`${currentName}\0${key}`);
    option = { value: '', line: lineNo };
    values.set(option, [m[3]!.trim()]);
    current.set(key, option);
  });
  if (problems.length > 0) throw settingsError(undefined, problems.join('; '));
  for (const [entry, parts] of values) entry.value = parts.join('\n').trimEnd();
  return { file, sections, defaults };
}

/** configparser's get(section, key): the section's own key, else [DEFAULT]'s; a missing section has nothing. */
export function iniValue(ini: IniFile, section: string, key: string): IniEntry | undefined {
  const own = ini.sections.get(section);
  if (!own) return undefined;
  return own.get(key) ?? ini.defaults.get(key);
}
