#!/usr/bin/env bash
# Serves Pika as production does (README, Deploying): DEBUG off, gunicorn on the web's login,
# static files collected and served by WhiteNoise. It refuses to start while
# `manage.py check --deploy` finds anything (a development secret, an insecure setting), then
# starts the project's own cluster if it uses one, applies the migrations (on the owner's
# login) and collects the static files.
#
#   scripts/serve.sh HOST PORT
#
# gunicorn's own settings come from the environment: WEB_CONCURRENCY (workers, default
# 2 per core + 1) and GUNICORN_CMD_ARGS (any other option, for example TLS certificates).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"

host=${1:?usage: scripts/serve.sh HOST PORT}
port=${2:?usage: scripts/serve.sh HOST PORT}
export DJANGO_DEBUG=false
python=.venv/bin/python

say "checking the deploy settings (manage.py check --deploy)"
$python manage.py check --deploy --fail-level WARNING ||
  die "fix what check --deploy reports above (README, Deploying), then run again"
# The project's own cluster (or nothing, with DATABASE_URL), only once the settings are good.
scripts/db.sh start >/dev/null
$python manage.py migrate --no-input
say "collecting static files"
$python manage.py collectstatic --no-input --verbosity 0
workers=${WEB_CONCURRENCY:-$(($(nproc) * 2 + 1))}
say "serving on $host:$port with $workers gunicorn workers"
# exec: signals (Ctrl-C, a service manager's TERM) reach gunicorn, which stops its workers.
# No control socket: its one default path in $HOME would be shared by every server of the user.
exec .venv/bin/gunicorn pika.wsgi --bind "$host:$port" --workers "$workers" \
  --access-logfile - --error-logfile - --no-control-socket
