#!/usr/bin/env bash
# The project's own PostgreSQL + PostGIS cluster: data, Unix socket and log in .pgdata/
# inside the project, listening on 127.0.0.1:$PG_PORT.
#
#   scripts/db.sh start       create and start the cluster if needed; print DATABASE_URL last
#   scripts/db.sh stop        stop it
#   scripts/db.sh url         print the DATABASE_URL the project uses
#   scripts/db.sh psql        open psql as the project's role (extra arguments go to psql)
#   scripts/db.sh log-path    print the path of the server's log
#   scripts/db.sh socket-dir  print the folder of the server's Unix socket
#
# PostgreSQL refuses to run as root, so a root caller runs the cluster as the system user
# pika-postgres. When that user cannot traverse the folders above the project (a clone in
# /root, a home folder closed to others), .pgdata is instead a symbolic link to a folder
# pika-postgres owns under /var/lib/pika-postgres/, named after the project's path: nothing
# above the project is opened up. Other code asks for the log and the socket (log-path,
# socket-dir) instead of assuming where they are.
#
# With DATABASE_URL set (environment or .env), or PG_HOST naming another host, nothing is
# started: `start` and `url` print the URL of that server.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# PostgreSQL refuses to run as root; a root caller runs the cluster as this system user.
CLUSTER_OS_USER=pika-postgres
# Where that user keeps the clusters of projects it cannot reach, one folder per project.
OUTSIDE_CLUSTERS_DIR=/var/lib/pika-postgres
PGDATA_LINK="$PROJECT_DIR/.pgdata"
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
  if [ -z "$major" ] || [ ! -x "/usr/lib/postgresql/$major/bin/pg_ctl" ]; then
    die "no PostgreSQL server found; run scripts/system-packages.sh (or make setup) first"
  fi
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
}

# locate_cluster: set the paths of the cluster's folder, data, socket and log. They are the
# link's target, not paths through the project, which the cluster's user may not traverse.
locate_cluster() {
  if [ -L "$PGDATA_LINK" ]; then
    PGDATA_ROOT=$(readlink "$PGDATA_LINK")
  else
    PGDATA_ROOT=$PGDATA_LINK
  fi
  DATA_DIR="$PGDATA_ROOT/data"
  SOCKET_DIR="$PGDATA_ROOT/run"
  LOG_FILE="$PGDATA_ROOT/postgresql.log"
}

cluster_folder_exists() {
  [ -L "$PGDATA_LINK" ] || [ -d "$PGDATA_LINK" ]
}

# outside_cluster_folder: this project's folder under OUTSIDE_CLUSTERS_DIR, named after the
# project (for people) and a hash of its path (so that two clones named alike do not share a
# cluster); short, because a Unix socket's path may not exceed 107 bytes.
outside_cluster_folder() {
  local path name hash
  path=$(cd "$PROJECT_DIR" && pwd -P)
  name=${path##*/}
  name=${name//[^A-Za-z0-9._-]/_}
  hash=$(printf '%s' "$path" | sha256sum | cut -c1-12)
  printf '%s/%s-%s\n' "$OUTSIDE_CLUSTERS_DIR" "${name:0:32}" "$hash"
}

# ensure_cluster_folder: create the folder the cluster lives in, owned by the user who runs
# the cluster. An existing .pgdata keeps its place, so a cluster never moves by itself.
ensure_cluster_folder() {
  local outside
  if [ "$(id -u)" -ne 0 ]; then
    [ ! -L "$PGDATA_LINK" ] ||
      die "this project's cluster was set up as root and lives in $PGDATA_ROOT: run the set-up as root again, or remove the link $PGDATA_LINK to create a cluster of your own"
    mkdir -p "$PGDATA_ROOT"
    [ -O "$PGDATA_ROOT" ] ||
      die "$PGDATA_ROOT belongs to $(stat -c %U "$PGDATA_ROOT"), who runs this project's cluster: run the set-up as that user (as root when it is $CLUSTER_OS_USER)"
    return 0
  fi
  if ! cluster_folder_exists && ! runuser -u "$CLUSTER_OS_USER" -- test -x "$PROJECT_DIR"; then
    # Opening the folders above the project to others would expose the user's home; a
    # folder the cluster's user owns elsewhere exposes nothing.
    outside=$(outside_cluster_folder)
    say "the system user $CLUSTER_OS_USER cannot reach $PROJECT_DIR: the cluster lives in $outside (.pgdata links there)"
    ln -s "$outside" "$PGDATA_LINK"
    locate_cluster
  fi
  if [ -L "$PGDATA_LINK" ]; then
    mkdir -p "$OUTSIDE_CLUSTERS_DIR" "$PGDATA_ROOT"
    chown "$CLUSTER_OS_USER:" "$OUTSIDE_CLUSTERS_DIR" "$PGDATA_ROOT"
    chmod 0700 "$OUTSIDE_CLUSTERS_DIR" "$PGDATA_ROOT"
  else
    mkdir -p "$PGDATA_ROOT"
    chown "$CLUSTER_OS_USER" "$PGDATA_ROOT"
  fi
  runuser -u "$CLUSTER_OS_USER" -- test -x "$PGDATA_ROOT" ||
    die "the system user $CLUSTER_OS_USER cannot reach the cluster in $PGDATA_ROOT (created when it could); move $PGDATA_LINK away to create a new cluster it can reach, or set DATABASE_URL to another server"
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

ensure_role_and_database() {
  local target extension
  # The roles and the database, from the file a superuser of another server runs too.
  superuser_psql -d postgres -v owner="$PG_USER" -v owner_password="$PG_PASSWORD" \
    -v web="$PG_WEB_USER" -v web_password="$PG_WEB_PASSWORD" -v database="$PG_DATABASE" \
    <"$PROJECT_DIR/scripts/database-roles.sql"
  for target in template1 "$PG_DATABASE"; do
    for extension in "${SUPERUSER_EXTENSIONS[@]}"; do
      superuser_psql -d "$target" -c "CREATE EXTENSION IF NOT EXISTS $extension CASCADE" 2>&1 | grep -v NOTICE >&2 || true
    done
  done
}

locate_cluster

case "${1:-}" in
  start)
    if embedded_database; then
      ensure_cluster_os_user
      ensure_cluster_folder
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
  log-path | socket-dir)
    embedded_database || die "the project uses another server (DATABASE_URL or PG_HOST), no cluster of its own"
    cluster_folder_exists || die "the project's cluster does not exist yet: run make db"
    if [ "$1" = log-path ]; then printf '%s\n' "$LOG_FILE"; else printf '%s\n' "$SOCKET_DIR"; fi
    ;;
  *)
    die "usage: scripts/db.sh start|stop|url|psql|log-path|socket-dir"
    ;;
esac
