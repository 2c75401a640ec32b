#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs isola's Linux integration tests that matter on pure cgroup v2 inside the guest (run.sh), as
# root, against the classes compiled on the host: the checkout is shared read-write at its own path
# (reports come back through it), the local Maven repository read-only.
#
# Usage: vagrant/linux-guest/test.sh [--no-build] [MODULE:CLASS...]
#   default classes: see TESTS below. --no-build: the caller (./run-tests) has just run
#   `mvn verify dependency:build-classpath -Dmdep.outputFile=target/guest-cp.txt`.
# Results: target/guest-reports/<module>/TEST-junit-jupiter.xml (JUnit XML, as failsafe writes),
#   target/guest-reports/conformance/*.json (the conformance record, "Linux guest (cgroup v2)"),
#   target/guest-reports/console.log. Exit status: 0 when every selected test passed.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
here="$root/vagrant/linux-guest"
cd "$root"
TESTS=(
  backend-linux:isola.linux.CgroupIT
  backend-linux:isola.linux.helper.HelperCgroupIT
  backend-linux:isola.linux.RootlessIT
  backend-linux:isola.linux.LinuxConformanceIT
  cli:isola.cli.CliRunIT
)
build=1
if [ "${1:-}" = --no-build ]; then
  build=0
  shift
fi
[ $# -eq 0 ] || TESTS=("$@")
modules="$(printf '%s\n' "${TESTS[@]}" | cut -d: -f1 | sort -u | paste -sd, -)"
junit=1.10.2 # the JUnit Platform version of the project's junit-jupiter 5.10.2
launcher="$HOME/.m2/repository/org/junit/platform/junit-platform-console-standalone/$junit/junit-platform-console-standalone-$junit.jar"

mvn_() { mvn -B -ntp -q -o "$@" || mvn -B -ntp -q "$@"; }
if [ "$build" -eq 1 ]; then
  echo "guest tests: compiling on the host (mvn package, classpaths of $modules)" >&2
  mvn_ -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/guest-cp.txt -pl "$modules" -am
fi
[ -f "$launcher" ] || mvn_ dependency:get -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit" -Dtransitive=false

reports="$root/target/guest-reports"
rm -rf "$reports"
mkdir -p "$reports"
script="$(mktemp)"
trap 'rm -f "$script"' EXIT
{
  echo "export ISOLA_ROOT_TESTS=1 ISOLA_CONFORMANCE_WHERE='Linux guest (cgroup v2)'"
  echo "rc=0"
  for m in $(printf '%s\n' "${TESTS[@]}" | cut -d: -f1 | sort -u); do
    [ -f "$m/target/guest-cp.txt" ] || { echo "test.sh: no $m/target/guest-cp.txt: run without --no-build" >&2; exit 1; }
    sel=""
    for t in "${TESTS[@]}"; do
      [ "${t%%:*}" = "$m" ] && sel="$sel --select-class ${t#*:}"
    done
    jar="$(ls "$m"/target/isola-*-SNAPSHOT.jar 2>/dev/null | head -1 || true)"
    echo "echo '== $m:$sel'"
    # On the JVM's own class path, as failsafe puts them: tests that start a JVM pass theirs on.
    echo "cd '$root/$m' && java -Disola.conformance.dir='$reports/conformance' -Disola.cli.jar='$root/$jar'" \
      "-cp 'target/test-classes:target/classes:$(cat "$m/target/guest-cp.txt"):$launcher'" \
      "org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree" \
      "--fail-if-no-tests --reports-dir '$reports/$m'$sel || rc=1"
  done
  echo "exit \$rc"
} >"$script"

start=$SECONDS
set +e
# The local Maven repositories the class paths use (normally ~/.m2/repository), read-only.
shares=(-s "$root")
for r in $(cat */target/guest-cp.txt "$script" | tr ": '" '\n\n\n' | grep -o '^/.*/repository/' | sort -u); do
  shares+=(-s "${r%/}:ro")
done
"$here/run.sh" "${shares[@]}" "$script" | tee "$reports/console.log"
status=${PIPESTATUS[0]}
set -e
echo "guest tests: exit status $status after $((SECONDS - start)) s; reports in $reports" >&2
# The totals over the reports, as one closing line.
cat "$reports"/*/TEST-*.xml 2>/dev/null | grep -o '<testsuite [^>]*>' | awk '
  function attr(n,  m) { return match($0, n "=\"[0-9]+\"") ? substr($0, RSTART + length(n) + 2, RLENGTH - length(n) - 3) + 0 : 0 }
  { t += attr("tests"); f += attr("failures") + attr("errors"); s += attr("skipped") }
  END { printf "guest: %d passed, %d failed, %d skipped\n", t - f - s, f, s }'
exit "$status"
