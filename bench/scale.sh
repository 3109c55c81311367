#!/usr/bin/env bash
# Speed and memory at scale, side by side on one fixture: the raw-read floor (mariadb client +
# cat of every attachment file), kgdump --stdout at concurrency 1 and N, kgdump | migrate | importer
# (embedded H2 and MariaDB store), migrate import --input FILE, and kgdump through a TCP proxy that
# adds latency to every round trip. Prints messages/s, MiB/s, wall time, peak RSS, RSS at 10/50/100 %
# of each run and the ratios to the floor. See bench/README.md.
set -euo pipefail
BENCH_NAME=scale.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
Usage: bench/scale.sh [options]

Builds one Kopano fixture with bench/make-fixture.sh and runs, one after the other on it:
  floor         the same stores' rows read raw with the mariadb client (hierarchy, properties,
                mvproperties, indexedproperties, singleinstances, lob in database storage) and
                every attachment file read once with cat, all into a byte counter
  dump-c1       bin/kgdump dump --stdout --concurrency 1 > /dev/null
  dump-cN       the same with --concurrency N (default: the number of cores)
  pipeline-h2   bin/kgdump dump --stdout | bin/migrate import --stdin into bin/importer serve
                (embedded H2 store) on 127.0.0.1
  pipeline-mariadb  the same into an importer with a MariaDB store (a new database on TEST_DB_*)
  import-file   bin/kgdump dump --output FILE, then bin/migrate import --input FILE (H2 store)
  latency       dump-c1 and dump-cN through bench/LatencyProxy.java with 0 ms and with
                --latency ms added to every round trip
Every program runs with JAVA_OPTS=-Xmx<HEAP>; its RSS is sampled from /proc every
--sample-interval seconds and reported at 10 %, 50 % and 100 % of its run (by time).

  --users N                   generated users = stores (default 20)
  --messages M                mails per user (default 5000)
  --attachment-ratio R        share of mails with attachments, 0..1 (default 0.2)
  --attachments-per-message N attachments of such a mail (default 1)
  --sizes SPEC                attachment sizes: mixed, fixed:SIZE, uniform:MIN-MAX (default mixed)
  --shared-ratio R            share of mails with attachments copied into a second folder, sharing
                              the attachment instances (default 0.1)
  --storage S                 files_v2, files or database (default files_v2)
  --concurrency N             kgdump --concurrency of the cN runs (default: nproc)
  --pipeline-concurrency N    kgdump --concurrency in the pipeline and import-file runs (default 1:
                              on few cores the spooling of --concurrency costs more than it gains)
  --delivery-concurrency N    migrate's delivery.concurrency (default 4)
  --import-users N            import only the first N stores in the pipeline and import-file runs
                              (default: all); their ratios are per message
  --latency MS                added round-trip time of the latency runs (default 1)
  --steps LIST                comma-separated steps to run (default: all of the above: floor,
                              dump-c1, dump-cN, pipeline-h2, pipeline-mariadb, import-file, latency)
  --heap SIZE                 -Xmx of every program (default 256m)
  --sample-interval S         seconds between RSS samples (default 0.5)
  --reuse                     keep the fixture (database kgbench_fx_*, files in bench/out/fixtures/)
                              and use it again on the next run with the same options
  --cold                      empty the page cache (sync; echo 3 > /proc/sys/vm/drop_caches, needs
                              root) before every run, so that each run reads the attachment files
                              and database files from the disk, as a migration does; without it a
                              run reads from memory what an earlier one left in the cache
  -h, --help                  this text

Database: TEST_DB_HOST (127.0.0.1), TEST_DB_PORT (3306), TEST_DB_USER (root), TEST_DB_PASSWORD
(empty); the user must be able to create databases. Temporary files go to $TMPDIR (/tmp): the
dump file of import-file is as large as the attachment data, the importer's stores as well.
EOF
}

