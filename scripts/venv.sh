#!/usr/bin/env bash
# Creates .venv and installs the pinned requirements file given as argument (and the files
# it includes). Runs pip only when one of them changed since its last install, so a second
# run is instant.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$PROJECT_DIR"

if [ ! -x .venv/bin/python ]; then
  say "creating .venv"
  python3 -m venv .venv || die "python3 -m venv failed; install python3-venv (scripts/system-packages.sh does)"
fi
.venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
  die "Pika needs Python 3.11 or newer; .venv has $(.venv/bin/python --version)"

requirements=${1:?usage: scripts/venv.sh REQUIREMENTS_FILE}
# The stamp names the files installed at the current pins: runtime, runtime and dev, or
# those and the benchmark's (each includes the one before).
stamp=.venv/.installed-requirements
pins=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
installed=$(cat "$stamp" 2>/dev/null || true)
case "$requirements:$installed" in
  "requirements.txt:$pins requirements.txt" | *":$pins requirements-bench.txt") up_to_date=1 ;;
  "requirements-bench.txt:"*) up_to_date=0 ;;
  *":$pins requirements-dev.txt") up_to_date=1 ;;
  *) up_to_date=0 ;;
esac
if [ "$up_to_date" -eq 0 ]; then
  say "installing Python packages from $requirements (a minute or two on a fresh machine)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  # pip's own lines (Collecting, Installing) are the progress of the slow part.
  if ! .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off \
    -r "$requirements" | { grep -v '^Requirement already satisfied' || true; }; then
    die "pip could not install $requirements (its messages are above)"
  fi
  printf '%s %s\n' "$pins" "$(basename "$requirements")" >"$stamp"
fi
