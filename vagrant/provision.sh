#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The one provisioning path of isola's test machines (vagrant/Vagrantfile), for every OS family:
# the same script, the same two steps, dispatching on `uname -s` (and on illumos vs Oracle Solaris).
#
#   provision.sh prepare   as root: JDK 17, Maven, a C compiler, and what the OS's integration
#                          tests need (shared/reference/test-matrix.md §4). Idempotent: a machine
#                          (or box) that has it all is left as it is.
#   provision.sh reboot?   exits 0 when `prepare` changed something only a reboot applies
#                          (FreeBSD: kern.racct.enable is a loader tunable); vagrant/matrix.sh then
#                          reloads the machine.
#   provision.sh test      as root: `mvn -B verify` of the checkout in $ISOLA_SRC (default /isola)
#                          with the OS's integration tests on (ISOLA_ROOT_TESTS=1 and
#                          ISOLA_CONFORMANCE_WHERE naming the machine), then gathers the surefire
#                          and failsafe reports, the conformance JSON, the Maven log and the exit
#                          status into $ISOLA_RESULTS (default /var/tmp/isola-results), which
#                          vagrant/matrix.sh copies back to the host. Exits with Maven's status.
#
# Environment: ISOLA_MVN_ARGS (more Maven arguments, e.g. -pl backend-linux -am), ISOLA_M2 (a Maven
# repository synced from the host: used offline), ISOLA_CONFORMANCE_WHERE (overrides the default).
# POSIX sh: FreeBSD has no bash, illumos' sh is ksh93.
set -eu

src="${ISOLA_SRC:-/isola}"
results="${ISOLA_RESULTS:-/var/tmp/isola-results}"

log() { echo "provision: $*" >&2; }
die() { log "$*"; exit 1; }

os() {
  case "$(uname -s)" in
    Linux) echo linux ;;
    FreeBSD) echo freebsd ;;
    SunOS)
      if [ "$(uname -o 2>/dev/null)" = illumos ]; then echo illumos; else echo solaris; fi ;;
    *) echo unknown ;;
  esac
}

# Maven from Maven Central's binary distribution, for systems without a Maven package.
maven_from_central() {
  v=3.9.9
  [ -x "/opt/apache-maven-$v/bin/mvn" ] && { ln -sf "/opt/apache-maven-$v/bin/mvn" /usr/bin/mvn 2>/dev/null || true; return 0; }
  url="https://repo1.maven.org/maven2/org/apache/maven/apache-maven/$v/apache-maven-$v-bin.tar.gz"
  log "Maven $v from $url"
  if command -v curl >/dev/null; then curl -fsSL "$url" -o /tmp/maven.tgz; else wget -q -O /tmp/maven.tgz "$url"; fi
  (cd /opt && gzip -dc /tmp/maven.tgz | tar -xf -)
  rm -f /tmp/maven.tgz
  ln -sf "/opt/apache-maven-$v/bin/mvn" /usr/bin/mvn
}

java_home() {
  case "$(os)" in
    linux) dirname "$(dirname "$(readlink -f "$(command -v javac)")")" ;;
    freebsd) echo /usr/local/openjdk17 ;;
    illumos) echo /usr/jdk/instances/openjdk17.0 ;;
    solaris) echo "${JAVA_HOME:-}" ;;
  esac
}

prepare_linux() {
  need=""
  command -v javac >/dev/null || need="$need openjdk-17-jdk-headless"
  command -v mvn >/dev/null || need="$need maven"
  command -v cc >/dev/null || need="$need gcc"
  [ -f /usr/lib/x86_64-linux-gnu/libc.a ] || [ -f /usr/lib/aarch64-linux-gnu/libc.a ] || need="$need libc6-dev"
  command -v setpriv >/dev/null || need="$need util-linux"
  command -v ip >/dev/null || need="$need iproute2"
  [ -x /bin/busybox ] || need="$need busybox-static"
  command -v rsync >/dev/null || need="$need rsync"
  if [ -n "$need" ]; then
    log "apt-get install$need"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  fi
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    log "cgroup v2 ($(cat /sys/fs/cgroup/cgroup.controllers))"
  else
    log "cgroup v1 or hybrid: the v2 driver is not exercised on this machine"
  fi
}

