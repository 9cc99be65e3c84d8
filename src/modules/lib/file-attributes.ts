// The argument schemas of the modules that write a file on the host: an absolute path, the file's attributes (mode,
// owner, group: one fragment a module spreads into its TypeBox schema) and the validate command.
import { Type } from '@sinclair/typebox';
import { expecting } from '../define.js';

export const AbsPath = (description?: string, options: { default?: string } = {}) =>
  expecting(Type.String({ pattern: '^/', ...(description ? { description } : {}), ...options }), 'an absolute path (starting with /)');

/** Octal modes as strings only: YAML reads an unquoted 0644 as the number 644 (the registry explains). */
export const Mode = () =>
  expecting(
    Type.String({ pattern: '^0?[0-7]{3,4}$', description: 'Octal mode as a quoted string, e.g. "0644"', 'x-octal-mode': true }),
    'an octal mode as a quoted string, like "0644"',
  );

export const Owner = (what: 'owner' | 'group') =>
  expecting(
    Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?$', description: `${what === 'owner' ? 'User' : 'Group'} name or numeric id` }),
    `a ${what === 'owner' ? 'user' : 'group'} name or numeric id`,
  );

export const Validate = () =>
  expecting(
    Type.String({ pattern: '%s', description: 'Command run on the new file before it replaces the old one; %s is its path' }),
    'a command containing %s (the path of the new file)',
  );

/** mode, owner and group, each optional: `Type.Object({ dest: AbsPath(), ...fileAttributes(), … })`. */
export const fileAttributes = () => ({
  mode: Type.Optional(Mode()),
  owner: Type.Optional(Owner('owner')),
  group: Type.Optional(Owner('group')),
});
