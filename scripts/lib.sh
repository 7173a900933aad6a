# Shared by the scripts: where the project is, and its database settings read the way
# Django reads them (the environment first, then .env, then the documented default).
# shellcheck shell=bash
# The settings below are read by the scripts that source this file.
# shellcheck disable=SC2034

PROJECT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf 'pika: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# setting NAME DEFAULT: the value of NAME from the environment, else from .env, else DEFAULT.
setting() {
  local name=$1 default=$2 line value
  if [ -n "${!name+x}" ]; then
    printf '%s' "${!name}"
    return
  fi
  if [ -f "$PROJECT_DIR/.env" ]; then
    line=$(grep -E "^[[:space:]]*(export[[:space:]]+)?$name=" "$PROJECT_DIR/.env" | tail -n 1 || true)
    if [ -n "$line" ]; then
      value=${line#*=}
      value=${value%\"}; value=${value#\"}; value=${value%\'}; value=${value#\'}
      printf '%s' "$value"
      return
    fi
  fi
  printf '%s' "$default"
}

DATABASE_URL_SETTING=$(setting DATABASE_URL "")
PG_HOST=$(setting PG_HOST 127.0.0.1)
PG_PORT=$(setting PG_PORT 54320)
PG_DATABASE=$(setting PG_DATABASE pika)
PG_USER=$(setting PG_USER pika)
PG_PASSWORD=$(setting PG_PASSWORD pika)
PG_WEB_USER=$(setting PG_WEB_USER pika_web)
PG_WEB_PASSWORD=$(setting PG_WEB_PASSWORD pika_web)

# The project runs its own cluster unless it was pointed at another server.
embedded_database() {
  [ -z "$DATABASE_URL_SETTING" ] && case "$PG_HOST" in 127.0.0.1 | localhost | "") true ;; *) false ;; esac
}

pg_major() {
  dpkg-query -W -f='${Depends}' postgresql 2>/dev/null | grep -oE 'postgresql-[0-9]+' | head -n1 | cut -d- -f2
}
