#!/usr/bin/env bash
# The project's own PostgreSQL + PostGIS cluster: data in .pgdata/ inside the project,
# listening on 127.0.0.1:$PG_PORT and on a Unix socket in .pgdata/run/.
#
#   scripts/db.sh start   create and start the cluster if needed; print DATABASE_URL last
#   scripts/db.sh stop    stop it
#   scripts/db.sh url     print the DATABASE_URL the project uses
#   scripts/db.sh psql    open psql as the project's role (extra arguments go to psql)
#
# With DATABASE_URL set (environment or .env), or PG_HOST naming another host, nothing is
# started: `start` and `url` print the URL of that server.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PGDATA_ROOT="$PROJECT_DIR/.pgdata"
DATA_DIR="$PGDATA_ROOT/data"
SOCKET_DIR="$PGDATA_ROOT/run"
LOG_FILE="$PGDATA_ROOT/postgresql.log"
# PostgreSQL refuses to run as root; a root caller runs the cluster as this system user.
CLUSTER_OS_USER=pika-postgres
SUPERUSER=postgres
# The extensions, created by the cluster's superuser (postgis and its kin need one) in the
# project database and in template1, so that the test database Django creates from
# template1 has them although the project role is no superuser.
SUPERUSER_EXTENSIONS=(postgis postgis_topology fuzzystrmatch postgis_tiger_geocoder pgcrypto)

database_url() {
  if embedded_database; then
    printf 'postgres://%s:%s@127.0.0.1:%s/%s\n' "$PG_USER" "$PG_PASSWORD" "$PG_PORT" "$PG_DATABASE"
  elif [ -n "$DATABASE_URL_SETTING" ]; then
    printf '%s\n' "$DATABASE_URL_SETTING"
  else
    printf 'postgres://%s:***@%s:%s/%s\n' "$PG_USER" "$PG_HOST" "$PG_PORT" "$PG_DATABASE"
  fi
}

bin_dir() {
  local major
  major=$(pg_major)
  [ -n "$major" ] && [ -x "/usr/lib/postgresql/$major/bin/pg_ctl" ] ||
    die "no PostgreSQL server found; run scripts/system-packages.sh (or make setup) first"
  printf '/usr/lib/postgresql/%s/bin' "$major"
}

# as_cluster_user CMD...: run CMD as the owner of the cluster, from a folder it can read.
as_cluster_user() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$CLUSTER_OS_USER" -- "$@")
  else
    (cd / && "$@")
  fi
}

ensure_cluster_os_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  if ! id -u "$CLUSTER_OS_USER" >/dev/null 2>&1; then
    say "creating system user $CLUSTER_OS_USER to run the cluster (PostgreSQL refuses to run as root)"
    useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$CLUSTER_OS_USER"
  fi
  if ! runuser -u "$CLUSTER_OS_USER" -- test -x "$PROJECT_DIR"; then
    die "the system user $CLUSTER_OS_USER cannot reach $PROJECT_DIR; make every folder above it traversable (chmod o+x) or set DATABASE_URL to another server"
  fi
}

running_port() {
  # Line 4 of postmaster.pid is the port of a running server.
  [ -f "$DATA_DIR/postmaster.pid" ] && sed -n 4p "$DATA_DIR/postmaster.pid"
}

cluster_running() {
  [ -d "$DATA_DIR" ] && as_cluster_user "$(bin_dir)/pg_ctl" status -D "$DATA_DIR" >/dev/null 2>&1
}

port_taken() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PG_PORT") 2>/dev/null
}

init_cluster() {
  say "creating the database cluster in $DATA_DIR"
  mkdir -p "$PGDATA_ROOT"
  [ "$(id -u)" -ne 0 ] || chown "$CLUSTER_OS_USER" "$PGDATA_ROOT"
  as_cluster_user "$(bin_dir)/initdb" -D "$DATA_DIR" -U "$SUPERUSER" --encoding=UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >/dev/null
}

stop_cluster() {
  as_cluster_user "$(bin_dir)/pg_ctl" stop -D "$DATA_DIR" -m fast >/dev/null
}

