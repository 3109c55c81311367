#!/usr/bin/env bash
# Benchmark of one very large attachment through `bin/kgdump dump` with a small heap: time, MiB/s
# and peak RSS; the dump is then checked whole with `bin/migrate inspect`. See bench/README.md.
set -euo pipefail
BENCH_NAME=large-attachment.sh
. "$(dirname -- "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  cat <<'EOF'
Usage: bench/large-attachment.sh [options]

Builds a Kopano fixture database with one mail whose attachment is SIZE bytes of pseudo-random
data (bench/make-fixture.sh --sizes fixed:SIZE), dumps it with `bin/kgdump dump --output` and
JAVA_OPTS=-Xmx<HEAP>, and prints wall time, MiB/s and peak RSS. Then `bin/migrate inspect` reads
the dump back with the same heap (every checksum and the attachment's SHA-256) and its figures are
printed too.

  --size SIZE      attachment size, with k/m/g (default 2g); needs about 2 x SIZE of disk
  --storage S      attachment storage: files_v2, files or database (default files_v2;
                   database puts SIZE into the lob table, slow to build)
  --heap SIZE      -Xmx of kgdump and migrate (default 256m)
  --no-verify      skip the migrate inspect check
  --reuse          keep the fixture (database kgbench_fx_*, files in bench/out/fixtures/) and
                   use it again on the next run with the same options
  -h, --help       this text

Database: TEST_DB_HOST (127.0.0.1), TEST_DB_PORT (3306), TEST_DB_USER (root), TEST_DB_PASSWORD
(empty); the user must be able to create databases. Temporary files go to $TMPDIR (/tmp).
EOF
}

size=2g storage=files_v2 heap=256m verify=1 reuse=0
args_given="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --size) need_value "$@"; size=$2; shift 2 ;;
    --storage) need_value "$@"; storage=$2; shift 2 ;;
    --heap) need_value "$@"; heap=$2; shift 2 ;;
    --no-verify) verify=0; shift ;;
    --reuse) reuse=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage_error "unknown option '$1'" ;;
  esac
done
need_size --size "$size"
need_heap --heap "$heap"
case "$storage" in files_v2|files|database) ;; *) usage_error "--storage must be files_v2, files or database, not '$storage'" ;; esac
bytes=$(size_bytes "$size")
[ "$bytes" -gt 0 ] || usage_error "--size must be more than 0"

db_check
ensure_gnu_time
ensure_jar
work=$(mktemp -d "${TMPDIR:-/tmp}/kgbench-large.XXXXXX")
remove_later "$work"
free_kib=$(df -Pk "$work" | awk 'NR == 2 { print $4 }')
[ "$free_kib" -gt $((bytes / 1024 * 2 + 1048576)) ] || fail "not enough free disk space in $work for 2 x $size (set TMPDIR)"

# ---- the fixture --------------------------------------------------------------------------------
fixture "$work" "$reuse" "one mail with a $size attachment, $storage" "large-attachment size=$bytes storage=$storage seed=42" \
  --users 1 --messages 1 --attachment-ratio 1 --sizes "fixed:$bytes" --storage "$storage" --no-catalog --no-table-cache
fx_att=$fx_attachments
[ "$fx_att" = 1 ] && [ "$fx_bytes" = "$bytes" ] \
  || fail "the fixture has $fx_att attachments of $fx_bytes bytes, not one of $bytes (see $fx_dir)"
counter_setup "$fx_db"

# ---- the dump -----------------------------------------------------------------------------------
out="$work/large.d1"
log "dumping with JAVA_OPTS=-Xmx$heap"
before=$(counter_read)
rc=0
(cd "$work" && KGDUMP_DB_PASSWORD=$COUNTER_PASSWORD JAVA_OPTS="-Xmx$heap" measured "$work/dump" \
  "$BENCH_ROOT/bin/kgdump" dump --output "$out" --db-host "$TEST_DB_HOST" --db-port "$TEST_DB_PORT" \
  --db-user "$COUNTER_USER" --db-name "$fx_db" --attachments-dir "$fx_dir/attachments" --progress none) || rc=$?
after=$(counter_read)
[ "$rc" = 0 ] || fail "kgdump exited with $rc: $(grep -v '^[0-9-]* [0-9:.]* ' "$work/dump.err" | tail -1)"
grep -q 'OutOfMemoryError' "$work/dump.err" && fail "kgdump ran out of memory (see $work/dump.err)"
summary=$(grep '^kgdump: wrote ' "$work/dump.err" | tail -1 || true)
stream=$(stat -c %s "$out")
[ "$stream" -gt "$bytes" ] || fail "the dump has $stream bytes, less than the attachment: $summary"
d_wall=$(wall_of "$work/dump")
d_rss=$(rss_of "$work/dump")
read -r s0 _ _ <<<"$before"
read -r s1 _ _ <<<"$after"
d_stmt=$((s1 - s0))

# ---- the check ----------------------------------------------------------------------------------
i_wall="-" i_rss="-" i_note="skipped (--no-verify)"
if [ "$verify" = 1 ]; then
  log "checking the dump with bin/migrate inspect"
  rc=0
  (cd "$work" && JAVA_OPTS="-Xmx$heap" measured "$work/inspect" "$BENCH_ROOT/bin/migrate" inspect --input "$out" --json \
    >"$work/inspect.json") || rc=$?
  [ "$rc" = 0 ] || fail "migrate inspect found the dump bad (exit $rc): $(tail -1 "$work/inspect.err")"
  i_bytes=$(tr -d ' \n' <"$work/inspect.json" | grep -o '"total":{[^}]*' | grep -o '"attachmentBytes":[0-9]*' | cut -d: -f2)
  [ "$i_bytes" = "$bytes" ] || fail "migrate inspect counts $i_bytes bytes of attachment data, not $bytes"
  i_wall=$(wall_of "$work/inspect")
  i_rss=$(rss_of "$work/inspect")
  i_note="complete, checksums and SHA-256 verified, $bytes bytes of attachment data"
fi
rm -f "$out"

# ---- report -------------------------------------------------------------------------------------
echo
echo "large-attachment benchmark, $(today)"
echo "machine: $(machine)"
echo "command: bench/large-attachment.sh $args_given"
echo "load average (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fixture: one mail with one attachment of $bytes bytes ($(mib "$bytes") MiB), $storage storage, $([ "$fx_build" = reused ] && echo "reused from an earlier run" || echo "built in $fx_build")"
echo
echo "| step | JAVA_OPTS | wall s | attachment MiB/s | stream MiB/s | stream MiB | peak RSS MiB | statements |"
echo "|---|---|---|---|---|---|---|---|"
echo "| kgdump dump --output | -Xmx$heap | $d_wall | $(ratio "$(mib "$bytes")" "$d_wall" %.1f) | $(ratio "$(mib "$stream")" "$d_wall" %.1f)" \
  "| $(mib "$stream") | $(ratio "$d_rss" 1024 %.0f) | $d_stmt |"
if [ "$verify" = 1 ]; then
  echo "| migrate inspect --input | -Xmx$heap | $i_wall | $(ratio "$(mib "$bytes")" "$i_wall" %.1f) | $(ratio "$(mib "$stream")" "$i_wall" %.1f)" \
    "| $(mib "$stream") | $(ratio "$i_rss" 1024 %.0f) | - |"
fi
echo
echo "peak RSS / attachment size: $(ratio "$d_rss" "$((bytes / 1024))" %.3f) (kgdump)"
echo "check: $i_note"
