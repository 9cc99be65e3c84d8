// Login users for become tests on lab hosts, both logging in with the lab key: `deploy` may sudo without a
// password, `deploypw` needs its password. Idempotent, so tests may call it again.
import { hostExec, ok, type LabInfo } from './lab.js';

const SCRIPT = `set -e
for u in deploy deploypw; do
  id "$u" >/dev/null 2>&1 || useradd -m -s /bin/sh "$u"
  install -d -m 700 -o "$u" -g "$u" /home/$u/.ssh
  install -m 600 -o "$u" -g "$u" /root/.ssh/authorized_keys /home/$u/.ssh/authorized_keys
done
echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy
echo 'deploypw ALL=(ALL) ALL' > /etc/sudoers.d/deploypw
chmod 440 /etc/sudoers.d/deploy /etc/sudoers.d/deploypw
chpasswd`;

/** The password goes to chpasswd on stdin, never on a command line. */
export async function addSudoUsers(lab: LabInfo, hosts: readonly string[], deploypwPassword: string): Promise<void> {
  await Promise.all(hosts.map(async (h) => ok(await hostExec(lab, h, SCRIPT, `deploypw:${deploypwPassword}\n`), `sudo users on ${h}`)));
}
