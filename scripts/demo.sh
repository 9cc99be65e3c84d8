#!/usr/bin/env bash
# The demo: the real job on a local lab of 5 production-like hosts (systemd): prepare them twice (the second run
# changes nothing), write and apply the cluster config, audit the ports, show each host's VPN address, rotate the
# root password, then tear the lab down.
set -euo pipefail
cd "$(dirname "$0")/.."
tsinfra() { bin/tsinfra "$@"; }
lab=demo
kind=${DEMO_LAB_KIND:-systemd}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
secrets=$(mktemp -d)

cleanup() {
  step "tearing the lab down"
  tsinfra lab down --name "$lab"
  rm -rf "$secrets"
}
trap cleanup EXIT
step "bringing up a lab of 5 $kind hosts (3 masters, 2 workers)"
tsinfra lab up --name "$lab" --kind "$kind"
inv=${TSINFRA_LAB_STATE_DIR:-/var/lib/tsinfra/labs}/$lab/inventory.yml

step "the inventory: the masters, and where master1's variables come from"
tsinfra hosts masters -i "$inv"
tsinfra inventory -i "$inv" --host master1

step "prepare: python, common packages, sshd keys-only, sshguard, firewall, ZeroTier"
tsinfra play playbooks/prepare.yaml -i "$inv"

step "prepare again: nothing left to change"
tsinfra play playbooks/prepare.yaml -i "$inv"

step "the cluster: pharos-cluster.yml from the inventory and the VPN addresses, checked against pharos' schema, applied (pharos is a test double here: it cannot be installed on this machine)"
cluster_dir=${TSINFRA_LAB_STATE_DIR:-/var/lib/tsinfra/labs}/$lab/cluster
PATH="$PWD/test/doubles:$PATH" tsinfra play playbooks/cluster.yaml -i "$inv" -e cluster_config_dir="$cluster_dir"
cat "$cluster_dir/pharos-cluster.yml"

step "the cluster again: nothing changed, nothing re-applied"
PATH="$PWD/test/doubles:$PATH" tsinfra play playbooks/cluster.yaml -i "$inv" -e cluster_config_dir="$cluster_dir"

step "port audit: from outside, over the VPN and from the provider's private network"
tsinfra audit ports -i "$inv"

step "each host's VPN address"
tsinfra shell all 'ip -br -4 addr show | grep ^zt' -i "$inv"

step "rotate the root password (generated, written to a mode-600 file, never shown in logs or process lists)"
tsinfra passwd root all -i "$inv" --generate --output "$secrets/root-password"
step "the same password again: already set everywhere"
tsinfra passwd root all -i "$inv" --password-stdin < "$secrets/root-password"
