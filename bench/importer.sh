#!/usr/bin/env bash
# Benchmark of `bin/importer serve`: messages/s, blob MiB/s and the server's peak RSS when a client
# sends N and K x N generated mails (with attachment data as blobs) through the HTTP API.
# See bench/README.md.
set -euo pipefail
BENCH_NAME=importer.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
Usage: bench/importer.sh [options]

Runs `bin/importer serve` (HTTPS with a certificate made here by openssl, JAVA_OPTS=-Xmx<HEAP>)
twice, each time on a new mailbox store with one inactive user, and sends it MESSAGES and then
MESSAGES x SCALE generated mails with bench/ImportClient.java (batches of BATCH mails, sent as
migrate sends them: attachment data up to the server's maxInlineBlobBytes inline in the batch,
larger data through one blob query per batch and a PUT per missing blob). Prints messages/s, blob MiB/s, the server's peak RSS and CPU time,
the store's size, and the ratios between the two runs.

  --messages N          mails in the small run (default 2000)
  --scale K             the large run sends K x N mails (default 10)
  --batch B             mails per batch request (default 100)
  --attachment-ratio R  share of mails with an attachment, 0..1 (default 0.3)
  --sizes SPEC          attachment sizes: fixed:SIZE or uniform:MIN-MAX with k/m/g (default uniform:1k-64k)
  --threads T           parallel blob uploads of the client (default 1)
  --inline-max BYTES    send attachment data inline only up to BYTES (default: the server's
                        maxInlineBlobBytes, 256 KiB; 0 = upload every blob)
  --store S             h2 (embedded, in the data directory) or mariadb (a new database on
                        TEST_DB_*, dropped at the end) (default h2)
  --heap SIZE           the importer's -Xmx (default 256m)
  -h, --help            this text

Database (--store mariadb only): TEST_DB_HOST (127.0.0.1), TEST_DB_PORT (3306), TEST_DB_USER
(root), TEST_DB_PASSWORD (empty). Temporary files go to $TMPDIR (/tmp).
EOF
}

messages=2000 scale=10 batch=100 ratio=0.3 sizes=uniform:1k-64k threads=1 store=h2 heap=256m inline_max=""
args_given="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) need_value "$@"; messages=$2; shift 2 ;;
    --scale) need_value "$@"; scale=$2; shift 2 ;;
    --batch) need_value "$@"; batch=$2; shift 2 ;;
    --attachment-ratio) need_value "$@"; ratio=$2; shift 2 ;;
    --sizes) need_value "$@"; sizes=$2; shift 2 ;;
    --threads) need_value "$@"; threads=$2; shift 2 ;;
    --inline-max) need_value "$@"; inline_max=$2; shift 2 ;;
    --store) need_value "$@"; store=$2; shift 2 ;;
    --heap) need_value "$@"; heap=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
need_int --messages "$messages" 1
need_int --scale "$scale" 2
need_int --batch "$batch" 1
[ "$batch" -le 1000 ] || usage_error "--batch must be at most 1000 (the importer's max_batch_items)"
need_ratio --attachment-ratio "$ratio"
need_int --threads "$threads" 1
[ -z "$inline_max" ] || need_int --inline-max "$inline_max" 0
need_heap --heap "$heap"
case "$store" in h2|mariadb) ;; *) usage_error "--store must be h2 or mariadb, not '$store'" ;; esac
if [[ "$sizes" =~ ^fixed:([0-9]+[kKmMgG]?)$ ]]; then
  min_size=$(size_bytes "${BASH_REMATCH[1]}") max_size=$min_size
elif [[ "$sizes" =~ ^uniform:([0-9]+[kKmMgG]?)-([0-9]+[kKmMgG]?)$ ]]; then
  min_size=$(size_bytes "${BASH_REMATCH[1]}") max_size=$(size_bytes "${BASH_REMATCH[2]}")
  [ "$min_size" -le "$max_size" ] || usage_error "--sizes uniform:MIN-MAX needs MIN <= MAX"
else
  usage_error "--sizes must be fixed:SIZE or uniform:MIN-MAX, not '$sizes'"
fi

