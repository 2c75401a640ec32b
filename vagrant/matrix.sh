#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs isola's test suite on each OS family's machine (vagrant/Vagrantfile) and prints a per-OS
# pass/fail table. For each machine: `vagrant up` (provision.sh prepare), a reload when the
# preparation needs a reboot (FreeBSD's kern.racct.enable), `vagrant provision --provision-with
# test` (provision.sh test: mvn -B verify as root with the OS's integration tests), the reports
# and conformance JSON copied back to vagrant/reports/<os>/, then the machine is destroyed
# (ISOLA_MATRIX_KEEP=1 keeps it). Exits 0 only when every machine ran and passed.
#
# Usage: vagrant/matrix.sh [linux|freebsd|omnios|solaris|all]...     (default: linux)
# Environment:
#   ISOLA_MATRIX_PROVIDER_<os>  the provider of a machine (default: libvirt for linux, the
#                               default provider for the others; the FreeBSD box is virtualbox)
#   ISOLA_MVN_ARGS              more Maven arguments for every machine (e.g. -pl backend-linux -am)
#   ISOLA_M2                    host Maven repository synced into the machines, Maven then runs
#                               offline (default for linux: ~/.m2/repository, its box has no network)
#   ISOLA_MATRIX_KEEP=1         keep the machines up afterwards
# On a host without a running libvirtd (no systemd), as root, it starts libvirtd in a private
# network namespace (libvirt's NAT bridge, dnsmasq and firewall rules never touch the host's own
# network) and stops it, its networks and the namespace at the end.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
cd "$here"
netns=isola-matrix

log() { echo "matrix: $*" >&2; }

oses=()
for a in "${@:-linux}"; do
  case "$a" in
    --inner) ;;
    all) oses+=(linux freebsd omnios) ;;
    linux|freebsd|omnios|solaris) oses+=("$a") ;;
    *) echo "usage: vagrant/matrix.sh [linux|freebsd|omnios|solaris|all]..." >&2; exit 2 ;;
  esac
done
command -v vagrant >/dev/null || { log "vagrant is not installed (Debian: apt-get install vagrant vagrant-libvirt libvirt-daemon-system qemu-system-x86 dnsmasq-base)"; exit 2; }

provider() {
  local var="ISOLA_MATRIX_PROVIDER_$1"
  if [ -n "${!var:-}" ]; then echo "${!var}"; elif [ "$1" = linux ]; then echo libvirt; else echo "${VAGRANT_DEFAULT_PROVIDER:-virtualbox}"; fi
}

