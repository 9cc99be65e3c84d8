// The files of the lab's `zerotier-one` TEST DOUBLE package (ZeroTier cannot be installed on the lab machine).
// It imitates the real package's interface: `zerotier-cli` with the real output formats and exit codes, the
// `zerotier-one` service (SysV init script and systemd unit), and the node identity in /var/lib/zerotier-one.
// There is no network virtualisation: the lab's Central stand-in (central-server.ts) creates each host's `zt…`
// interface on the lab's vpn bridge when the node is authorized, and writes the network state this CLI reads.
// POSIX sh only: namespace hosts may lack python3, and Debian's /bin/sh is dash.

/** What `zerotier-cli -v` and `info` report: the release the double imitates. */
export const ZT_DOUBLE_VERSION = '1.14.0';
/** The Debian version: upstream 1.14.0, revision marking it as the lab's test double. */
export const ZT_DOUBLE_PACKAGE_VERSION = `${ZT_DOUBLE_VERSION}-tsinfra-double`;
/** Where the shared shell functions go on the host. */
const LIB = '/usr/lib/zerotier-one-double/lib.sh';

// Shared by every script. The network state file, networks.d/<nwid>.conf, holds key=value lines: the CLI writes it
// on join (REQUESTING_CONFIGURATION) and the lab's Central stand-in rewrites it (OK, ACCESS_DENIED, NOT_FOUND).
const LIB_SH = `# tsinfra lab: shell functions of the zerotier-one TEST DOUBLE (not ZeroTier). Sourced, never run.
ZT_VERSION=${ZT_DOUBLE_VERSION}
ZT_HOME=/var/lib/zerotier-one

# N random bytes as lower-case hex.
zt_hex() {
  od -An -N"$1" -tx1 /dev/urandom | tr -d ' \\n'
}

# identity.public is "<10-hex node id>:0:<public key hex>" (no newline), as the real one; identity.secret adds
# the private part. Node ids never start with ff and are never 0, as in ZeroTier.
zt_ensure_identity() {
  if [ -s "$ZT_HOME/identity.public" ] && [ -s "$ZT_HOME/identity.secret" ]; then return 0; fi
  mkdir -p "$ZT_HOME"
  while :; do
    zt_id=$(zt_hex 5)
    case $zt_id in ff*|0000000000) continue ;; esac
    break
  done
  zt_pub=$(zt_hex 64)
  (umask 077 && printf '%s:0:%s:%s' "$zt_id" "$zt_pub" "$(zt_hex 64)" > "$ZT_HOME/identity.secret")
  printf '%s:0:%s' "$zt_id" "$zt_pub" > "$ZT_HOME/identity.public"
}

zt_node_id() {
  cut -d: -f1 < "$ZT_HOME/identity.public"
}

zt_is_running() {
  zt_pid=$(cat "$ZT_HOME/zerotier-one.pid" 2>/dev/null) || return 1
  [ -n "$zt_pid" ] && kill -0 "$zt_pid" 2>/dev/null
}
`;