users=20 messages=5000 ratio=0.2 per=1 sizes=mixed shared=0.1 storage=files_v2 conc=$(nproc) pconc=1 mconc=4
import_users=0 latency=1 heap=256m interval=0.5 reuse=0 cold=0
all_steps=floor,dump-c1,dump-cN,pipeline-h2,pipeline-mariadb,import-file,latency
steps=$all_steps
args_given="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --users) need_value "$@"; users=$2; shift 2 ;;
    --messages) need_value "$@"; messages=$2; shift 2 ;;
    --attachment-ratio) need_value "$@"; ratio=$2; shift 2 ;;
    --attachments-per-message) need_value "$@"; per=$2; shift 2 ;;
    --sizes) need_value "$@"; sizes=$2; shift 2 ;;
    --shared-ratio) need_value "$@"; shared=$2; shift 2 ;;
    --storage) need_value "$@"; storage=$2; shift 2 ;;
    --concurrency) need_value "$@"; conc=$2; shift 2 ;;
    --pipeline-concurrency) need_value "$@"; pconc=$2; shift 2 ;;
    --delivery-concurrency) need_value "$@"; mconc=$2; shift 2 ;;
    --import-users) need_value "$@"; import_users=$2; shift 2 ;;
    --latency) need_value "$@"; latency=$2; shift 2 ;;
    --steps) need_value "$@"; steps=$2; shift 2 ;;
    --heap) need_value "$@"; heap=$2; shift 2 ;;
    --sample-interval) need_value "$@"; interval=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --cold) cold=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
need_int --users "$users" 1
need_int --messages "$messages" 1
need_ratio --attachment-ratio "$ratio"
need_int --attachments-per-message "$per" 1
need_ratio --shared-ratio "$shared"
need_int --concurrency "$conc" 1
need_int --pipeline-concurrency "$pconc" 1
[ "$conc" -le 64 ] || usage_error "--concurrency must be at most 64"
need_int --delivery-concurrency "$mconc" 1
[ "$mconc" -le 64 ] || usage_error "--delivery-concurrency must be at most 64"
need_int --import-users "$import_users" 0
[ "$import_users" -le "$users" ] || usage_error "--import-users must be at most --users ($users)"
[ "$import_users" != 0 ] || import_users=$users
[[ "$latency" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_error "--latency must be milliseconds like 1 or 0.5, not '$latency'"
[[ "$interval" =~ ^[0-9]*\.?[0-9]+$ ]] && [ "$(calc "$interval >= 0.05" %d)" = 1 ] \
  || usage_error "--sample-interval must be seconds >= 0.05, not '$interval'"
need_heap --heap "$heap"
case "$storage" in files_v2|files|database) ;; *) usage_error "--storage must be files_v2, files or database, not '$storage'" ;; esac
[[ "$sizes" =~ ^(mixed|fixed:[0-9]+[kKmMgG]?|uniform:[0-9]+[kKmMgG]?-[0-9]+[kKmMgG]?)$ ]] \
  || usage_error "--sizes must be mixed, fixed:SIZE or uniform:MIN-MAX, not '$sizes'"
IFS=, read -r -a step_list <<<"$steps"
[ "${#step_list[@]}" -gt 0 ] || usage_error "--steps needs at least one step"
for s in "${step_list[@]}"; do
  [[ ",$all_steps," == *",$s,"* ]] || usage_error "--steps: unknown step '$s' (known: $all_steps)"
done
want() { [[ ",$steps," == *",$1,"* ]]; }
[ "$cold" = 0 ] || [ -w /proc/sys/vm/drop_caches ] \
  || usage_error "--cold needs root: it writes /proc/sys/vm/drop_caches"
# --cold: dirty pages written out, then the page cache emptied, right before a run starts its clock
drop_caches() {
  [ "$cold" = 1 ] || return 0
  sync
  echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || fail "--cold: cannot write /proc/sys/vm/drop_caches"
}

command -v openssl >/dev/null 2>&1 || fail "needs openssl for the test certificate: apt-get install openssl"
db_check
ensure_gnu_time
ensure_jar
work=$(mktemp -d "${TMPDIR:-/tmp}/kgbench-scale.XXXXXX")
remove_later "$work"
run_id="kgscale$$"

# ---- the fixture --------------------------------------------------------------------------------
fixture "$work" "$reuse" "$users users x $messages mails" \
  "scale users=$users messages=$messages ratio=$ratio sizes=$sizes per=$per shared=$shared storage=$storage seed=42" \
  --users "$users" --messages "$messages" --attachment-ratio "$ratio" --sizes "$sizes" \
  --attachments-per-message "$per" --shared-ratio "$shared" --storage "$storage" --no-catalog
counter_setup "$fx_db"
att_dir="$fx_dir/attachments"
all_sel=() imp_sel=() targets=()
for ((i = 1; i <= users; i++)); do
  u=$(printf 'bulk%04d@example.org' "$i")
  all_sel+=(--user "$u")
  if [ "$i" -le "$import_users" ]; then imp_sel+=(--user "$u"); targets+=("$u"); fi