start_cluster() {
  local port
  port=$(running_port || true)
  if cluster_running && [ "$port" = "$PG_PORT" ]; then
    return 0
  fi
  if port_taken; then
    die "port $PG_PORT on 127.0.0.1 is taken by another program; set PG_PORT to a free port (in the environment or in .env) and run again"
  fi
  if cluster_running; then
    say "the cluster runs on port $port but PG_PORT is $PG_PORT: restarting it"
    stop_cluster
  fi
  mkdir -p "$SOCKET_DIR"
  [ "$(id -u)" -ne 0 ] || chown "$CLUSTER_OS_USER" "$SOCKET_DIR" "$PGDATA_ROOT"
  chmod 0700 "$SOCKET_DIR"
  say "starting PostgreSQL on 127.0.0.1:$PG_PORT (log: $LOG_FILE)"
  # synchronous_commit=off: a crash may lose the last moments of work but never corrupts,
  # a fair trade for a development cluster that runs the test suite.
  if ! as_cluster_user "$(bin_dir)/pg_ctl" start -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
    -o "-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='$SOCKET_DIR' -c synchronous_commit=off" >/dev/null; then
    tail -n 20 "$LOG_FILE" >&2 || true
    die "PostgreSQL did not start; the lines above are the end of $LOG_FILE"
  fi
}

superuser_psql() {
  as_cluster_user "$(bin_dir)/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCKET_DIR" -p "$PG_PORT" -U "$SUPERUSER" "$@"
}

sql_literal() { printf "'%s'" "${1//\'/\'\'}"; }
sql_identifier() { printf '"%s"' "${1//\"/\"\"}"; }

ensure_role_and_database() {
  local role password web_role web_password extension
  role=$(sql_identifier "$PG_USER")
  password=$(sql_literal "$PG_PASSWORD")
  web_role=$(sql_identifier "$PG_WEB_USER")
  web_password=$(sql_literal "$PG_WEB_PASSWORD")
  # The project role owns the database and may create the test database, but is no
  # superuser. It bypasses row level security for migrations, loaddata and operator
  # commands. The web logs in as PG_WEB_USER: it owns nothing, bypasses nothing, and may only
  # SET ROLE application_role (NOINHERIT: without that it holds no privilege at all).
  # pika_staff, the bypass role of earlier versions, is kept inert (no members, no bypass,
  # no privileges after security.0005) so that old migrations still replay. Only a
  # superuser may hand out BYPASSRLS, hence here.
  superuser_psql -d postgres <<SQL
SELECT format('CREATE ROLE %I LOGIN CREATEDB', $(sql_literal "$PG_USER"))
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $(sql_literal "$PG_USER")) \gexec
ALTER ROLE $role WITH LOGIN CREATEDB BYPASSRLS PASSWORD $password;
SELECT 'CREATE ROLE application_role NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'application_role') \gexec
SELECT 'CREATE ROLE pika_staff NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pika_staff') \gexec
ALTER ROLE application_role WITH NOLOGIN NOBYPASSRLS;
ALTER ROLE pika_staff WITH NOLOGIN NOBYPASSRLS;
GRANT application_role, pika_staff TO $role;
SELECT format('CREATE ROLE %I LOGIN', $(sql_literal "$PG_WEB_USER"))
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = $(sql_literal "$PG_WEB_USER")) \gexec
ALTER ROLE $web_role WITH LOGIN NOINHERIT NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD $web_password;
GRANT application_role TO $web_role;
SQL
  for target in template1 "$PG_DATABASE"; do
    if [ "$target" = "$PG_DATABASE" ]; then
      superuser_psql -d postgres <<SQL
SELECT format('CREATE DATABASE %I OWNER %I', $(sql_literal "$PG_DATABASE"), $(sql_literal "$PG_USER"))
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = $(sql_literal "$PG_DATABASE")) \gexec
SQL
    fi
    for extension in "${SUPERUSER_EXTENSIONS[@]}"; do
      superuser_psql -d "$target" -c "CREATE EXTENSION IF NOT EXISTS $extension CASCADE" 2>&1 | grep -v NOTICE >&2 || true
    done
  done
}

case "${1:-}" in
  start)
    if embedded_database; then
      ensure_cluster_os_user
      [ -f "$DATA_DIR/PG_VERSION" ] || init_cluster
      start_cluster
      ensure_role_and_database
    fi
    database_url
    ;;
  stop)
    if embedded_database && cluster_running; then
      stop_cluster
      say "stopped the cluster in $DATA_DIR"
    else
      say "the project's cluster is not running"
    fi
    ;;
  url)
    database_url
    ;;
  psql)
    shift
    if embedded_database; then
      cluster_running || die "the project's cluster is not running: run make db"
      PGPASSWORD=$PG_PASSWORD exec psql -h "$SOCKET_DIR" -p "$PG_PORT" -U "$PG_USER" -d "$PG_DATABASE" "$@"
    else
      exec psql "$(database_url)" "$@"
    fi
    ;;
  *)
    die "usage: scripts/db.sh start|stop|url|psql"
    ;;
esac