const CLI_SH = `#!/bin/sh
# zerotier-cli: TEST DOUBLE installed by the tsinfra lab's zerotier-one package (ZeroTier cannot be installed in
# the lab). Same commands, output formats and exit codes as the real zerotier-cli 1.14; network state comes from
# $ZT_HOME/networks.d/<nwid>.conf, which the lab's Central stand-in updates when the node is authorized.
# The library is found next to the script (/usr/sbin/../lib), so tests can run an unpacked copy.
. "\${0%/*}/../lib/zerotier-one-double/lib.sh"
set -f

zt_help() {
  cat <<EOF
ZeroTier One version $ZT_VERSION (tsinfra lab test double)
Usage: zerotier-cli [-switches] <command/path> [<args>]

Available switches:
  -h                      - Display this help
  -v                      - Show version
  -j                      - Display full raw JSON output
  -D<path>                - ZeroTier home path for parameter auto-detect

Available commands:
  info                    - Display status info
  listpeers               - List all peers
  listnetworks            - List all networks
  join <network>          - Join a network
  leave <network>         - Leave a network
EOF
}

json=0
cmd=
arg1=
for a in "$@"; do
  case $a in
    -j) json=1 ;;
    -D?*) ZT_HOME=\${a#-D} ;;
    -v) echo "$ZT_VERSION"; exit 0 ;;
    -q|-p?*|-T?*|-H?*) ;;
    -*) zt_help; exit 0 ;;
    *) if [ -z "$cmd" ]; then cmd=$a; elif [ -z "$arg1" ]; then arg1=$a; fi ;;
  esac
done

# As the real CLI: port and token are looked up before any command.
port=$(cat "$ZT_HOME/zerotier-one.port" 2>/dev/null)
case $port in
  ''|*[!0-9]*) echo "zerotier-cli: missing port and zerotier-one.port not found in $ZT_HOME" >&2; exit 2 ;;
esac
if ! [ -r "$ZT_HOME/authtoken.secret" ] || ! [ -s "$ZT_HOME/authtoken.secret" ]; then
  echo "zerotier-cli: missing authentication token and authtoken.secret not found (or readable) in $ZT_HOME" >&2
  exit 2
fi

zt_connect() {
  if ! zt_is_running; then
    printf 'Error connecting to the ZeroTier service: connection failed\\n\\nPlease check that the service is running and that TCP port 9993 can be contacted via 127.0.0.1.\\n'
    exit 1
  fi
}

zt_check_nwid() {
  case $1 in
    ????????????????) ;;
    *) echo 'invalid network id'; exit 2 ;;
  esac
  case $1 in
    *[!0-9a-fA-F]*) echo 'invalid network id'; exit 2 ;;
  esac
}

zt_read_conf() {
  nwid= status= name= type=PRIVATE mac= mtu=2800 device= addresses= routes= revision=0
  while IFS='=' read -r k v; do
    case $k in
      nwid) nwid=$v ;; status) status=$v ;; name) name=$v ;; type) type=$v ;; mac) mac=$v ;;
      mtu) mtu=$v ;; device) device=$v ;; addresses) addresses=$v ;; routes) routes=$v ;; revision) revision=$v ;;
    esac
  done < "$1"
}

# A comma list as a JSON array of strings (one per line, like the real CLI's 2-space dump), at indent $2.
zt_json_strings() {
  if [ -z "$1" ]; then printf '[]'; return; fi
  printf '[\\n'
  zt_first=1
  zt_ifs=$IFS; IFS=,
  for zt_x in $1; do
    [ $zt_first = 1 ] || printf ',\\n'
    printf '%s  "%s"' "$2" "$zt_x"
    zt_first=0
  done
  IFS=$zt_ifs
  printf '\\n%s]' "$2"
}

zt_json_routes() {
  if [ -z "$1" ]; then printf '[]'; return; fi
  printf '[\\n'
  zt_first=1
  zt_ifs=$IFS; IFS=,
  for zt_x in $1; do
    [ $zt_first = 1 ] || printf ',\\n'
    printf '%s  {\\n%s    "flags": 0,\\n%s    "metric": 0,\\n%s    "target": "%s",\\n%s    "via": null\\n%s  }' "$2" "$2" "$2" "$2" "$zt_x" "$2" "$2"
    zt_first=0
  done
  IFS=$zt_ifs
  printf '\\n%s]' "$2"
}

# One network object (keys sorted, as nlohmann::json prints them), indented by $1.
zt_network_json() {
  i=$1
  bc=false
  [ "$status" = OK ] && bc=true
  printf '%s{\\n' "$i"
  printf '%s  "allowDNS": false,\\n%s  "allowDefault": false,\\n%s  "allowGlobal": false,\\n%s  "allowManaged": true,\\n' "$i" "$i" "$i" "$i"
  printf '%s  "assignedAddresses": %s,\\n' "$i" "$(zt_json_strings "$addresses" "$i  ")"
  printf '%s  "bridge": false,\\n%s  "broadcastEnabled": %s,\\n%s  "dhcp": false,\\n' "$i" "$i" "$bc" "$i"
  printf '%s  "dns": {\\n%s    "domain": "",\\n%s    "servers": []\\n%s  },\\n' "$i" "$i" "$i" "$i"
  printf '%s  "id": "%s",\\n%s  "mac": "%s",\\n%s  "mtu": %s,\\n' "$i" "$nwid" "$i" "$mac" "$i" "$mtu"
  printf '%s  "multicastSubscriptions": [],\\n%s  "name": "%s",\\n%s  "netconfRevision": %s,\\n' "$i" "$i" "$name" "$i" "$revision"
  printf '%s  "nwid": "%s",\\n%s  "portDeviceName": "%s",\\n%s  "portError": 0,\\n' "$i" "$nwid" "$i" "$device" "$i"
  printf '%s  "routes": %s,\\n' "$i" "$(zt_json_routes "$routes" "$i  ")"
  printf '%s  "status": "%s",\\n%s  "type": "%s"\\n%s}' "$i" "$status" "$i" "$type" "$i"
}

# The joined networks' state files, in network id order (the real service lists them sorted too).
zt_conf_files() {
  set +f
  for f in "$ZT_HOME"/networks.d/*.conf; do
    case \${f##*/} in
      ????????????????.conf) [ -f "$f" ] && echo "$f" ;;
    esac
  done
  set -f
}

zt_join() {
  nw=$(echo "$1" | tr 'A-F' 'a-f')
  f=$ZT_HOME/networks.d/$nw.conf
  if [ ! -f "$f" ]; then
    mkdir -p "$ZT_HOME/networks.d"
    # The device name depends on the network only (same on every member), as ZeroTier's does.
    dev=zt$(printf '%s' "$nw" | sha256sum | cut -c1-8)
    id=$(zt_node_id)
    low=$(echo "$nw" | cut -c15-16)
    first=$(printf '%02x' $(( (0x$low & 254) | 2 )))
    m=$first:$(echo "$id" | sed 's/../&:/g; s/:$//')
    {
      echo '# tsinfra lab ZeroTier test double: this network state is written by zerotier-cli join and by the'
      echo "# lab's Central stand-in (the real zerotier-one keeps its network config in this file too)."
      printf 'nwid=%s\\nstatus=REQUESTING_CONFIGURATION\\nname=\\ntype=PRIVATE\\nmac=%s\\nmtu=2800\\ndevice=%s\\naddresses=\\nroutes=\\nrevision=0\\n' "$nw" "$m" "$dev"
    } > "$f.tmp"
    mv -f "$f.tmp" "$f"
    : > "$ZT_HOME/networks.d/$nw.local.conf"
  fi
  zt_read_conf "$f"
}

zt_leave() {
  nw=$(echo "$1" | tr 'A-F' 'a-f')
  f=$ZT_HOME/networks.d/$nw.conf
  nwid=$nw status=REQUESTING_CONFIGURATION name= type=PRIVATE mac= mtu=2800 device= addresses= routes= revision=0
  if [ -f "$f" ]; then
    zt_read_conf "$f"
    # Leaving removes the network's device, as zerotier-one does; the lab's veth pair goes with it.
    if [ -n "$device" ] && [ -e "/sys/class/net/$device" ]; then ip link del "$device" 2>/dev/null || true; fi
    rm -f "$f" "$ZT_HOME/networks.d/$nw.local.conf"
  fi
}

case $cmd in
  info|status)
    zt_connect
    id=$(zt_node_id)
    if [ $json = 1 ]; then
      printf '{\\n  "address": "%s",\\n  "clock": %s,\\n' "$id" "$(date +%s%3N)"
      printf '  "config": {\\n    "settings": {\\n      "allowTcpFallbackRelay": true,\\n      "portMappingEnabled": true,\\n      "primaryPort": %s,\\n      "softwareUpdate": "disable",\\n      "softwareUpdateChannel": "release"\\n    }\\n  },\\n' "$port"
      printf '  "online": true,\\n  "planetWorldId": 149604618,\\n  "planetWorldTimestamp": 1644592324813,\\n'
      printf '  "publicIdentity": "%s",\\n  "tcpFallbackActive": false,\\n' "$(cat "$ZT_HOME/identity.public")"
      maj=\${ZT_VERSION%%.*}; rest=\${ZT_VERSION#*.}; min=\${rest%%.*}; rev=\${rest#*.}
      printf '  "version": "%s",\\n  "versionBuild": 0,\\n  "versionMajor": %s,\\n  "versionMinor": %s,\\n  "versionRev": %s\\n}\\n' "$ZT_VERSION" "$maj" "$min" "$rev"
    else
      printf '200 info %s %s ONLINE\\n' "$id" "$ZT_VERSION"
    fi
    ;;
  listnetworks)
    zt_connect
    files=$(zt_conf_files)
    if [ $json = 1 ]; then
      if [ -z "$files" ]; then echo '[]'; exit 0; fi
      printf '['
      sep='\\n'
      for f in $files; do
        zt_read_conf "$f"
        printf "$sep"
        zt_network_json '  '
        sep=',\\n'
      done
      printf '\\n]\\n'
    else
      echo '200 listnetworks <nwid> <name> <mac> <status> <type> <dev> <ZT assigned ips>'
      for f in $files; do
        zt_read_conf "$f"
        printf '200 listnetworks %s %s %s %s %s %s %s\\n' "$nwid" "$name" "\${mac:--}" "\${status:--}" "\${type:--}" "\${device:--}" "\${addresses:--}"
      done
    fi
    ;;
  listpeers|peers)
    zt_connect
    if [ $json = 1 ]; then echo '[]'; else echo '200 listpeers <ztaddr> <path> <latency> <version> <role>'; fi
    ;;
  join)
    zt_check_nwid "$arg1"
    zt_connect
    zt_join "$arg1"
    if [ $json = 1 ]; then zt_network_json ''; echo; else echo '200 join OK'; fi
    ;;
  leave)
    zt_check_nwid "$arg1"
    zt_connect
    zt_leave "$arg1"
    if [ $json = 1 ]; then zt_network_json ''; echo; else echo '200 leave OK'; fi
    ;;
  *)
    zt_help >&2
    ;;
esac
exit 0
`;

