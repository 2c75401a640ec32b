#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Boots the pure cgroup v2 guest (build-image.sh; built on first use, cached after) under qemu,
# runs one shell script in it as root and exits with that script's exit status.
#
# Usage: run.sh [-s HOST_DIR[:ro]]... [-m MEMORY] [-c CPUS] [-t TIMEOUT] SCRIPT
#   -s  share a host directory over virtio-9p, mounted at the same path in the guest (read-write,
#       or read-only with :ro); files the guest writes there are the way results come back
#   -m  guest memory (default 4G), -c vCPUs (default 2), -t wall-clock limit (default 40m)
# The guest's console (kernel messages and the script's output) is streamed to stdout.
# Exit status: the script's; 124 on timeout; 125 when the guest ended without one.
# KVM is used only where it works: /dev/kvm, a vmx or svm CPU flag, and no kvm_pvm module
# (a nested PVM host's KVM cannot run Debian's kernels); elsewhere qemu emulates (TCG, one host
# thread; ISOLA_GUEST_TCG_THREAD=multi gives each vCPU its own).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
shares=()
mem=4G
cpus=2
limit=40m
while getopts "s:m:c:t:" o; do
  case "$o" in
    s) shares+=("$OPTARG") ;;
    m) mem=$OPTARG ;;
    c) cpus=$OPTARG ;;
    t) limit=$OPTARG ;;
    *) sed -n '5,11p' "$0" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[ $# -eq 1 ] && [ -f "$1" ] || { echo "run.sh: give one script file to run in the guest" >&2; exit 2; }
script=$1
command -v qemu-system-x86_64 >/dev/null || {
  echo "run.sh: installing qemu-system-x86" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-x86 >/dev/null
}

img="$("$here/build-image.sh" | tail -1)"
run="$(mktemp -d /tmp/isola-guest-run.XXXXXX)"
trap 'rm -rf "$run"' EXIT
args=(-M q35 -smp "$cpus" -m "$mem" -display none -monitor none -serial stdio -no-reboot
  -kernel "$img/vmlinux" -initrd "$img/initrd.img"
  -append "$(cat "$img/cmdline") quiet isola.init=/usr/lib/isola-guest/init"
  -drive "file=$img/root.qcow2,if=virtio,format=qcow2,snapshot=on"
  -virtfs "local,path=$run,mount_tag=isola-run,security_model=passthrough,id=isola-run")
if [ -e /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo && ! grep -q '^kvm_pvm ' /proc/modules 2>/dev/null; then
  args+=(-accel kvm -cpu host)
else
  # One host thread for all vCPUs: with a thread per vCPU (thread=multi) JVMs in the guest died
  # now and then of SIGILL or SIGSEGV in freshly patched JIT code (2 of ~100 JVMs in one run), as
  # a vCPU ran a stale translation of code another vCPU had just rewritten.
  args+=(-accel "tcg,thread=${ISOLA_GUEST_TCG_THREAD:-single}" -cpu max)
fi
{
  echo "set -e"
  i=0
  for s in "${shares[@]}"; do
    dir=${s%:ro}
    dir="$(readlink -f "$dir")"
    ro=""
    [ "$dir" = "$(readlink -f "${s}")" ] || ro=",ro"
    args+=(-virtfs "local,path=$dir,mount_tag=s$i,security_model=passthrough,id=s$i${ro:+,readonly=on}")
    echo "mkdir -p '$dir' && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=loose$ro s$i '$dir'"
    i=$((i + 1))
  done
  echo "set +e"
  echo "sh /run-share/script"
} >"$run/cmd"
cp "$script" "$run/script"

start=$SECONDS
timeout --foreground -k 10 "$limit" qemu-system-x86_64 "${args[@]}" </dev/null || true
if [ -f "$run/status" ]; then
  status=$(cat "$run/status")
else
  echo "run.sh: the guest ended without an exit status (crash, or the ${limit} limit)" >&2
  status=125
fi
echo "run.sh: guest done in $((SECONDS - start)) s, exit status $status" >&2
exit "$status"
