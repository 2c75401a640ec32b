#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Regenerates the README's platform x capability table from conformance results.
# Results of runs (target/conformance/*.json of each backend's integration tests, the Linux guest's
# and the Vagrant machines' reports) are copied into docs/conformance/, which is committed: the
# table is always made from real recorded runs.
# Usage: conformance/update-table.sh [RESULT_DIR...]   (default: backend-*/target/conformance and
#        target/guest-reports/conformance)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
cd "$root"
dirs=("$@")
if [ "${#dirs[@]}" -eq 0 ]; then
  dirs=(backend-*/target/conformance target/guest-reports/conformance vagrant/reports/*/conformance)
fi
for d in "${dirs[@]}"; do
  if [ -d "$d" ]; then
    cp "$d"/*.json docs/conformance/ 2>/dev/null || true
  fi
done
mvn -q -o install -DskipTests -pl api,conformance -am >/dev/null
cp_file="$(mktemp)"
mvn -q -o dependency:build-classpath -pl conformance -Dmdep.outputFile="$cp_file" >/dev/null
java -cp "conformance/target/classes:$(cat "$cp_file")" isola.conformance.PlatformTable README.md docs/conformance
rm -f "$cp_file"
echo "README.md platform table regenerated from $(ls docs/conformance/*.json | wc -l) result file(s)" >&2
