#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs the spawn benchmark (as root): isola vs bwrap vs /bin/true from one warm JVM.
# Usage: benchmark/run.sh [--iterations N] [--warmup N] [--json FILE]
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
root="$(dirname "$here")"
if [ "$(id -u)" -ne 0 ]; then
  echo "benchmark: run as root (it compares against bwrap --unshare-all, which needs privileges here)" >&2
  exit 1
fi
if ! command -v bwrap >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap >/dev/null
fi
jar="$here/target/isola-benchmark-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root"/api/src "$root"/backend-linux/src "$here/src" -newer "$jar" -print -quit)" ]; then
  (cd "$root" && mvn -q -o install -DskipTests -pl api,backend-linux,benchmark -am 2>/dev/null \
     || mvn -q install -DskipTests -pl api,backend-linux,benchmark -am) >&2
fi
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -XX:+UseSerialGC -Djdk.lang.Process.launchMechanism=VFORK -jar "$jar" "$@"