done
kgdump_db=(--db-host "$TEST_DB_HOST" --db-user "$COUNTER_USER" --db-name "$fx_db"
  --attachments-dir "$att_dir" --progress none)

# ---- RSS sampling -------------------------------------------------------------------------------
# Every program of run R gets -Dkgbench.role=<run id>.R.<program> in its JAVA_OPTS; the sampler
# finds them in /proc and appends "<seconds since start> <program> <VmRSS KiB>" to R.rss.
sampler_pid=""
start_sampler() {  # RUN
  local run=$1 file="$work/$1.rss" t0
  t0=$(date +%s.%N)
  : >"$file"
  (
    while :; do
      now=$(date +%s.%N)
      for f in $(grep -l -a -F "kgbench.role=$run_id.$run." /proc/[0-9]*/cmdline 2>/dev/null); do
        d=${f%/cmdline}
        role=$({ tr '\0' '\n' <"$f"; } 2>/dev/null | sed -n "s/^-Dkgbench.role=$run_id\.$run\.//p" | head -1)
        rss=$(awk '/^VmRSS:/ { print $2 }' "$d/status" 2>/dev/null || true)
        [ -z "$role" ] || [ -z "$rss" ] || echo "$(calc "$now - $t0" %.2f) $role $rss" >>"$file"
      done
      sleep "$interval"
    done
  ) &
  sampler_pid=$!
}
stop_sampler() { kill "$sampler_pid" 2>/dev/null || true; wait "$sampler_pid" 2>/dev/null || true; sampler_pid=""; }
on_exit 'stop_sampler'
opts() { echo "-Xmx$heap -Dkgbench.role=$run_id.$1.$2"; }  # RUN PROGRAM
# rss_at RUN PROGRAM: "RSS at 10 % / 50 % / 100 % of the program's sampled life" in MiB
rss_at() {
  awk -v p="$2" '$2 == p { t[n] = $1; r[n] = $3; n++ }
    END {
      if (n == 0) { print "-"; exit }
      first = t[0]; last = t[n - 1]; out = ""
      split("0.1 0.5 1.0", q, " ")
      for (k = 1; k <= 3; k++) {
        want = first + q[k] * (last - first); best = 0
        for (i = 0; i < n; i++) if (t[i] <= want + 1e-9) best = i
        out = out (k > 1 ? " / " : "") sprintf("%.0f", r[best] / 1024)
      }
      print out
    }' "$work/$1.rss"
}

# ---- the importer -------------------------------------------------------------------------------
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1 \
  || fail "openssl could not make a test certificate"
chmod 600 "$work/key.pem"
{
  echo "tls:"
  echo "  ca_file: $work/cert.pem"
  echo "delivery:"
  echo "  concurrency: $mconc"
} >"$work/migrate.yaml"
export E4A_STORE_PASSWORD=$TEST_DB_PASSWORD
free_port() {
  local p
  for p in $(seq "$1" "$(($1 + 500))"); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  fail "no free TCP port in $1-$(($1 + 500))"
}
# importer_config RUN STORE(h2|mariadb): writes RUN.yaml; a new store with the target users; the
# port in imp_port
importer_config() {
  local run=$1 store=$2 port cfg="$work/$1.yaml" u
  port=$(free_port 18443)
  imp_port=$port
  {
    echo "e4a:"
    echo "    adminrpc:"
    echo "        importer:"
    echo "            ip_white_lists: [127.0.0.1]"
    echo "            listen: 127.0.0.1:$port"
    echo "            tls_cert: $work/cert.pem"
    echo "            tls_key: $work/key.pem"
    echo "            data_dir: $work/$run.importer"
    if [ "$store" = mariadb ]; then
      echo "            store_url: jdbc:mariadb://$TEST_DB_HOST:$TEST_DB_PORT/kgbench_imp_$$_${run//-/_}"
      echo "            store_user: $TEST_DB_USER"
    fi
  } >"$cfg"
  if [ "$store" = mariadb ]; then
    on_exit "db_drop 'kgbench_imp_$$_${run//-/_}'"
    db "CREATE DATABASE \`kgbench_imp_$$_${run//-/_}\`"
  fi
  if [ "$store" = h2 ] && [ -d "$work/h2-template" ]; then
    cp -a "$work/h2-template" "$work/$run.importer"
  else
    log "adding ${#targets[@]} inactive target users to the $store store of $run"
    for u in "${targets[@]}"; do
      JAVA_OPTS="-Xmx$heap" "$BENCH_ROOT/bin/importer" users add "$u" --inactive --config "$cfg" \
        >/dev/null 2>"$work/users.err" || fail "importer users add failed: $(grep -v '^[0-9-]* [0-9:.]* ' "$work/users.err" | tail -1)"
    done
    [ "$store" != h2 ] || cp -a "$work/$run.importer" "$work/h2-template"
  fi
}
server_pid=""
start_importer() {  # RUN PORT
  local run=$1 i
  : >"$work/$run.serve.log"
  JAVA_OPTS="$(opts "$run" importer)" "$BENCH_ROOT/bin/importer" serve --config "$work/$run.yaml" \
    >"$work/$run.serve.log" 2>&1 &
  server_pid=$!
  on_exit "stop_pid $server_pid"
  for i in $(seq 1 240); do
    grep -q 'importer listening on' "$work/$run.serve.log" && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "importer serve stopped: $(tail -1 "$work/$run.serve.log")"
    sleep 0.5
  done
  fail "importer serve did not start listening in 120 s"
}

