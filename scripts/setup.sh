#!/usr/bin/env bash
# One-time set-up on a fresh Debian/Ubuntu machine, as root: the Debian packages the lab and the tests need,
# then the npm dependencies and the build. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "setup.sh: run as root (the lab creates network namespaces and mounts)" >&2
  exit 1
fi

packages=(
  openssh-server openssh-client # sshd inside every lab host; ssh for tests and the OpenSSH side of the bench
  iproute2 iptables             # lab networking; the firewall module
  ufw                           # the ufw module's twin test (namespace lab hosts share this root filesystem)
  sudo                          # become tests
  dpkg-dev                      # dpkg-scanpackages for the lab's local apt repository
  gnupg                         # signs the apt repository of the lab's ZeroTier test double
  debootstrap systemd-container # the systemd lab hosts' rootfs and systemd-nspawn
  procps psmisc util-linux      # ps, nsenter/unshare
  busybox                       # a second POSIX sh and sed: the apt probe is checked under them too
  cron unzip zip xz-utils       # crontab, unzip/zipinfo and xz: the cron and unarchive modules' twin test on lab hosts
  at patch locales libcap2-bin  # the at, patch, locale_gen and capabilities modules' twin test (community-batch-twin)
  ca-certificates git           # git: tsinfra roles install clones git role sources (and its twin test)
  make e2fsprogs python3-venv python3-pip # the make, filesystem and pip modules' twin test (build-batch-twin)
  rsync                         # synchronize: rsync on the controller and (sharing this root) on namespace lab hosts
  ansible python3-jinja2        # the oracles for the Jinja differential tests only; not used at run time
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build --silent
