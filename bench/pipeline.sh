#!/usr/bin/env bash
# End-to-end benchmark: `bin/kgdump dump --stdout | bin/migrate import --stdin` into a running
# `bin/importer serve`, all on this machine. Prints end-to-end messages/s and MiB/s and the peak
# RSS of the three programs. See bench/README.md.
set -euo pipefail
BENCH_NAME=pipeline.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
Usage: bench/pipeline.sh [options]

Builds a Kopano fixture database with bench/make-fixture.sh (USERS users with MESSAGES mails each),
starts `bin/importer serve` (HTTPS with a certificate made here by openssl, a new store, one
inactive target user per source user), and runs

  bin/kgdump dump --stdout --user ... | bin/migrate import --stdin

with JAVA_OPTS=-Xmx<HEAP> for all three programs. Prints the wall time of the pipeline, end-to-end
messages/s and MiB/s, the peak RSS of kgdump, migrate and the importer, and checks migrate's
report and the importer's counts against the fixture.

  --users N                 generated users = stores (default 4)
  --messages M              mails per user (default 2500)
  --attachment-ratio R      share of mails with an attachment, 0..1 (default 0.3)
  --sizes SPEC              attachment sizes: mixed, fixed:SIZE, uniform:MIN-MAX (default uniform:1k-64k)
  --storage S               attachment storage: files_v2, files or database (default files_v2)
  --dump-concurrency N      kgdump --concurrency (default 1)
  --delivery-concurrency N  migrate's delivery.concurrency, batches in flight (default 4)
  --store S                 the importer's store: h2 (embedded) or mariadb (a new database on
                            TEST_DB_*, dropped at the end) (default h2)
  --heap SIZE               -Xmx of kgdump, migrate and the importer (default 256m)
  --reuse                   keep the fixture (database kgbench_fx_*, files in bench/out/fixtures/)
                            and use it again on the next run with the same options
  -h, --help                this text

BENCH_IMPORTER_JAVA_OPTS adds JVM options to `importer serve` only, e.g. for a profile:
BENCH_IMPORTER_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/imp.jfr,settings=profile".

Database: TEST_DB_HOST (127.0.0.1), TEST_DB_PORT (3306), TEST_DB_USER (root), TEST_DB_PASSWORD
(empty); the user must be able to create databases. Temporary files go to $TMPDIR (/tmp).
EOF
}

users=4 messages=2500 ratio=0.3 sizes=uniform:1k-64k storage=files_v2 dconc=1 mconc=4 store=h2 heap=256m reuse=0
args_given="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --users) need_value "$@"; users=$2; shift 2 ;;
    --messages) need_value "$@"; messages=$2; shift 2 ;;
    --attachment-ratio) need_value "$@"; ratio=$2; shift 2 ;;
    --sizes) need_value "$@"; sizes=$2; shift 2 ;;
    --storage) need_value "$@"; storage=$2; shift 2 ;;
    --dump-concurrency) need_value "$@"; dconc=$2; shift 2 ;;
    --delivery-concurrency) need_value "$@"; mconc=$2; shift 2 ;;
    --store) need_value "$@"; store=$2; shift 2 ;;
    --heap) need_value "$@"; heap=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
need_int --users "$users" 1
need_int --messages "$messages" 1
need_ratio --attachment-ratio "$ratio"
need_int --dump-concurrency "$dconc" 1
[ "$dconc" -le 64 ] || usage_error "--dump-concurrency must be at most 64"
need_int --delivery-concurrency "$mconc" 1
[ "$mconc" -le 64 ] || usage_error "--delivery-concurrency must be at most 64"
need_heap --heap "$heap"
case "$storage" in files_v2|files|database) ;; *) usage_error "--storage must be files_v2, files or database, not '$storage'" ;; esac
case "$store" in h2|mariadb) ;; *) usage_error "--store must be h2 or mariadb, not '$store'" ;; esac
[[ "$sizes" =~ ^(mixed|fixed:[0-9]+[kKmMgG]?|uniform:[0-9]+[kKmMgG]?-[0-9]+[kKmMgG]?)$ ]] \
  || usage_error "--sizes must be mixed, fixed:SIZE or uniform:MIN-MAX, not '$sizes'"

command -v openssl >/dev/null 2>&1 || fail "needs openssl for the test certificate: apt-get install openssl"
db_check
ensure_gnu_time
ensure_jar
work=$(mktemp -d "${TMPDIR:-/tmp}/kgbench-pipeline.XXXXXX")
remove_later "$work"

# ---- the source ---------------------------------------------------------------------------------
fixture "$work" "$reuse" "$users users x $messages mails" \
  "users=$users messages=$messages ratio=$ratio sizes=$sizes storage=$storage catalog=0 seed=42" \
  --users "$users" --messages "$messages" --attachment-ratio "$ratio" --sizes "$sizes" --storage "$storage" --no-catalog