# --- libvirt in a private network namespace, when no libvirtd runs -----------------------------
uses_libvirt=0
for os in "${oses[@]}"; do [ "$(provider "$os")" = libvirt ] && uses_libvirt=1; done
if [ "${1:-}" != --inner ] && [ "$uses_libvirt" = 1 ] && ! virsh -q -c qemu:///system version >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { log "libvirtd is not running and only root can start one"; exit 2; }
  command -v libvirtd >/dev/null || { log "libvirtd missing: apt-get install libvirt-daemon-system qemu-system-x86 dnsmasq-base"; exit 2; }
  log "no libvirtd: starting one in the private network namespace $netns"
  ip netns add "$netns"
  ip netns exec "$netns" ip link set lo up
  cleanup() {
    for n in $(virsh -q -c qemu:///system net-list --name 2>/dev/null); do virsh -q -c qemu:///system net-destroy "$n" >/dev/null 2>&1 || true; done
    for p in /run/libvirtd.pid /run/virtlogd.pid; do
      if [ -f "$p" ]; then kill "$(cat "$p")" 2>/dev/null || true; fi
    done
    sleep 1
    ip netns del "$netns" 2>/dev/null || true
    log "libvirtd stopped, namespace $netns removed"
  }
  trap cleanup EXIT
  ip netns exec "$netns" virtlogd -d
  ip netns exec "$netns" libvirtd -d
  for _ in $(seq 50); do virsh -q -c qemu:///system version >/dev/null 2>&1 && break; sleep 0.2; done
  if ! virsh -q -c qemu:///system pool-info default >/dev/null 2>&1; then
    virsh -q -c qemu:///system pool-define-as default dir --target /var/lib/libvirt/images >/dev/null
    virsh -q -c qemu:///system pool-start default >/dev/null
  fi
  set +e
  ip netns exec "$netns" "$here/matrix.sh" --inner "${oses[@]}"
  status=$?
  exit $status
fi

# --- the matrix --------------------------------------------------------------------------------
mkdir -p reports
declare -A result
ssh_cfg="$(mktemp)"
trap 'rm -f "$ssh_cfg"' EXIT

run_one() {
  local os=$1 p t0 t1 t2 status=0
  p="$(provider "$os")"
  rm -rf "reports/$os"
  mkdir -p "reports/$os"
  if [ "$os" = linux ] && [ -z "${ISOLA_M2+x}" ] && [ -d "$HOME/.m2/repository" ]; then
    export ISOLA_M2="$HOME/.m2/repository"
  fi
  t0=$SECONDS
  log "$os: vagrant up --provider=$p (provision.sh prepare)"
  if [ "${ISOLA_MATRIX_KEEP:-0}" != 1 ]; then vagrant destroy -f "$os" >/dev/null 2>&1 || true; fi
  # (progress bars are carriage-return redrawn lines: keep what follows the last one)
  if ! vagrant up "$os" --provider="$p" 2>&1 | sed -u 's/.*\r//' | tee "reports/$os/up.log"; then
    result[$os]="not run: vagrant up failed (reports/$os/up.log)"
    return 1
  fi
  if vagrant ssh "$os" -c 'sudo sh /isola/vagrant/provision.sh "reboot?"' >/dev/null 2>&1; then
    log "$os: the preparation needs a reboot: vagrant reload"
    vagrant reload "$os" 2>&1 | tee -a "reports/$os/up.log"
  fi
  t1=$SECONDS
  log "$os: up and prepared in $((t1 - t0)) s; vagrant provision --provision-with test (provision.sh test)"
  vagrant provision "$os" --provision-with test 2>&1 | tee "reports/$os/test.log" || status=$?
  t2=$SECONDS
  vagrant ssh-config "$os" >"$ssh_cfg"
  ssh -F "$ssh_cfg" -o LogLevel=ERROR "$os" 'sudo tar -C /var/tmp/isola-results -cf - .' | tar -xf - -C "reports/$os" \
    || log "$os: no results to copy back"
  echo "up_seconds=$((t1 - t0)) test_seconds=$((t2 - t1))" >"reports/$os/timing"
  if [ "${ISOLA_MATRIX_KEEP:-0}" != 1 ]; then vagrant destroy -f "$os" >/dev/null 2>&1 || true; fi
  result[$os]=ran
  return 0
}

# Sums of the JUnit XML reports: tests, failed (failures + errors), skipped.
counts() {
  local t=0 f=0 s=0 line n
  while IFS= read -r line; do
    n=$(sed -n 's/.* tests="\([0-9]*\)".*/\1/p' <<<"$line"); t=$((t + ${n:-0}))
    n=$(sed -n 's/.* failures="\([0-9]*\)".*/\1/p' <<<"$line"); f=$((f + ${n:-0}))
    n=$(sed -n 's/.* errors="\([0-9]*\)".*/\1/p' <<<"$line"); f=$((f + ${n:-0}))
    n=$(sed -n 's/.* skipped="\([0-9]*\)".*/\1/p' <<<"$line"); s=$((s + ${n:-0}))
  done < <(find "$1" -name 'TEST-*.xml' -exec grep -h -m1 '<testsuite ' {} + 2>/dev/null)
  echo "$t $f $s"
}

for os in "${oses[@]}"; do run_one "$os" || true; done

fail=0
table="$(
  printf '| OS | result | tests run | failed | skipped | up+prepare | mvn verify | where |\n'
  printf '|---|---|---|---|---|---|---|---|\n'
  for os in "${oses[@]}"; do
    d="reports/$os"
    if [ "${result[$os]}" != ran ] || [ ! -f "$d/machine" ]; then
      printf '| %s | NOT RUN | - | - | - | - | - | %s |\n' "$os" "${result[$os]:-not run: no results came back}"
      continue
    fi
    read -r t f s < <(counts "$d")
    st=$(sed -n 's/^status=//p' "$d/machine")
    where=$(sed -n 's/^where=//p' "$d/machine")
    up=$(sed -n 's/.*up_seconds=\([0-9]*\).*/\1/p' "$d/timing")
    tt=$(sed -n 's/.*test_seconds=\([0-9]*\).*/\1/p' "$d/timing")
    verdict=PASS
    if [ "$st" != 0 ] || [ "$f" != 0 ] || [ "$t" = 0 ]; then verdict="FAIL (mvn status $st)"; fi
    printf '| %s | %s | %s | %s | %s | %s s | %s s | %s |\n' "$os" "$verdict" "$t" "$f" "$s" "$up" "$tt" "$where"
  done
)"
echo
echo "$table"
grep -q '| PASS |' <<<"$table" || fail=1
grep -q 'FAIL\|NOT RUN' <<<"$table" && fail=1
echo
echo "reports: $here/reports/<os>/ (surefire-reports, failsafe-reports, conformance, mvn.log); README table: conformance/update-table.sh"
exit "$fail"