prepare_freebsd() {
  export ASSUME_ALWAYS_YES=yes
  need=""
  [ -x /usr/local/openjdk17/bin/javac ] || need="$need openjdk17"
  command -v mvn >/dev/null || need="$need maven"
  command -v rsync >/dev/null || need="$need rsync"
  [ -n "$need" ] && { log "pkg install$need"; pkg install -y $need >/dev/null; }
  command -v cc >/dev/null || die "no cc: the base system's clang is missing (install the FreeBSD base 'toolchain' set)"

  # Limits: RACCT/RCTL is a loader tunable, applied by a reboot (matrix.sh reloads the machine).
  grep -q '^kern.racct.enable=1' /boot/loader.conf 2>/dev/null || echo 'kern.racct.enable=1' >>/boot/loader.conf
  grep -q '^zfs_load="YES"' /boot/loader.conf || echo 'zfs_load="YES"' >>/boot/loader.conf
  sysrc -q zfs_enable=YES >/dev/null

  # ZFS for root-by-clone: the box is UFS, so a file-backed pool `isola` with a base dataset
  # holding the release's base userland and a snapshot to clone (isola/base/<release>@v1).
  kldstat -q -m zfs || kldload zfs
  if ! zpool list isola >/dev/null 2>&1; then
    [ -f /var/tmp/isola.zpool ] || truncate -s 8G /var/tmp/isola.zpool
    zpool create -m /isola-pool isola /var/tmp/isola.zpool
  fi
  rel="$(freebsd-version -u | sed 's/-p[0-9]*$//')"
  if ! zfs list "isola/base/$rel@v1" >/dev/null 2>&1; then
    zfs create -p "isola/base/$rel"
    base=/usr/freebsd-dist/base.txz
    if [ ! -f "$base" ]; then
      mkdir -p /usr/freebsd-dist
      fetch -q -o "$base" "https://download.freebsd.org/releases/$(uname -m)/$rel/base.txz"
    fi
    tar -xf "$base" -C "/isola-pool/base/$rel"
    zfs snapshot "isola/base/$rel@v1"
  fi

  # Networking for vnet sandboxes: bridge + epair modules, pf for NAT, forwarding.
  for m in if_bridge if_epair pf; do kldstat -q -m "$m" || kldload "$m" || true; done
  [ -f /etc/pf.conf ] || : >/etc/pf.conf
  sysrc -q pf_enable=YES gateway_enable=YES >/dev/null
  pfctl -e >/dev/null 2>&1 || true
  sysctl -q net.inet.ip.forwarding=1 >/dev/null
  log "FreeBSD $(freebsd-version -ku | tr '\n' ' ')racct=$(sysctl -n kern.racct.enable) pool=isola base=isola/base/$rel@v1"
}

prepare_illumos() {
  need=""
  [ -x /usr/jdk/instances/openjdk17.0/bin/javac ] || need="$need runtime/java/openjdk17"
  command -v gcc >/dev/null || command -v cc >/dev/null || need="$need build-essential"
  # Zones: the brands the backend uses besides the preinstalled ipkg/lipkg.
  pkg list -q brand/sparse >/dev/null 2>&1 || need="$need brand/sparse"
  pkg list -q brand/pkgsrc >/dev/null 2>&1 || need="$need brand/pkgsrc"
  if [ -n "$need" ]; then
    log "pkg install$need"
    pkg install $need || [ $? -eq 4 ] # 4: nothing to do
  fi
  command -v mvn >/dev/null || maven_from_central
  # Zone paths: one dataset, root-owned, not group/world-writable (zoneadm verify).
  zfs list rpool/zones >/dev/null 2>&1 || zfs create -o mountpoint=/zones rpool/zones
  chmod 0755 /zones
  # Exclusive-IP sandboxes hang off an etherstub with a global-zone VNIC as their gateway.
  dladm show-etherstub isolastub0 >/dev/null 2>&1 || dladm create-etherstub isolastub0
  dladm show-vnic isolagw0 >/dev/null 2>&1 || dladm create-vnic -l isolastub0 isolagw0
  routeadm -u -e ipv4-forwarding
  log "$(head -1 /etc/release | sed 's/^ *//'), brands: $(pkg list -H '*/brand/*' 2>/dev/null | awk '{print $1}' | tr '\n' ' ')"
}