counter_setup "$fx_db"
# The fixture's generated users (make-fixture names them bulk0001@example.org, ...); their stores
# are dumped, the public store is not.
selectors=() targets=()
for ((i = 1; i <= users; i++)); do
  u=$(printf 'bulk%04d@example.org' "$i")
  selectors+=(--user "$u")
  targets+=("$u")
done

# ---- the target ---------------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 \
  || fail "openssl could not make a test certificate"
chmod 600 "$work/key.pem"
port=""
for p in $(seq 18443 18943); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then port=$p; break; fi
done
[ -n "$port" ] || fail "no free TCP port in 18443-18943"
{
  echo "e4a:"
  echo "    adminrpc:"
  echo "        importer:"
  echo "            ip_white_lists: [127.0.0.1]"
  echo "            listen: 127.0.0.1:$port"
  echo "            tls_cert: $work/cert.pem"
  echo "            tls_key: $work/key.pem"
  echo "            data_dir: $work/importer"
  if [ "$store" = mariadb ]; then
    store_db="kgbench_imp_$$"
    echo "            store_url: jdbc:mariadb://$TEST_DB_HOST:$TEST_DB_PORT/$store_db"
    echo "            store_user: $TEST_DB_USER"
  fi
} >"$work/importer.yaml"
if [ "$store" = mariadb ]; then
  on_exit "db_drop '$store_db'"
  db "CREATE DATABASE \`$store_db\`"
fi
export E4A_STORE_PASSWORD=$TEST_DB_PASSWORD
log "adding $users inactive target users to the importer's store"
for u in "${targets[@]}"; do
  JAVA_OPTS="-Xmx$heap" "$BENCH_ROOT/bin/importer" users add "$u" --inactive --config "$work/importer.yaml" \
    >/dev/null 2>"$work/users.err" || fail "importer users add failed: $(grep -v '^[0-9-]* [0-9:.]* ' "$work/users.err" | tail -1)"
done
log "starting importer serve on 127.0.0.1:$port"
: >"$work/serve.log"
JAVA_OPTS="-Xmx$heap ${BENCH_IMPORTER_JAVA_OPTS:-}" "$BENCH_ROOT/bin/importer" serve --config "$work/importer.yaml" >"$work/serve.log" 2>&1 &
server=$!
on_exit "stop_pid $server"
for i in $(seq 1 240); do
  grep -q 'importer listening on' "$work/serve.log" && break
  kill -0 "$server" 2>/dev/null || fail "importer serve stopped: $(tail -1 "$work/serve.log")"
  sleep 0.5
done
grep -q 'importer listening on' "$work/serve.log" || fail "importer serve did not start listening in 120 s"
server_rss0=$(vmhwm "$server")

{
  echo "tls:"
  echo "  ca_file: $work/cert.pem"
  echo "delivery:"
  echo "  concurrency: $mconc"
} >"$work/migrate.yaml"

# ---- the pipeline -------------------------------------------------------------------------------
log "kgdump dump --stdout | migrate import --stdin ($fx_messages messages in the fixture)"
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
before=$(counter_read)
t0=$(date +%s.%N)
set +e
(cd "$work" && KGDUMP_DB_PASSWORD=$COUNTER_PASSWORD JAVA_OPTS="-Xmx$heap" measured "$work/kgdump" \
  "$BENCH_ROOT/bin/kgdump" dump --stdout "${selectors[@]}" --db-host "$TEST_DB_HOST" --db-port "$TEST_DB_PORT" \
  --db-user "$COUNTER_USER" --db-name "$fx_db" --attachments-dir "$fx_dir/attachments" --progress none \
  --concurrency "$dconc") \
  | (cd "$work" && IMPORTER_CONFIG="$work/migrate.yaml" IMPORTER_IMPORT_URL="https://127.0.0.1:$port/" \
     JAVA_OPTS="-Xmx$heap" measured "$work/migrate" "$BENCH_ROOT/bin/migrate" import --stdin \
     --journal "$work/migrate.journal" --report "$work/report.json")
status=("${PIPESTATUS[@]}")
set -e
t1=$(date +%s.%N)
after=$(counter_read)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
server_rss=$(vmhwm "$server")
[ "${status[0]}" = 0 ] || fail "kgdump exited with ${status[0]}: $(grep -v '^[0-9-]* [0-9:.]* ' "$work/kgdump.err" | tail -1)"
# 3 = done, with items skipped by design (counted in the report, e.g. folders outside the IPM subtree)
[ "${status[1]}" = 0 ] || [ "${status[1]}" = 3 ] \
  || fail "migrate import exited with ${status[1]}: $(grep -v '^[0-9-]* [0-9:.]* ' "$work/migrate.err" | tail -1)"