const DAEMON_SH = `#!/bin/sh
# zerotier-one: TEST DOUBLE installed by the tsinfra lab (ZeroTier cannot be installed there). The real service
# virtualises networks; this one keeps the files zerotier-cli reads (identity, port, auth token, pid) and stays
# alive, so init scripts and systemd see a running service. Usage like the real one: zerotier-one [-d] [home].
. "\${0%/*}/../lib/zerotier-one-double/lib.sh"
daemonize=0
for a in "$@"; do
  case $a in
    -v) echo "$ZT_VERSION"; exit 0 ;;
    -d) daemonize=1 ;;
    -*) ;;
    *) ZT_HOME=$a ;;
  esac
done
if zt_is_running; then
  echo "zerotier-one: fatal error: cannot bind to local control interface port 9993 (already running)" >&2
  exit 1
fi
if [ $daemonize = 1 ]; then
  setsid "$0" "$ZT_HOME" </dev/null >/dev/null 2>&1 &
  exit 0
fi
mkdir -p "$ZT_HOME/networks.d"
zt_ensure_identity
[ -s "$ZT_HOME/authtoken.secret" ] || (umask 077 && zt_hex 12 > "$ZT_HOME/authtoken.secret")
echo 9993 > "$ZT_HOME/zerotier-one.port"
echo $$ > "$ZT_HOME/zerotier-one.pid"
child=
trap 'kill $child 2>/dev/null; rm -f "$ZT_HOME/zerotier-one.pid"; exit 0' TERM INT HUP
while :; do
  sleep 3600 &
  child=$!
  wait $child
done
`;

