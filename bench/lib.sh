# Shared by the benchmark scripts in bench/ (sourced, not run): errors, cleanup, the database,
# the jar, timing and peak memory, the statement counter, number formatting.
# The caller sets BENCH_NAME and has `set -euo pipefail`.

BENCH_ROOT=$(CDPATH='' cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
TEST_DB_HOST=${TEST_DB_HOST:-127.0.0.1}
TEST_DB_PORT=${TEST_DB_PORT:-3306}
TEST_DB_USER=${TEST_DB_USER:-root}
TEST_DB_PASSWORD=${TEST_DB_PASSWORD:-}
export LC_ALL=C

log() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; }
# Bad command line: one line, exit 2.
usage_error() { printf '%s: %s (see --help)\n' "$BENCH_NAME" "$*" >&2; exit 2; }
# Anything else that stops the run: one line, exit 1.
fail() { printf '%s: %s\n' "$BENCH_NAME" "$*" >&2; exit 1; }

# Cleanup actions, run in reverse order when the script ends (normally, on error, Ctrl-C, SIGTERM).
_bench_cleanups=()
on_exit() { _bench_cleanups+=("$1"); }
_bench_cleanup() {
  local i
  for ((i = ${#_bench_cleanups[@]} - 1; i >= 0; i--)); do
    eval "${_bench_cleanups[i]}" >/dev/null 2>&1 || true
  done
}
trap _bench_cleanup EXIT
# BENCH_KEEP=1 keeps the temporary directory (logs, dumps, stores) for a look afterwards.
remove_later() {
  if [ "${BENCH_KEEP:-0}" = 1 ]; then
    log "temporary files in $1 are kept (BENCH_KEEP=1)"
  else
    on_exit "rm -rf '$1'"
  fi
}
trap 'exit 130' INT
trap 'exit 143' TERM

need_value() { [ $# -ge 2 ] && [ -n "$2" ] || usage_error "$1 needs a value"; }
need_int() {  # NAME VALUE MIN
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] || usage_error "$1 must be a whole number >= $3, not '$2'"
}
need_ratio() {
  [[ "$2" =~ ^(0(\.[0-9]+)?|1(\.0+)?)$ ]] || usage_error "$1 must be a number from 0 to 1, not '$2'"
}
need_heap() { [[ "$2" =~ ^[0-9]+[kKmMgG]?$ ]] || usage_error "$1 must look like 256m, not '$2'"; }
need_size() { [[ "$2" =~ ^[0-9]+[kKmMgG]?$ ]] || usage_error "$1 must be a size like 64k, 2g, not '$2'"; }
# Bytes of a size with k/m/g (powers of 1024).
size_bytes() {
  local n=${1%[kKmMgG]} m=1
  case "$1" in *[kK]) m=1024 ;; *[mM]) m=1048576 ;; *[gG]) m=1073741824 ;; esac
  echo $((n * m))
}

# ---- the database -------------------------------------------------------------------------------
_bench_mysql=""
db() {  # SQL -> tab-separated rows, no header
  MYSQL_PWD="$TEST_DB_PASSWORD" "$_bench_mysql" --protocol=TCP -h "$TEST_DB_HOST" -P "$TEST_DB_PORT" \
    -u "$TEST_DB_USER" -N -B -e "$1"
}
db_check() {
  if command -v mariadb >/dev/null 2>&1; then _bench_mysql=mariadb
  elif command -v mysql >/dev/null 2>&1; then _bench_mysql=mysql
  else fail "needs the mariadb (or mysql) command-line client: apt-get install mariadb-client"; fi
  db 'SELECT 1' >/dev/null 2>&1 || fail "no MariaDB answers at $TEST_DB_HOST:$TEST_DB_PORT as $TEST_DB_USER" \
    "(set TEST_DB_HOST, TEST_DB_PORT, TEST_DB_USER, TEST_DB_PASSWORD)"
}
db_exists() { [ -n "$(db "SHOW DATABASES LIKE '$1'")" ]; }
db_drop() { db "DROP DATABASE IF EXISTS \`$1\`" >/dev/null; }

# ---- fixtures -----------------------------------------------------------------------------------
# fixture WORK REUSE DESCRIPTION KEY MAKE-FIXTURE-ARGS...: a fixture database and attachment
# directory built by bench/make-fixture.sh, named after KEY (the options that make it). With REUSE=1
# it lives in bench/out/fixtures/ and is kept, and one made before with the same KEY is used again;
# otherwise it is made in WORK and dropped at the end. Sets fx_db, fx_dir, fx_build (seconds of the
# builder, or "reused") and from the manifest fx_messages, fx_attachments, fx_bytes.
fixture() {
  local work=$1 reuse=$2 what=$3 key=$4 totals
  shift 4
  fx_db="kgbench_fx_$(printf '%s' "$key" | md5sum | cut -c1-10)"
  if [ "$reuse" = 1 ]; then fx_dir="$BENCH_ROOT/bench/out/fixtures/$fx_db"; else fx_dir="$work/$fx_db"; fi
  if [ "$reuse" = 1 ] && [ -f "$fx_dir/done" ] && db_exists "$fx_db"; then
    log "reusing fixture $fx_db ($what)"
    fx_build=reused
  else
    if [ "$reuse" = 0 ] && db_exists "$fx_db"; then
      fail "database $fx_db exists (left by a --reuse run?); drop it or use --reuse"
    fi
    [ "$reuse" = 1 ] || on_exit "db_drop '$fx_db'"
    db_drop "$fx_db"
    rm -rf "$fx_dir"
    mkdir -p "$fx_dir"
    printf '%s\n' "$key" >"$fx_dir/options"
    log "building fixture $fx_db ($what)"
    FIXTURE_DB_PASSWORD=$TEST_DB_PASSWORD "$BENCH_ROOT/bench/make-fixture.sh" \
      --db-url "jdbc:mariadb://$TEST_DB_HOST:$TEST_DB_PORT/$fx_db" --db-user "$TEST_DB_USER" --create-database \
      --attachments-dir "$fx_dir/attachments" "$@" >"$fx_dir/fixture.out" 2>"$fx_dir/fixture.err" \
      || fail "make-fixture.sh failed: $(grep -v '^make-fixture\(\.sh: wall\|: [0-9]* messages\)' "$fx_dir/fixture.err" | tail -1)"
    touch "$fx_dir/done"
    fx_build="$(sed -n 's/^time: \([0-9.]*\) s.*/\1/p' "$fx_dir/fixture.out") s"
  fi
  totals=$(tail -c 8192 "$fx_dir/attachments-manifest.json" | grep -o '"totals":{"stores":[^}]*' | tail -1 || true)
  fx_messages=$(grep -o '"messages":[0-9]*' <<<"$totals" | cut -d: -f2)
  fx_attachments=$(grep -o '"attachments":[0-9]*' <<<"$totals" | cut -d: -f2)
  fx_bytes=$(grep -o '"attachmentBytes":[0-9]*' <<<"$totals" | cut -d: -f2)
  [ -n "$fx_messages" ] && [ -n "$fx_bytes" ] || fail "cannot read the totals of $fx_dir/attachments-manifest.json"
}

# ---- programs -----------------------------------------------------------------------------------
BENCH_JAR="$BENCH_ROOT/target/kg-migration.jar"
# Builds target/kg-migration.jar (bin/* use it) when it is missing or older than the sources.
ensure_jar() {
  if [ ! -f "$BENCH_JAR" ] || [ -n "$(find "$BENCH_ROOT/src/main" "$BENCH_ROOT/pom.xml" -newer "$BENCH_JAR" -print -quit)" ]; then
    log "building target/kg-migration.jar (mvn -B -q package -DskipTests)"
    (cd "$BENCH_ROOT" && mvn -B -q package -DskipTests) >&2 || fail "the build failed"
  fi
}

# GNU time, for the peak resident set size of a process that ends.
ensure_gnu_time() {
  if /usr/bin/time -f %M true >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "installing GNU time (apt-get install time)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || true
  fi
  /usr/bin/time -f %M true >/dev/null 2>&1 || fail "needs GNU time at /usr/bin/time: apt-get install time"
}

# measured PREFIX CMD... : runs CMD with stderr to PREFIX.err; PREFIX.time gets
# "<wall seconds> <peak RSS KiB>". Returns CMD's exit code.
measured() {
  local prefix=$1
  shift
  local rc=0
  /usr/bin/time -f '%e %M' -o "$prefix.time" "$@" 2>"$prefix.err" || rc=$?
  return $rc
}
# (GNU time writes "Command exited with non-zero status N" first when CMD failed: the last line counts.)
wall_of() { awk 'END { print $1 }' "$1.time"; }
rss_of() { awk 'END { print $2 }' "$1.time"; }  # KiB

# Stops a process we started: SIGTERM, up to 30 s to end, then SIGKILL.
stop_pid() {
  local i
  kill -TERM "$1" 2>/dev/null || return 0
  for i in $(seq 1 60); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.5; done
  kill -KILL "$1" 2>/dev/null || true
}

# Peak resident set size (KiB) so far of a running process: VmHWM.
vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# ---- counting statements ------------------------------------------------------------------------
# The server is shared (tests and other clients may run), so its global Questions counter counts
# their statements too. When allowed, the programs run as a dedicated read-only user and the
# statements are read from that user's row in information_schema.USER_STATISTICS (userstat is
# switched on for the run and back off afterwards). USER_STATISTICS leaves out SHOW statements,
# which kgdump does not send. Otherwise the global counters are used and the report says so.
COUNTER_MODE=global
COUNTER_USER=$TEST_DB_USER
COUNTER_PASSWORD=$TEST_DB_PASSWORD
counter_setup() {  # DATABASE... (granted SELECT)
  local user pw prev d
  user="kgbench_$$_${RANDOM}"
  pw=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
  if db "CREATE USER '$user'@'%' IDENTIFIED BY '$pw'" 2>/dev/null; then
    on_exit "db \"DROP USER IF EXISTS '$user'@'%'\""
    for d in "$@"; do db "GRANT SELECT ON \`$d\`.* TO '$user'@'%'"; done
    prev=$(db 'SELECT @@GLOBAL.userstat' 2>/dev/null || echo "")
    if [ "$prev" = 1 ]; then
      COUNTER_MODE=userstat
    elif [ "$prev" = 0 ] && db 'SET GLOBAL userstat = 1' 2>/dev/null; then
      on_exit "db 'SET GLOBAL userstat = 0'"
      COUNTER_MODE=userstat
    fi
    COUNTER_USER=$user
    COUNTER_PASSWORD=$pw
  fi
  if [ "$COUNTER_MODE" = global ]; then
    log "cannot create a user or switch on userstat as $TEST_DB_USER: counting with the server's global" \
      "Questions counter, which includes every other client's statements"
  fi
}
# Prints "<statements> <connections> <global Questions>".
counter_read() {
  local q
  q=$(db "SHOW GLOBAL STATUS LIKE 'Questions'" | awk '{ print $2 }')
  if [ "$COUNTER_MODE" = userstat ]; then
    db "SELECT COALESCE(SUM(SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS), 0), COALESCE(SUM(TOTAL_CONNECTIONS), 0)
        FROM information_schema.USER_STATISTICS WHERE USER = '$COUNTER_USER'" | awk -v q="$q" '{ print $1, $2, q }'
  else
    db "SHOW GLOBAL STATUS LIKE 'Connections'" | awk -v q="$q" '{ print q, $2, q }'
  fi
}

# ---- numbers ------------------------------------------------------------------------------------
# calc EXPR [FORMAT]: floating-point arithmetic with awk (division by zero gives "-").
calc() { awk "BEGIN { printf \"${2:-%.2f}\\n\", $1 }" 2>/dev/null || echo "-"; }
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b + 0 == 0) print "-"; else printf f "\n", a / b }'; }
mib() { awk -v b="$1" 'BEGIN { printf "%.1f\n", b / 1048576 }'; }
today() { date '+%Y-%m-%d %H:%M %Z'; }
machine() {
  printf '%s cores, %s GiB RAM, %s, %s' "$(nproc)" \
    "$(awk '/^MemTotal:/ { printf "%.0f", $2 / 1048576 }' /proc/meminfo)" \
    "$(java -version 2>&1 | head -1 | sed 's/"//g')" \
    "$([ -n "$_bench_mysql" ] && echo "MariaDB $(db 'SELECT VERSION()' 2>/dev/null)" || echo "no database")"
}