# ---- results ------------------------------------------------------------------------------------
# Per run: R_WALL (s), R_MSGS (messages done), R_BYTES (attachment bytes done), R_STREAM (bytes of
# the dump stream, if known), R_PEAK ("program peak-MiB, ..."), R_RSS ("program a / b / c; ..."),
# R_LOAD (load average before → after), R_STMT (statements), R_FOLDERS.
declare -A R_WALL R_MSGS R_BYTES R_STREAM R_PEAK R_RSS R_LOAD R_STMT R_FOLDERS R_WHAT
runs=()
record() {  # RUN WHAT WALL MSGS BYTES LOAD_BEFORE PROGRAMS...
  local run=$1 p peaks="" rsss=""
  R_WHAT[$run]=$2 R_WALL[$run]=$3 R_MSGS[$run]=$4 R_BYTES[$run]=$5
  R_LOAD[$run]="$6 → $(cut -d' ' -f1 /proc/loadavg)"
  shift 6
  for p in "$@"; do
    local pk
    if [ -f "$work/$run.$p.time" ]; then pk=$(ratio "$(rss_of "$work/$run.$p")" 1024 %.0f)
    else pk=$(awk -v p="$p" '$2 == p && $3 > m { m = $3 } END { printf "%.0f", m / 1024 }' "$work/$run.rss"); fi
    peaks="$peaks${peaks:+, }$p $pk"
    rsss="$rsss${rsss:+; }$p $(rss_at "$run" "$p")"
  done
  R_PEAK[$run]=$peaks R_RSS[$run]=$rsss
  runs+=("$run")
  log "$run: ${R_WALL[$run]} s, ${R_MSGS[$run]} messages, peak RSS MiB: $peaks; RSS at 10/50/100 %: $rsss; load ${R_LOAD[$run]}"
}
load1() { cut -d' ' -f1 /proc/loadavg; }
kgdump_summary() {  # ERRFILE -> "folders messages"
  local line m a f
  line=$(grep '^kgdump: wrote \|^kgdump: .* stores, ' "$1" | grep -v PROBLEMS | tail -1 || true)
  [ -n "$line" ] || fail "no summary line from kgdump (see $1)"
  f=$(sed -n 's/.* \([0-9]*\) folders,.*/\1/p' <<<"$line")
  m=$(sed -n 's/.* \([0-9]*\) messages and .*/\1/p' <<<"$line")
  a=$(sed -n 's/.* messages and \([0-9]*\) associated.*/\1/p' <<<"$line")
  echo "${f:-0} $((m + a))"
}
json_sum() {  # FILE INDENT KEY (Jackson pretty-printed)
  awk -v k="\"$3\"" -v n="$2" '$1 == k && $2 == ":" && match($0, /^ */) && RLENGTH == n { gsub(/,/, "", $3); s += $3 }
    END { print s + 0 }' "$1"
}
errline() { grep -v '^[0-9-]* [0-9:.]* ' "$1" | tail -1; }

