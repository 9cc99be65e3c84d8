#!/usr/bin/env bash
# The demo: a local lab of 5 real hosts (systemd, like production), tsinfra against them, then teardown.
set -euo pipefail
cd "$(dirname "$0")/.."
tsinfra() { bin/tsinfra "$@"; }
lab=demo
kind=${DEMO_LAB_KIND:-systemd}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

trap 'step "tearing the lab down"; tsinfra lab down --name "$lab"' EXIT
step "bringing up a lab of 5 $kind hosts (3 masters, 2 workers)"
tsinfra lab up --name "$lab" --kind "$kind"
inv=${TSINFRA_LAB_STATE_DIR:-/var/lib/tsinfra/labs}/$lab/inventory.yml

step "the inventory: which hosts are masters, and where master1's variables come from"
tsinfra hosts masters -i "$inv"
tsinfra inventory -i "$inv" --host master1

step "ad-hoc, every host in parallel over one SSH connection each"
tsinfra shell all 'hostname; ip -4 -br addr show scope global' -i "$inv"

step "ping with become (sudo) on the workers"
tsinfra ping workers -i "$inv" --become
