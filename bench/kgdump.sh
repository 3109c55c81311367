#!/usr/bin/env bash
# Benchmark of `bin/kgdump dump`: throughput, peak memory and database statements (round trips) on
# two generated Kopano databases, one with K times as many mails per user as the other, each
# dumped with --concurrency 1 and --concurrency N. See bench/README.md.
set -euo pipefail
BENCH_NAME=kgdump.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
Usage: bench/kgdump.sh [options]

Builds two Kopano fixture databases with bench/make-fixture.sh (USERS users with MESSAGES and
MESSAGES x SCALE mails each), dumps each with `bin/kgdump dump --output` at --concurrency 1 and
--concurrency N with JAVA_OPTS=-Xmx<HEAP>, and prints wall time, messages/s, MiB/s, peak RSS,
statements (round trips) per folder and per message, and the ratios between the runs.

  --users N             generated users (default 4)
  --messages M          mails per user in the small fixture (default 500)
  --scale K             the large fixture has K x M mails per user (default 10)
  --attachment-ratio R  share of mails with an attachment, 0..1 (default 0.3)
  --sizes SPEC          attachment sizes: mixed, fixed:SIZE, uniform:MIN-MAX (default uniform:1k-64k)
  --storage S           attachment storage: files_v2, files or database (default files_v2)
  --concurrency N       compared with --concurrency 1 (default 4)
  --heap SIZE           kgdump's -Xmx (default 256m)
  --repeat R            run every dump R times, report the median wall time (default 3)
  --catalog             add the fixture's hand-made edge cases (default: generated mails only)
  --reuse               keep the fixtures (databases kgbench_fx_*, files in bench/out/fixtures/)
                        and use them again on the next run with the same options
  -h, --help            this text

Database: TEST_DB_HOST (127.0.0.1), TEST_DB_PORT (3306), TEST_DB_USER (root), TEST_DB_PASSWORD
(empty); the user must be able to create databases. Temporary files go to $TMPDIR (/tmp).
EOF
}

users=4 messages=500 scale=10 ratio=0.3 sizes=uniform:1k-64k storage=files_v2 conc=4 heap=256m
catalog=0 reuse=0 repeat=3
args_given="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --users) need_value "$@"; users=$2; shift 2 ;;
    --messages) need_value "$@"; messages=$2; shift 2 ;;
    --scale) need_value "$@"; scale=$2; shift 2 ;;
    --attachment-ratio) need_value "$@"; ratio=$2; shift 2 ;;
    --sizes) need_value "$@"; sizes=$2; shift 2 ;;
    --storage) need_value "$@"; storage=$2; shift 2 ;;
    --concurrency) need_value "$@"; conc=$2; shift 2 ;;
    --heap) need_value "$@"; heap=$2; shift 2 ;;
    --repeat) need_value "$@"; repeat=$2; shift 2 ;;
    --catalog) catalog=1; shift ;;
    --reuse) reuse=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
need_int --users "$users" 1
need_int --messages "$messages" 1
need_int --scale "$scale" 2
need_ratio --attachment-ratio "$ratio"
need_int --concurrency "$conc" 2
[ "$conc" -le 64 ] || usage_error "--concurrency must be at most 64"
need_heap --heap "$heap"
need_int --repeat "$repeat" 1
case "$storage" in files_v2|files|database) ;; *) usage_error "--storage must be files_v2, files or database, not '$storage'" ;; esac
[[ "$sizes" =~ ^(mixed|fixed:[0-9]+[kKmMgG]?|uniform:[0-9]+[kKmMgG]?-[0-9]+[kKmMgG]?)$ ]] \
  || usage_error "--sizes must be mixed, fixed:SIZE or uniform:MIN-MAX, not '$sizes'"

db_check
ensure_gnu_time
ensure_jar
work=$(mktemp -d "${TMPDIR:-/tmp}/kgbench-kgdump.XXXXXX")
remove_later "$work"

# ---- fixtures -----------------------------------------------------------------------------------
extra=()
[ "$catalog" = 1 ] || extra+=(--no-catalog)
declare -A FX_DB FX_DIR FX_BUILD FX_MSGS FX_ATT FX_BYTES
for s in small large; do
  per_user=$messages
  [ "$s" = small ] || per_user=$((messages * scale))
  fixture "$work" "$reuse" "$users users x $per_user mails" \
    "users=$users messages=$per_user ratio=$ratio sizes=$sizes storage=$storage catalog=$catalog seed=42" \
    --users "$users" --messages "$per_user" --attachment-ratio "$ratio" --sizes "$sizes" --storage "$storage" "${extra[@]}"
  FX_DB[$s]=$fx_db FX_DIR[$s]=$fx_dir FX_BUILD[$s]=$fx_build FX_MSGS[$s]=$fx_messages
  FX_ATT[$s]=$fx_attachments FX_BYTES[$s]=$fx_bytes
done
counter_setup "${FX_DB[small]}" "${FX_DB[large]}"