# ---- 1. the floor -------------------------------------------------------------------------------
tables=(hierarchy properties mvproperties indexedproperties singleinstances)
[ "$storage" != database ] || tables+=(lob)
declare -A FLOOR_T
floor_db=- floor_files=- db_bytes=0 file_bytes=0 file_count=0
if want floor; then
log "floor: reading ${tables[*]} with the mariadb client and every attachment file with cat"
sync
drop_caches
lb=$(load1)
t0=$(date +%s.%N)
for t in "${tables[@]}"; do
  ta=$(date +%s.%N)
  n=$(MYSQL_PWD="$TEST_DB_PASSWORD" "$_bench_mysql" --protocol=TCP -h "$TEST_DB_HOST" -P "$TEST_DB_PORT" \
    -u "$TEST_DB_USER" --quick --raw -N -B -e "SELECT * FROM \`$t\`" "$fx_db" | wc -c)
  FLOOR_T[$t]=$(calc "$(date +%s.%N) - $ta" %.2f)
  db_bytes=$((db_bytes + n))
done
t1=$(date +%s.%N)
file_bytes=$(find "$att_dir" -type f -print0 | xargs -0 -r cat | wc -c)
file_count=$(find "$att_dir" -type f | wc -l)
t2=$(date +%s.%N)
floor_db=$(calc "$t1 - $t0" %.2f)
floor_files=$(calc "$t2 - $t1" %.2f)
record floor "mariadb client (${tables[*]}) + cat of $file_count files" "$(calc "$t2 - $t0" %.2f)" \
  "$fx_messages" "$fx_bytes" "$lb"
R_STREAM[floor]=$((db_bytes + file_bytes))
fi

# ---- 2. kgdump --stdout > /dev/null -------------------------------------------------------------
dump_run() {  # RUN CONCURRENCY PORT WHAT [imp]: all stores, or only the imported ones
  local run=$1 c=$2 port=$3 before after lb t0 rc=0 fs s0 s1 sel=("${all_sel[@]}")
  [ "${5:-all}" = all ] || sel=("${imp_sel[@]}")
  log "$run: kgdump dump --stdout --concurrency $c > /dev/null$([ "$port" = "$TEST_DB_PORT" ] || echo " via port $port")"
  drop_caches
  lb=$(load1)
  before=$(counter_read)
  start_sampler "$run"
  t0=$(date +%s.%N)
  (cd "$work" && KGDUMP_DB_PASSWORD=$COUNTER_PASSWORD JAVA_OPTS="$(opts "$run" kgdump)" measured "$work/$run.kgdump" \
    "$BENCH_ROOT/bin/kgdump" dump --stdout "${sel[@]}" "${kgdump_db[@]}" --db-port "$port" --concurrency "$c" \
    >/dev/null) || rc=$?
  wall=$(calc "$(date +%s.%N) - $t0" %.2f)
  stop_sampler
  after=$(counter_read)
  [ "$rc" = 0 ] || fail "$run: kgdump exited with $rc: $(errline "$work/$run.kgdump.err")"
  read -r fs m <<<"$(kgdump_summary "$work/$run.kgdump.err")"
  [ "$m" = "$fx_messages" ] || log "$run: kgdump wrote $m messages, the fixture has $fx_messages (public store left out)"
  record "$run" "$4" "$wall" "$m" "$fx_bytes" "$lb" kgdump
  read -r s0 _ <<<"$before"
  read -r s1 _ <<<"$after"
  R_STMT[$run]=$((s1 - s0)) R_FOLDERS[$run]=$fs
}
want dump-c1 && dump_run dump-c1 1 "$TEST_DB_PORT" "kgdump --stdout --concurrency 1 > /dev/null"
want dump-cN && dump_run dump-c"$conc" "$conc" "$TEST_DB_PORT" "kgdump --stdout --concurrency $conc > /dev/null"

