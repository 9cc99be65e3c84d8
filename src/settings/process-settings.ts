// The settings of this process (its environment, working directory and home), read once.
import { homedir } from 'node:os';
import { loadSettings, type Settings } from './load-settings.js';

let loaded: Settings | undefined;

export function processSettings(): Settings {
  return (loaded ??= loadSettings({ env: process.env, cwd: process.cwd(), home: homedir() }));
}