const INIT_SH = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          zerotier-one
# Required-Start:    $remote_fs $network
# Required-Stop:     $remote_fs $network
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: ZeroTier One (tsinfra lab test double)
### END INIT INFO
# SysV init script of the tsinfra lab's zerotier-one TEST DOUBLE: \`service zerotier-one start\` on hosts without systemd.
. ${LIB}
DAEMON=/usr/sbin/zerotier-one

case "$1" in
  start)
    zt_is_running && exit 0
    "$DAEMON" -d
    n=0
    until zt_is_running; do
      n=$((n + 1))
      if [ $n -gt 100 ]; then echo "zerotier-one did not start" >&2; exit 1; fi
      sleep 0.05
    done
    ;;
  stop)
    if zt_is_running; then
      kill "$zt_pid"
      n=0
      while kill -0 "$zt_pid" 2>/dev/null; do
        n=$((n + 1))
        [ $n -gt 100 ] && kill -9 "$zt_pid" 2>/dev/null
        sleep 0.05
      done
    fi
    rm -f "$ZT_HOME/zerotier-one.pid"
    ;;
  restart|force-reload)
    "$0" stop && "$0" start
    ;;
  status)
    if zt_is_running; then echo "zerotier-one is running"; exit 0; fi
    echo "zerotier-one is not running"
    exit 3
    ;;
  *)
    echo "Usage: /etc/init.d/zerotier-one {start|stop|restart|force-reload|status}" >&2
    exit 2
    ;;
esac
exit 0
`;

const UNIT = `[Unit]
Description=ZeroTier One (tsinfra lab test double)
After=network-online.target network.target
Wants=network-online.target