grep -q OutOfMemoryError "$work/kgdump.err" "$work/migrate.err" "$work/serve.log" && fail "a program ran out of memory"

# ---- figures ------------------------------------------------------------------------------------
wall=$(calc "$t1 - $t0" %.2f)
summary=$(grep '^kgdump: ' "$work/kgdump.err" | grep -v 'PROBLEMS' | grep ' stores, ' | tail -1 || true)
d_msgs=$(sed -n 's/.* \([0-9]*\) messages and .*/\1/p' <<<"$summary")
d_assoc=$(sed -n 's/.* messages and \([0-9]*\) associated.*/\1/p' <<<"$summary")
[ -n "$d_msgs" ] || fail "no summary line from kgdump (see $work/kgdump.err)"
# json_sum FILE INDENT KEY: the sum of the numbers of KEY at exactly INDENT spaces in a JSON file
# pretty-printed by Jackson (migrate's report: stores at 4, importer stats: mailboxes at 2).
json_sum() {
  awk -v k="\"$3\"" -v n="$2" '$1 == k && $2 == ":" && match($0, /^ */) && RLENGTH == n { gsub(/,/, "", $3); s += $3 }
    END { print s + 0 }' "$1"
}
m_msgs=$(json_sum "$work/report.json" 4 messages)
m_imported=$(json_sum "$work/report.json" 4 imported)
m_att=$(json_sum "$work/report.json" 4 attachments)
m_att_bytes=$(json_sum "$work/report.json" 4 attachmentBytes)
m_bytes=$(json_sum "$work/report.json" 4 bytes)
m_skipped=$(awk '/"skipped" : \{/ { inside = 1; next } inside && /}/ { inside = 0 } inside { gsub(/,/, "", $NF); s += $NF } END { print s + 0 }' "$work/report.json")
skips=$(grep '^  skipped ' "$work/migrate.err" | sed 's/^  skipped //' | sort | uniq -c | awk '{ $1 = ""; print }' | head -5 | paste -sd ';' - || true)
JAVA_OPTS="-Xmx$heap" "$BENCH_ROOT/bin/importer" stats --json --config "$work/importer.yaml" >"$work/stats.json" 2>"$work/stats.err" \
  || fail "importer stats failed: $(tail -1 "$work/stats.err")"
s_msgs=$(json_sum "$work/stats.json" 2 messages)
[ "$m_imported" = "$m_msgs" ] || fail "migrate sent $m_msgs messages, of which only $m_imported were imported (see $work/report.json)"
[ "$s_msgs" = "$m_imported" ] || fail "the importer holds $s_msgs messages, migrate imported $m_imported"

echo
echo "pipeline benchmark, $(today)"
echo "machine: $(machine)"
echo "command: bench/pipeline.sh $args_given"
echo "load average (1, 5, 15 min) before: $load_before, after: $load_after"
echo "fixture: $users users x $messages mails ($fx_messages messages, $fx_attachments attachments," \
  "$(mib "$fx_bytes") MiB, $storage), $([ "$fx_build" = reused ] && echo "reused from an earlier run" || echo "built in $fx_build")"
echo "programs: JAVA_OPTS=-Xmx$heap; kgdump --concurrency $dconc; migrate delivery.concurrency $mconc; importer store $store"
echo
echo "| wall s | messages dumped | messages imported | skipped (folders, messages) | messages/s | attachment MiB/s | uploaded MiB/s | uploaded MiB | kgdump peak RSS MiB | migrate peak RSS MiB | importer peak RSS MiB (idle) | kgdump statements |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
read -r s0 _ _ <<<"$before"
read -r s1 _ _ <<<"$after"
echo "| $wall | $((d_msgs + d_assoc)) | $m_imported | $m_skipped | $(ratio "$m_imported" "$wall" %.0f)" \
  "| $(ratio "$(mib "$m_att_bytes")" "$wall" %.1f) | $(ratio "$(mib "$m_bytes")" "$wall" %.1f) | $(mib "$m_bytes")" \
  "| $(ratio "$(rss_of "$work/kgdump")" 1024 %.0f) | $(ratio "$(rss_of "$work/migrate")" 1024 %.0f)" \
  "| $(ratio "$server_rss" 1024 %.0f) ($(ratio "$server_rss0" 1024 %.0f)) | $((s1 - s0)) |"
echo
echo "check: migrate imported $m_imported of $m_msgs messages sent ($m_att attachments), the importer holds $s_msgs;" \
  "migrate exit code ${status[1]}${skips:+; skipped by design:$skips}"
