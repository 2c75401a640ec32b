#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the spawn benchmark (as root): isola without and with limits vs crun vs bwrap vs /bin/true from one warm JVM.
# Usage: benchmark/run.sh [--iterations N] [--warmup N] [--gap-ms MS] [--gap-iterations N]
#                         [--variants isola,isola-limits,isola-bridge,isola-bridge-port,isola-bridge-cold,crun,bwrap,true] [--no-throughput] [--json FILE]
#                         [--favordynmods]   (keep cgroup moves cheap while it runs: see docs/benchmark.md)
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
root="$(dirname "$here")"
if [ "$(id -u)" -ne 0 ]; then
  echo "benchmark: run as root (bwrap --unshare-all and crun with cgroup limits need privileges here)" >&2
  exit 1
fi
missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v crun >/dev/null || missing+=(crun)
[ -x /bin/busybox ] && file -L /bin/busybox 2>/dev/null | grep -q 'statically linked' || missing+=(busybox-static)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
jar="$here/target/isola-benchmark-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/api/src "$root"/backend-linux/src "$here/src" -newer "$jar" -print -quit)" ]; then
  # package, not install: the reactor copies this checkout's jars to target/lib and ~/.m2 stays untouched
  (cd "$root" && mvn -q -o package -DskipTests -pl api,backend-linux,benchmark -am 2>/dev/null \
     || mvn -q package -DskipTests -pl api,backend-linux,benchmark -am) >&2
fi
args=()
dynmods=
for a in "$@"; do
  if [ "$a" = --favordynmods ]; then dynmods=1; else args+=("$a"); fi
done
java=("${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=VFORK -jar "$jar" "${args[@]}")
unified=/sys/fs/cgroup/unified
hide=
if [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] && [ -n "$(cat "$unified/cgroup.controllers" 2>/dev/null)" ]; then
  # A hybrid host whose cgroup2 mount holds a controller (hugetlb here): crun 1.8 refuses every container
  # ("cgroups in hybrid mode not supported"). Hide the cgroup2 mount in a private mount namespace, for the
  # whole JVM so that isola and crun see the same host; isola uses only the v1 hierarchies here either way.
  hide=$unified
fi
if [ -z "$hide" ] && [ -z "$dynmods" ]; then
  exec "${java[@]}"
fi
# --favordynmods: an empty named cgroup v1 hierarchy mounted with favordynmods, in the private mount
# namespace, for as long as the benchmark runs: the kernel keeps cgroup moves cheap for everyone (isola
# and crun alike) while it exists, and destroys it, undoing the effect, when the namespace goes.
exec unshare --mount --propagation private -- sh -c '
  [ -z "$0" ] || umount "$0" || exit 1
  if [ -n "$1" ]; then
    d=$(mktemp -d /tmp/isola-bench-dynmods.XXXXXX) && mount -t cgroup -o none,name=isola-bench,favordynmods cgroup "$d" \
      || { echo "benchmark: cannot mount a cgroup v1 hierarchy with favordynmods (kernel 6.0 or later)" >&2; exit 1; }
  fi
  shift
  [ -n "${d-}" ] || exec "$@"
  rc=0; "$@" || rc=$?
  umount "$d"; rmdir "$d"; exit "$rc"' "$hide" "$dynmods" "${java[@]}"