command -v openssl >/dev/null 2>&1 || fail "needs openssl for the test certificate: apt-get install openssl"
[ "$store" = h2 ] || db_check
ensure_jar
work=$(mktemp -d "${TMPDIR:-/tmp}/kgbench-importer.XXXXXX")
remove_later "$work"
upn=bench@example.org
clk_tck=$(getconf CLK_TCK)

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 \
  || fail "openssl could not make a test certificate"
chmod 600 "$work/key.pem"

free_port() {
  local p
  for p in $(seq 18443 18943); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  fail "no free TCP port in 18443-18943"
}
cpu_seconds() { awk -v t="$clk_tck" '{ printf "%.1f\n", ($14 + $15) / t }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# run NAME MESSAGES: a new store and server, the client, the figures into R_* under NAME.
declare -A R
run() {
  local name=$1 n=$2 dir="$work/$1" port pid db="" rc=0 i
  mkdir -p "$dir"
  port=$(free_port)
  {
    echo "e4a:"
    echo "    adminrpc:"
    echo "        importer:"
    echo "            ip_white_lists: [127.0.0.1]"
    echo "            listen: 127.0.0.1:$port"
    echo "            tls_cert: $work/cert.pem"
    echo "            tls_key: $work/key.pem"
    echo "            data_dir: $dir/data"
    if [ "$store" = mariadb ]; then
      db="kgbench_imp_$$_$name"
      echo "            store_url: jdbc:mariadb://$TEST_DB_HOST:$TEST_DB_PORT/$db"
      echo "            store_user: $TEST_DB_USER"
    fi
  } >"$dir/config.yaml"
  if [ -n "$db" ]; then
    on_exit "db_drop '$db'"
    db "CREATE DATABASE \`$db\`"
  fi
  export E4A_STORE_PASSWORD=$TEST_DB_PASSWORD
  JAVA_OPTS="-Xmx$heap" "$BENCH_ROOT/bin/importer" users add "$upn" --inactive --display-name "Bench User" \
    --config "$dir/config.yaml" >/dev/null 2>"$dir/users.err" \
    || fail "importer users add failed: $(grep -v '^[0-9-]* [0-9:.]* ' "$dir/users.err" | tail -1)"

  log "$name run: importer serve on 127.0.0.1:$port, $n mails"
  : >"$dir/serve.log"
  JAVA_OPTS="-Xmx$heap" "$BENCH_ROOT/bin/importer" serve --config "$dir/config.yaml" >"$dir/serve.log" 2>&1 &
  pid=$!
  on_exit "stop_pid $pid"
  for i in $(seq 1 240); do
    grep -q 'importer listening on' "$dir/serve.log" && break
    kill -0 "$pid" 2>/dev/null || fail "importer serve stopped: $(tail -1 "$dir/serve.log")"
    sleep 0.5
  done
  grep -q 'importer listening on' "$dir/serve.log" || fail "importer serve did not start listening in 120 s"
  R[$name.rss0]=$(vmhwm "$pid")
  R[$name.cpu0]=$(cpu_seconds "$pid")

  java -Xmx256m -cp "$BENCH_JAR" "$BENCH_ROOT/bench/ImportClient.java" --url "https://127.0.0.1:$port" \
    --ca "$work/cert.pem" --upn "$upn" --messages "$n" --batch "$batch" --attachment-ratio "$ratio" \
    --min-size "$min_size" --max-size "$max_size" --threads "$threads" ${inline_max:+--inline-max "$inline_max"} >"$dir/client.out" 2>"$dir/client.err" || rc=$?
  [ "$rc" = 0 ] || fail "the client failed: $(tail -1 "$dir/client.err")"
  R[$name.rss]=$(vmhwm "$pid")
  R[$name.cpu]=$(cpu_seconds "$pid")
  kill -TERM "$pid"
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  ! kill -0 "$pid" 2>/dev/null || fail "importer serve did not stop within 30 s of SIGTERM"
  wait "$pid" 2>/dev/null || true
  grep -q OutOfMemoryError "$dir/serve.log" && fail "the importer ran out of memory (see $dir/serve.log)"
  while read -r k v; do R[$name.$k]=$v; done <"$dir/client.out"
  [ "${R[$name.server_attachments]}" = "${R[$name.blobs]}" ] \
    || fail "the server counted ${R[$name.server_attachments]} attachments, the client sent ${R[$name.blobs]}"
  if [ "$store" = h2 ]; then
    R[$name.store]=$(du -sb "$dir/data" | awk '{ print $1 }')
  else
    R[$name.store]=$(db "SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = '$db'")
    db_drop "$db"
  fi
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
run small "$messages"
run large "$((messages * scale))"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report -------------------------------------------------------------------------------------
echo
echo "importer benchmark, $(today)"
echo "machine: $(machine)"
echo "command: bench/importer.sh $args_given"
echo "load average (1, 5, 15 min) before: $load_before, after: $load_after"
echo "importer: JAVA_OPTS=-Xmx$heap, store $store; client: bench/ImportClient.java on the same machine," \
  "batches of $batch mails, $threads blob upload thread(s), attachment ratio $ratio, sizes $sizes," \
  "inline data up to $([ -n "$inline_max" ] && echo "$inline_max bytes" || echo "the server's maxInlineBlobBytes")"
echo
echo "| run | mails | batches | blobs (inline) | blob MiB (inline) | client s | in batches s | in blob requests s | messages/s | uploaded MiB/s (in blob requests) | total MiB/s | server CPU s | peak RSS MiB (idle) | store MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for r in small large; do
  s=${R[$r.seconds]}
  echo "| $r | ${R[$r.messages]} | ${R[$r.batches]} | ${R[$r.blobs]} (${R[$r.inline_blobs]}) | $(mib "${R[$r.blob_bytes]}") ($(mib "${R[$r.inline_bytes]}"))" \
    "| $s | ${R[$r.batch_seconds]} | ${R[$r.blob_seconds]}" \
    "| $(ratio "${R[$r.messages]}" "$s" %.0f) | $(ratio "$(mib "${R[$r.uploaded_bytes]}")" "${R[$r.blob_seconds]}" %.1f)" \
    "| $(ratio "$(mib "$((${R[$r.uploaded_bytes]} + ${R[$r.batch_bytes]}))")" "$s" %.1f)" \
    "| $(calc "${R[$r.cpu]} - ${R[$r.cpu0]}" %.1f) | $(ratio "${R[$r.rss]}" 1024 %.0f) ($(ratio "${R[$r.rss0]}" 1024 %.0f))" \
    "| $(mib "${R[$r.store]}") |"
done
echo
echo "| ratio | value | expectation |"
echo "|---|---|---|"
echo "| mails, large / small | $(ratio "${R[large.messages]}" "${R[small.messages]}" %.1f) | the scale |"
if [ "${R[large.first_half_messages]}" -lt "${R[large.messages]}" ]; then
  h1=$(ratio "${R[large.first_half_messages]}" "${R[large.first_half_seconds]}" %.3f)
  h2=$(ratio "$((${R[large.messages]} - ${R[large.first_half_messages]}))" "$(calc "${R[large.seconds]} - ${R[large.first_half_seconds]}" %.3f)" %.3f)
  h="$(ratio "$h2" "$h1") ($(printf '%.0f' "$h2") / $(printf '%.0f' "$h1"))"
else
  h="- (the large run was one batch)"
fi
echo "| messages/s, second half / first half of the large run | $h" \
  "| 1 or more (JIT warm-up helps the second half): the cost of a mail does not grow as the mailbox fills |"
echo "| messages/s, large / small | $(ratio "$(ratio "${R[large.messages]}" "${R[large.seconds]}" %.3f)" "$(ratio "${R[small.messages]}" "${R[small.seconds]}" %.3f)")" \
  "| 1 or more: the small run is mostly JIT warm-up |"
echo "| server peak RSS, large / small | $(ratio "${R[large.rss]}" "${R[small.rss]}") | about 1, not $scale: bounded by -Xmx$heap plus the JVM's own memory, not by the number of mails |"
echo
echo "check: the server counted ${R[small.server_messages]} and ${R[large.server_messages]} messages" \
  "with ${R[small.server_attachments]} and ${R[large.server_attachments]} attachments (POST .../complete), as sent"
