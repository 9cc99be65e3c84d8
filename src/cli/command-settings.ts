// The settings a command runs with (ansible.cfg, ANSIBLE_*), their warnings on stderr once, and at -v, once, the
// keys we do not read.
import { processSettings } from '../settings/process-settings.js';
import type { Settings } from '../settings/load-settings.js';

let warned = false;
let noted = false;

export function commandSettings(verbose = 0): Settings {
  const settings = processSettings();
  if (!warned) {
    warned = true;
    for (const w of settings.warnings) process.stderr.write(`tsinfra: warning: ${w}\n`);
  }
  if (verbose > 0 && !noted) {
    noted = true;
    if (settings.configFile) process.stderr.write(`tsinfra: using ${settings.configFile}\n`);
    for (const n of settings.notes) process.stderr.write(`tsinfra: ${n}\n`);
  }
  return settings;
}
