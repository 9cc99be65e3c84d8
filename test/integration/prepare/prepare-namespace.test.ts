// prepare on 5 namespace hosts (no systemd: init scripts via `service`).
import { startLab } from '../../support/lab.js';
import { prepareChecks } from './prepare-checks.js';

const lab = await startLab({ kind: 'namespace', hosts: 5 });
prepareChecks(() => lab);