# ---- 3. kgdump | migrate | importer -------------------------------------------------------------
check_import() {  # RUN REPORT CONFIG -> sets imp_msgs imp_bytes
  local run=$1 sent
  sent=$(json_sum "$2" 4 messages)
  imp_msgs=$(json_sum "$2" 4 imported)
  imp_bytes=$(json_sum "$2" 4 attachmentBytes)
  [ "$imp_msgs" = "$sent" ] || fail "$run: migrate sent $sent messages, of which only $imp_msgs were imported"
  JAVA_OPTS="-Xmx$heap" "$BENCH_ROOT/bin/importer" stats --json --config "$3" >"$work/$run.stats.json" 2>"$work/$run.stats.err" \
    || fail "$run: importer stats failed: $(tail -1 "$work/$run.stats.err")"
  [ "$(json_sum "$work/$run.stats.json" 2 messages)" = "$imp_msgs" ] \
    || fail "$run: the importer holds $(json_sum "$work/$run.stats.json" 2 messages) messages, migrate imported $imp_msgs"
}
pipeline_run() {  # RUN STORE
  local run=$1 store=$2 port lb t0 status
  importer_config "$run" "$store"
  port=$imp_port
  start_importer "$run" "$port"
  log "$run: kgdump --stdout --concurrency $pconc | migrate import --stdin into the $store store (${#targets[@]} stores)"
  drop_caches
  lb=$(load1)
  start_sampler "$run"
  t0=$(date +%s.%N)
  set +e
  (cd "$work" && KGDUMP_DB_PASSWORD=$COUNTER_PASSWORD JAVA_OPTS="$(opts "$run" kgdump)" measured "$work/$run.kgdump" \
    "$BENCH_ROOT/bin/kgdump" dump --stdout "${imp_sel[@]}" "${kgdump_db[@]}" --db-port "$TEST_DB_PORT" --concurrency "$pconc") \
    | (cd "$work" && IMPORTER_CONFIG="$work/migrate.yaml" IMPORTER_IMPORT_URL="https://127.0.0.1:$port/" \
       JAVA_OPTS="$(opts "$run" migrate)" measured "$work/$run.migrate" "$BENCH_ROOT/bin/migrate" import --stdin \
       --journal "$work/$run.journal" --report "$work/$run.report.json")
  status=("${PIPESTATUS[@]}")
  set -e
  wall=$(calc "$(date +%s.%N) - $t0" %.2f)
  stop_sampler
  [ "${status[0]}" = 0 ] || fail "$run: kgdump exited with ${status[0]}: $(errline "$work/$run.kgdump.err")"
  [ "${status[1]}" = 0 ] || [ "${status[1]}" = 3 ] || fail "$run: migrate exited with ${status[1]}: $(errline "$work/$run.migrate.err")"
  ! grep -q OutOfMemoryError "$work/$run.kgdump.err" "$work/$run.migrate.err" "$work/$run.serve.log" \
    || fail "$run: a program ran out of memory"
  check_import "$run" "$work/$run.report.json" "$work/$run.yaml"
  record "$run" "kgdump --stdout --concurrency $pconc | migrate import --stdin → importer ($store)" "$wall" \
    "$imp_msgs" "$imp_bytes" "$lb" kgdump migrate importer
  stop_pid "$server_pid"
  rm -rf "$work/$run.importer"
  [ "$store" != mariadb ] || db_drop "kgbench_imp_$$_${run//-/_}"
}
want pipeline-h2 && pipeline_run pipeline-h2 h2
want pipeline-mariadb && pipeline_run pipeline-mariadb mariadb

# ---- 4. migrate import --input FILE -------------------------------------------------------------
if want import-file; then
  run=dump-file
  log "$run: kgdump dump --output FILE --concurrency $pconc"
  drop_caches
  lb=$(load1)
  start_sampler "$run"
  t0=$(date +%s.%N)
  rc=0
  (cd "$work" && KGDUMP_DB_PASSWORD=$COUNTER_PASSWORD JAVA_OPTS="$(opts "$run" kgdump)" measured "$work/$run.kgdump" \
    "$BENCH_ROOT/bin/kgdump" dump --output "$work/dump.d1" "${imp_sel[@]}" "${kgdump_db[@]}" --db-port "$TEST_DB_PORT" --concurrency "$pconc") || rc=$?
  wall=$(calc "$(date +%s.%N) - $t0" %.2f)
  stop_sampler
  [ "$rc" = 0 ] || fail "$run: kgdump exited with $rc: $(errline "$work/$run.kgdump.err")"
  read -r _ m <<<"$(kgdump_summary "$work/$run.kgdump.err")"
  record "$run" "kgdump --output FILE --concurrency $pconc" "$wall" "$m" "$fx_bytes" "$lb" kgdump
  R_STREAM[$run]=$(stat -c %s "$work/dump.d1")
  run=import-file
  importer_config "$run" h2
  port=$imp_port
  start_importer "$run" "$port"
  log "$run: migrate import --input FILE (${#targets[@]} stores) into the h2 store"
  drop_caches
  lb=$(load1)
  start_sampler "$run"
  t0=$(date +%s.%N)
  rc=0
  (cd "$work" && IMPORTER_CONFIG="$work/migrate.yaml" IMPORTER_IMPORT_URL="https://127.0.0.1:$port/" \
    JAVA_OPTS="$(opts "$run" migrate)" measured "$work/$run.migrate" "$BENCH_ROOT/bin/migrate" import \
    --input "$work/dump.d1" --journal "$work/$run.journal" --report "$work/$run.report.json") || rc=$?
  wall=$(calc "$(date +%s.%N) - $t0" %.2f)
  stop_sampler
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "$run: migrate exited with $rc: $(errline "$work/$run.migrate.err")"
  check_import "$run" "$work/$run.report.json" "$work/$run.yaml"
  record "$run" "migrate import --input FILE → importer (h2)" "$wall" "$imp_msgs" "$imp_bytes" "$lb" migrate importer
  stop_pid "$server_pid"
  rm -rf "$work/$run.importer" "$work/dump.d1"