[Service]
ExecStart=/usr/sbin/zerotier-one
Restart=always
KillMode=process

[Install]
WantedBy=multi-user.target
`;

// Maintainer scripts in the spirit of debhelper's: the identity exists after install, the service is enabled and
// started where the init system allows (namespace hosts' invoke-rc.d refuses during installs, as LAB.md says).
const POSTINST = `#!/bin/sh
set -e
if [ "$1" = configure ]; then
  . ${LIB}
  mkdir -p "$ZT_HOME/networks.d"
  zt_ensure_identity
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload >/dev/null 2>&1 || true
    systemctl enable zerotier-one.service >/dev/null 2>&1 || true
    systemctl start zerotier-one.service || true
  else
    update-rc.d zerotier-one defaults >/dev/null 2>&1 || true
    invoke-rc.d zerotier-one start >/dev/null 2>&1 || true
  fi
fi
exit 0
`;

const PRERM = `#!/bin/sh
set -e
if [ "$1" = remove ] || [ "$1" = upgrade ]; then
  if [ -d /run/systemd/system ]; then
    systemctl stop zerotier-one.service >/dev/null 2>&1 || true
  else
    /etc/init.d/zerotier-one stop >/dev/null 2>&1 || true
  fi
fi
exit 0
`;

const POSTRM = `#!/bin/sh
set -e
if [ "$1" = purge ]; then
  if [ -d /run/systemd/system ]; then systemctl disable zerotier-one.service >/dev/null 2>&1 || true; fi
  update-rc.d zerotier-one remove >/dev/null 2>&1 || true
  rm -rf /var/lib/zerotier-one
fi
exit 0
`;

const README = `zerotier-one ${ZT_DOUBLE_PACKAGE_VERSION}: a TEST DOUBLE built by the tsinfra lab, not ZeroTier.

ZeroTier cannot be installed on the lab machine. This package imitates the real package's interface so the
tsinfra zerotier role's real install path (apt source with a signed-by key, apt-get install, service) and the
zerotier module run unchanged in the lab: zerotier-cli (info, listnetworks, join, leave, -j JSON, exit codes),
the zerotier-one service (init script and systemd unit) and the node identity in /var/lib/zerotier-one.
The lab's Central API stand-in authorizes members and creates each host's zt... interface on the lab's vpn
bridge. Production uses the real zerotier-one from download.zerotier.com.
`;

export interface PackageFile {
  /** Path inside the package (and on the host), without the leading slash. */
  path: string;
  content: string;
  mode: number;
}

export function controlFile(architecture: string): string {
  return [
    'Package: zerotier-one',
    `Version: ${ZT_DOUBLE_PACKAGE_VERSION}`,
    `Architecture: ${architecture}`,
    'Maintainer: tsinfra lab <lab@tsinfra.invalid>',
    'Depends: iproute2, coreutils',
    'Section: net',
    'Priority: optional',
    'Homepage: https://www.zerotier.com/',
    'Description: ZeroTier One test double for the tsinfra lab',
    ' Imitates zerotier-one\'s CLI, service and identity for tests; the lab\'s Central',
    ' stand-in provides the network. Not ZeroTier: production uses the real package.',
    '',
  ].join('\n');
}

/** Every file of the package, maintainer scripts under DEBIAN/. */
export function packageFiles(architecture: string): PackageFile[] {
  return [
    { path: 'DEBIAN/control', content: controlFile(architecture), mode: 0o644 },
    { path: 'DEBIAN/postinst', content: POSTINST, mode: 0o755 },
    { path: 'DEBIAN/prerm', content: PRERM, mode: 0o755 },
    { path: 'DEBIAN/postrm', content: POSTRM, mode: 0o755 },
    { path: 'usr/sbin/zerotier-cli', content: CLI_SH, mode: 0o755 },
    { path: 'usr/sbin/zerotier-one', content: DAEMON_SH, mode: 0o755 },
    { path: LIB.slice(1), content: LIB_SH, mode: 0o644 },
    { path: 'etc/init.d/zerotier-one', content: INIT_SH, mode: 0o755 },
    { path: 'lib/systemd/system/zerotier-one.service', content: UNIT, mode: 0o644 },
    { path: 'usr/share/doc/zerotier-one/README.tsinfra-double', content: README, mode: 0o644 },
  ];
}