# ---- dumps --------------------------------------------------------------------------------------
# Timestamp (seconds) of the first "dumping store" log line, to separate JVM start from the dump.
first_store_at() {
  local ts
  ts=$(grep -m1 -o '^[0-9-]* [0-9:.]* .*dumping store' "$1" | cut -c1-23 || true)
  [ -n "$ts" ] && date -d "$ts" +%s.%N 2>/dev/null || echo ""
}

# dump ID FIXTURE CONCURRENCY: one run; its figures go to the arrays below under ID.
declare -A R_WALL R_START R_RSS R_STMT R_CONN R_Q R_FOLDERS R_MSGS R_STREAM R_WALLS
R_STMT_NOTE=""
dump() {
  local id=$1 s=$2 c=$3 out="$work/$1.d1" before after t0 rc=0 summary m a fs s0 c0 q0 s1 c1 q1
  before=$(counter_read)
  t0=$(date +%s.%N)
  (cd "$work" && KGDUMP_DB_PASSWORD=$COUNTER_PASSWORD JAVA_OPTS="-Xmx$heap" measured "$work/$id" \
    "$BENCH_ROOT/bin/kgdump" dump --output "$out" --db-host "$TEST_DB_HOST" --db-port "$TEST_DB_PORT" \
    --db-user "$COUNTER_USER" --db-name "${FX_DB[$s]}" --attachments-dir "${FX_DIR[$s]}/attachments" \
    --progress none --concurrency "$c") || rc=$?
  after=$(counter_read)
  if [ "$rc" != 0 ] && ! { [ "$rc" = 3 ] && [ "$catalog" = 1 ]; }; then
    fail "kgdump exited with $rc: $(grep -v '^[0-9-]* [0-9:.]* ' "$work/$id.err" | tail -1)"
  fi
  summary=$(grep '^kgdump: wrote ' "$work/$id.err" | tail -1 || true)
  [ -n "$summary" ] || fail "no summary line from kgdump (see $work/$id.err)"
  R_FOLDERS[$id]=$(sed -n 's/.* \([0-9]*\) folders,.*/\1/p' <<<"$summary")
  m=$(sed -n 's/.* \([0-9]*\) messages and .*/\1/p' <<<"$summary")
  a=$(sed -n 's/.* messages and \([0-9]*\) associated.*/\1/p' <<<"$summary")
  R_MSGS[$id]=$((m + a))
  if [ "$catalog" = 0 ] && [ "${R_MSGS[$id]}" != "${FX_MSGS[$s]}" ]; then
    fail "kgdump wrote ${R_MSGS[$id]} messages, the fixture has ${FX_MSGS[$s]}: $summary"
  fi
  R_STREAM[$id]=$(stat -c %s "$out")
  rm -f "$out"
  R_WALL[$id]=$(wall_of "$work/$id")
  R_RSS[$id]=$(rss_of "$work/$id")
  fs=$(first_store_at "$work/$id.err")
  R_START[$id]=$([ -n "$fs" ] && calc "$fs - $t0" %.1f || echo "-")
  read -r s0 c0 q0 <<<"$before"
  read -r s1 c1 q1 <<<"$after"
  R_STMT[$id]=$((s1 - s0))
  R_CONN[$id]=$((c1 - c0))
  R_Q[$id]=$((q1 - q0))
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# Repeats are interleaved, so that a change in the machine's load affects every configuration alike.
for ((rep = 1; rep <= repeat; rep++)); do
  for s in small large; do
    for c in 1 "$conc"; do
      log "run $rep/$repeat: dumping the $s fixture with --concurrency $c"
      dump "$s-c$c#$rep" "$s" "$c"
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# Per configuration: the figures of the run with the median wall time; peak RSS the largest of
# all runs; statements must be the same in every run.
for s in small large; do
  for c in 1 "$conc"; do
    id="$s-c$c"
    med=$(for ((rep = 1; rep <= repeat; rep++)); do echo "${R_WALL[$id#$rep]} $rep"; done | sort -n | \
      awk -v n="$repeat" 'NR == int((n + 1) / 2) { print $2 }')
    for k in WALL START STMT CONN Q FOLDERS MSGS STREAM; do
      declare -n arr="R_$k"
      arr[$id]=${arr[$id#$med]}
      unset -n arr
    done
    R_WALLS[$id]=$(for ((rep = 1; rep <= repeat; rep++)); do printf '%s ' "${R_WALL[$id#$rep]}"; done)
    R_RSS[$id]=$(for ((rep = 1; rep <= repeat; rep++)); do echo "${R_RSS[$id#$rep]}"; done | sort -n | tail -1)
    stmts=$(for ((rep = 1; rep <= repeat; rep++)); do echo "${R_STMT[$id#$rep]}"; done | sort -un | tr '\n' ' ')
    [ "$(wc -w <<<"$stmts")" = 1 ] || R_STMT_NOTE="$R_STMT_NOTE $id: statements per run $stmts;"
  done
done

# ---- report -------------------------------------------------------------------------------------
echo
echo "kgdump benchmark, $(today)"
echo "machine: $(machine)"
echo "command: bench/kgdump.sh $args_given"
echo "load average (1, 5, 15 min) before: $load_before, after: $load_after"
echo "kgdump: JAVA_OPTS=-Xmx$heap, --output to ${TMPDIR:-/tmp}, each dump run $repeat time(s) (median wall time; peak RSS: the largest), statements counted by" \
  "$([ "$COUNTER_MODE" = userstat ] && echo "USER_STATISTICS of a dedicated user" || echo "the global Questions counter (other clients included)")"
echo
echo "| fixture | mails/user | messages | attachments | attachment data | storage | build |"
echo "|---|---|---|---|---|---|---|"
for s in small large; do
  per_user=$messages
  [ "$s" = small ] || per_user=$((messages * scale))
  echo "| $s | $per_user | ${FX_MSGS[$s]} | ${FX_ATT[$s]} | $(mib "${FX_BYTES[$s]}") MiB | $storage | ${FX_BUILD[$s]} |"
done
echo
echo "| fixture | concurrency | folders | messages | wall s | start s | messages/s | attachment MiB/s | stream MiB/s | stream MiB | peak RSS MiB | statements | per folder | per message | connections |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for s in small large; do
  for c in 1 "$conc"; do
    id="$s-c$c"
    w=${R_WALL[$id]}
    echo "| $s | $c | ${R_FOLDERS[$id]} | ${R_MSGS[$id]} | $w | ${R_START[$id]} | $(ratio "${R_MSGS[$id]}" "$w" %.0f)" \
      "| $(ratio "$(mib "${FX_BYTES[$s]}")" "$w" %.1f) | $(ratio "$(mib "${R_STREAM[$id]}")" "$w" %.1f)" \
      "| $(mib "${R_STREAM[$id]}") | $(ratio "${R_RSS[$id]}" 1024 %.0f) | ${R_STMT[$id]}" \
      "| $(ratio "${R_STMT[$id]}" "${R_FOLDERS[$id]}") | $(ratio "${R_STMT[$id]}" "${R_MSGS[$id]}" %.3f) | ${R_CONN[$id]} |"
  done
done
echo
L1=large-c1 S1=small-c1 LN=large-c$conc SN=small-c$conc
lob=""
[ "$storage" != database ] || lob="; database storage: + 1 per batch (the lob rows of all its attachments), not per attachment"
echo "| ratio | value | expectation |"
echo "|---|---|---|"
echo "| messages, large / small | $(ratio "${R_MSGS[$L1]}" "${R_MSGS[$S1]}" %.1f) | the scale |"
echo "| statements per message, large / small (c1) | $(ratio "$(ratio "${R_STMT[$L1]}" "${R_MSGS[$L1]}" %.6f)" "$(ratio "${R_STMT[$S1]}" "${R_MSGS[$S1]}" %.6f)")" \
  "| well below 1: statements grow with folders, pages of 1000 ids and batches of up to 500 mails, not per mail (1/$scale would be no growth at all)$lob |"
echo "| statements per folder, large / small (c1) | $(ratio "$(ratio "${R_STMT[$L1]}" "${R_FOLDERS[$L1]}" %.6f)" "$(ratio "${R_STMT[$S1]}" "${R_FOLDERS[$S1]}" %.6f)")" \
  "| 1 while a folder's mails fit in one batch; then + 2 per batch of up to 500 mails and 1 per 1000 ids$lob |"
echo "| peak RSS, large / small (c1) | $(ratio "${R_RSS[$L1]}" "${R_RSS[$S1]}") | about 1, not $scale: bounded by the heap (-Xmx), not by the number of messages |"
echo "| peak RSS, large / small (c$conc) | $(ratio "${R_RSS[$LN]}" "${R_RSS[$SN]}") | about 1 |"
echo "| speed-up c$conc / c1 (wall c1 / wall c$conc), small | $(ratio "${R_WALL[$S1]}" "${R_WALL[$SN]}") | > 1 when the database or disk waits dominate |"
echo "| speed-up c$conc / c1 (wall c1 / wall c$conc), large | $(ratio "${R_WALL[$L1]}" "${R_WALL[$LN]}") | |"
echo "| peak RSS c$conc / c1, large | $(ratio "${R_RSS[$LN]}" "${R_RSS[$L1]}") | up to $conc readers' batches more |"
echo
w=""
for s in small large; do for c in 1 "$conc"; do w="$w${w:+; }$s-c$c: ${R_WALLS[$s-c$c]% }"; done; done
echo "wall times of every run (s): $w"
[ -z "$R_STMT_NOTE" ] || echo "statements differed between runs:$R_STMT_NOTE"
if [ "$COUNTER_MODE" = userstat ]; then
  q=""
  for id in $S1 $SN $L1 $LN; do q="$q${q:+, }$id ${R_Q[$id]}"; done
  echo "(the server's global Questions counter grew meanwhile by: $q; it includes other clients)"
fi
