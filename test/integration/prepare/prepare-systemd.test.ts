// prepare on 5 systemd hosts (real systemd and journald, like production).
import { startLab } from '../../support/lab.js';
import { prepareChecks } from './prepare-checks.js';

const lab = await startLab({ kind: 'systemd', hosts: 5 });
prepareChecks(() => lab);