fi

# ---- 5. latency ---------------------------------------------------------------------------------
if want latency; then
  proxy() {  # DELAY: port in proxy_port, pid in proxy_pid
    local out="$work/proxy-$1.out" i
    java "$BENCH_ROOT/bench/LatencyProxy.java" 0 "$TEST_DB_HOST" "$TEST_DB_PORT" "$1" >"$out" 2>&1 &
    proxy_pid=$!
    on_exit "kill $proxy_pid"
    for i in $(seq 1 120); do
      if grep -q '^listening on' "$out"; then
        proxy_port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$out")
        return 0
      fi
      kill -0 "$proxy_pid" 2>/dev/null || fail "LatencyProxy stopped: $(tail -1 "$out")"
      sleep 0.25
    done
    fail "LatencyProxy did not start in 30 s"
  }
  # the round trip as measured: 500 statements on one connection
  rtt() {  # PORT -> ms per statement
    local q ta
    q=$(for i in $(seq 500); do printf 'SELECT %d;' "$i"; done)
    ta=$(date +%s.%N)
    MYSQL_PWD="$TEST_DB_PASSWORD" "$_bench_mysql" --protocol=TCP -h 127.0.0.1 -P "$1" -u "$TEST_DB_USER" -N -B -e "$q" >/dev/null
    calc "($(date +%s.%N) - $ta) * 1000 / 500" %.3f
  }
  proxy 0; p0=$proxy_port pid0=$proxy_pid
  proxy "$latency"; pl=$proxy_port pidl=$proxy_pid
  rtt "$p0" >/dev/null; rtt "$pl" >/dev/null  # warm up the proxies' JIT
  RTT_DIRECT=$(rtt "$TEST_DB_PORT") RTT_P0=$(rtt "$p0") RTT_PL=$(rtt "$pl")
  for c in 1 "$conc"; do
    dump_run "proxy0-c$c" "$c" "$p0" "kgdump --concurrency $c via the proxy, +0 ms" imp
    dump_run "proxy${latency}ms-c$c" "$c" "$pl" "kgdump --concurrency $c via the proxy, +$latency ms" imp
  done
  RTT_PL2=$(rtt "$pl")
  kill "$pid0" "$pidl" 2>/dev/null || true
fi

# ---- report -------------------------------------------------------------------------------------
fl_rate=$(want floor && ratio "${R_MSGS[floor]}" "${R_WALL[floor]}" %.4f || echo -)
echo
echo "scale benchmark, $(today)"
echo "machine: $(machine); $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
echo "command: bench/scale.sh $args_given"
echo "fixture: $users users x $messages mails, attachment ratio $ratio x $per, sizes $sizes, shared $shared, $storage:" \
  "$fx_messages messages, $fx_attachments attachments, $(mib "$fx_bytes") MiB of attachment data;" \
  "$([ "$fx_build" = reused ] && echo "reused" || echo "built in $fx_build")"
echo "programs: JAVA_OPTS=-Xmx$heap; migrate delivery.concurrency $mconc; imports: $import_users of $users stores;" \
  "RSS sampled every ${interval} s (10/50/100 % = by time of the run); load average = 1-minute, before → after"
if [ "$cold" = 1 ]; then
  echo "page cache: emptied before every run (--cold): attachment files, database files and the dump file are read from the disk"
else
  echo "page cache: as the earlier runs left it (no --cold): a run may read from memory what an earlier one read"
