#!/usr/bin/env bash
# Builds a Kopano fixture database of a chosen size for benchmarks and prints how long it took.
# All arguments go to the fixture builder (org.kgmigration.fixture.FixtureMain, test code);
# run with --help for the options. Example:
#
#   bench/make-fixture.sh --db-url jdbc:mariadb://127.0.0.1:3306/kopano_bench --create-database \
#       --attachments-dir bench/out/attachments --users 100 --messages 1000 --attachment-ratio 0.3
#
# The database password comes from FIXTURE_DB_PASSWORD (or --db-password-file).
set -euo pipefail
cd "$(dirname "$0")/.."

cp_file=target/fixture-classpath.txt
if [ ! -f "$cp_file" ] || [ -n "$(find src pom.xml -newer "$cp_file" -print -quit)" ]; then
  echo "make-fixture.sh: compiling the test classes" >&2
  mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
fi
start=$(date +%s.%N)
status=0
java ${JAVA_OPTS:--Xmx1g} -cp "target/test-classes:target/classes:$(cat "$cp_file")" \
  org.kgmigration.fixture.FixtureMain "$@" || status=$?
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "make-fixture.sh: wall time %.1f s (including JVM start)\n", e - s }' >&2
exit $status