prepare_solaris() {
  # Oracle Solaris 11.4 has no JDK 17 package (the port left OpenJDK in JDK 15, JEP 381).
  [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ] && "$JAVA_HOME/bin/javac" -version 2>&1 | grep -q ' 1[7-9]\| 2[0-9]' \
    || die "Oracle Solaris 11.4: no JDK 17 package exists; install a community OpenJDK 17+ build and set JAVA_HOME (shared/reference/test-matrix.md §3)"
  command -v gcc >/dev/null || pkg install developer/gcc || [ $? -eq 4 ]
  command -v mvn >/dev/null || maven_from_central
  zfs list rpool/zones >/dev/null 2>&1 || zfs create -o mountpoint=/zones rpool/zones
  chmod 0755 /zones
}

needs_reboot() {
  case "$(os)" in
    freebsd) [ "$(sysctl -n kern.racct.enable 2>/dev/null || echo 0)" != 1 ] ;;
    *) return 1 ;;
  esac
}

where_default() {
  case "$(os)" in
    linux) if [ -f /sys/fs/cgroup/cgroup.controllers ]; then echo "Linux VM (Vagrant, cgroup v2)"; else echo "Linux VM (Vagrant, cgroup v1 hybrid)"; fi ;;
    freebsd) echo "FreeBSD VM" ;;
    illumos) echo "OmniOS VM" ;;
    solaris) echo "Solaris 11.4 VM" ;;
  esac
}

run_tests() {
  [ -f "$src/pom.xml" ] || die "no checkout in $src (the Vagrantfile syncs the repository there)"
  JAVA_HOME="$(java_home)"
  export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
  export ISOLA_ROOT_TESTS=1
  ISOLA_CONFORMANCE_WHERE="${ISOLA_CONFORMANCE_WHERE:-$(where_default)}"
  export ISOLA_CONFORMANCE_WHERE
  offline=""
  if [ -n "${ISOLA_M2:-}" ] && [ -d "$ISOLA_M2" ]; then offline="-o -Dmaven.repo.local=$ISOLA_M2"; fi
  rm -rf "$results"
  mkdir -p "$results"
  {
    echo "os=$(os)"
    echo "uname=$(uname -a)"
    echo "where=$ISOLA_CONFORMANCE_WHERE"
    echo "java=$("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
    echo "mvn args=-B -ntp $offline verify ${ISOLA_MVN_ARGS:-}"
  } >"$results/machine"
  log "mvn -B -ntp $offline verify ${ISOLA_MVN_ARGS:-} in $src as root, ISOLA_CONFORMANCE_WHERE='$ISOLA_CONFORMANCE_WHERE'"
  start=$(date +%s)
  set +e
  # shellcheck disable=SC2086 # word splitting of the argument lists is intended
  (cd "$src" && mvn -B -ntp $offline verify ${ISOLA_MVN_ARGS:-}) >"$results/mvn.log" 2>&1
  status=$?
  set -e
  echo "status=$status" >>"$results/machine"
  echo "seconds=$(($(date +%s) - start))" >>"$results/machine"
  tail -40 "$results/mvn.log" >&2
  for d in "$src"/*/target; do
    mod="$(basename "$(dirname "$d")")"
    for kind in surefire-reports failsafe-reports; do
      if [ -d "$d/$kind" ]; then mkdir -p "$results/$kind/$mod"; cp "$d/$kind"/*.xml "$results/$kind/$mod/" 2>/dev/null || true; fi
    done
    if [ -d "$d/conformance" ]; then mkdir -p "$results/conformance"; cp "$d/conformance"/*.json "$results/conformance/" 2>/dev/null || true; fi
  done
  chmod -R a+rX "$results"
  log "mvn exit status $status in $(($(date +%s) - start)) s; results in $results"
  return "$status"
}

[ "$(id -u)" -eq 0 ] || die "must run as root (vagrant's shell provisioner does)"
case "${1:-}" in
  prepare)
    case "$(os)" in
      linux) prepare_linux ;;
      freebsd) prepare_freebsd ;;
      illumos) prepare_illumos ;;
      solaris) prepare_solaris ;;
      *) die "unsupported OS: $(uname -s)" ;;
    esac
    if needs_reboot; then log "a reboot applies what was prepared (vagrant reload)"; fi ;;
  reboot\?) needs_reboot ;;
  test) run_tests ;;
  *) die "usage: provision.sh prepare|reboot?|test" ;;
esac