fi
want floor && echo "floor: database $floor_db s ($(mib "$db_bytes") MiB of rows as text: $(for t in "${tables[@]}"; do printf '%s %s s, ' "$t" "${FLOOR_T[$t]}"; done | sed 's/, $//')), files $floor_files s ($file_count files, $(mib "$file_bytes") MiB)"
echo
echo "| run | what | wall s | messages | messages/s | attachment MiB/s | × floor (time per message) | peak RSS MiB | RSS MiB at 10 / 50 / 100 % | load |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for r in "${runs[@]}"; do
  rate=$(ratio "${R_MSGS[$r]}" "${R_WALL[$r]}" %.4f)
  echo "| $r | ${R_WHAT[$r]//|/\\|} | ${R_WALL[$r]} | ${R_MSGS[$r]} | $(printf '%.0f' "$rate") | $(ratio "$(mib "${R_BYTES[$r]}")" "${R_WALL[$r]}" %.1f)" \
    "| $([ "$fl_rate" = - ] && echo - || ratio "$fl_rate" "$rate") | ${R_PEAK[$r]:--} | ${R_RSS[$r]:--} | ${R_LOAD[$r]} |"
done
if [ -n "${R_STREAM[dump-file]:-}" ]; then
  echo
  echo "dump stream: $(mib "${R_STREAM[dump-file]}") MiB (kgdump --output FILE)"
fi
echo
echo "| target | measured | met |"
echo "|---|---|---|"
verdict() { awk -v v="$1" -v lim="$2" 'BEGIN { if (v == "-" || v == "") print "-"; else if (v + 0 <= lim + 0) print "yes"; else printf "no (%.0f %% over)\n", (v / lim - 1) * 100 }'; }
if [ -n "${R_WALL[dump-c$conc]:-}" ] && want floor; then
  v=$(ratio "${R_WALL[dump-c$conc]}" "${R_WALL[floor]}"); echo "| kgdump --concurrency $conc within 1.5 × the floor | $v × | $(verdict "$v" 1.5) |"
fi
for r in pipeline-h2 pipeline-mariadb; do
  if [ -n "${R_WALL[$r]:-}" ] && want floor; then
    v=$(ratio "$fl_rate" "$(ratio "${R_MSGS[$r]}" "${R_WALL[$r]}" %.4f)"); echo "| $r within 2.5 × the floor | $v × | $(verdict "$v" 2.5) |"
  fi
done
if want latency; then
  echo
  echo "round trip measured (500 × SELECT on one connection): direct $RTT_DIRECT ms, proxy +0 ms $RTT_P0 ms," \
    "proxy +$latency ms $RTT_PL ms before and $RTT_PL2 ms after the dumps"
  echo
  echo "(the latency runs dump the $import_users imported stores; slowdown vs direct is per message)"
  echo
  echo "| concurrency | direct s | proxy +0 ms s | proxy +$latency ms s | slowdown vs direct | slowdown vs proxy +0 | statements | folders | statements per folder | added time / statement ms |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for c in 1 "$conc"; do
    d=${R_WALL[dump-c$c]:--} z=${R_WALL[proxy0-c$c]} l=${R_WALL[proxy${latency}ms-c$c]}
    st=${R_STMT[proxy${latency}ms-c$c]} fo=${R_FOLDERS[proxy${latency}ms-c$c]}
    lm=${R_MSGS[proxy${latency}ms-c$c]} dm=${R_MSGS[dump-c$c]:-0}
    sd=$(awk -v a="$l" -v b="$d" -v am="$lm" -v bm="$dm" 'BEGIN { if (b == "-" || b + 0 == 0 || bm + 0 == 0) print "-"; else printf "%+.0f %%\n", ((a / am) / (b / bm) - 1) * 100 }')
    s0=$(awk -v a="$l" -v b="$z" 'BEGIN { printf "%+.0f %%\n", (a / b - 1) * 100 }')
    echo "| $c | $d | $z | $l | $sd | $s0 | $st | $fo | $(ratio "$st" "$fo") | $(ratio "$(calc "($l - $z) * 1000" %.1f)" "$st") |"
  done
  echo
  v=$(awk -v a="${R_WALL[proxy${latency}ms-c$conc]}" -v b="${R_WALL[proxy0-c$conc]}" 'BEGIN { printf "%.2f\n", a / b }')
  echo "| target | measured | met |"
  echo "|---|---|---|"
  echo "| kgdump --concurrency $conc with +$latency ms per round trip at most 20 % slower (vs proxy +0 ms) | $v × | $(verdict "$v" 1.2) |"
fi
