#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Pika needs, only those that are missing:
# the PostgreSQL server the OS ships, PostGIS for that major version, GDAL/GEOS/PROJ
# for GeoDjango, and python3-venv; with --test also Chromium and its driver (for the tests
# that check pages in a real browser), shellcheck (make lint) and curl (the README's
# examples). Safe to run again: with nothing missing it touches nothing and needs no root.
#
#   scripts/system-packages.sh [--test]
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

missing_packages() {
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || printf '%s\n' "$pkg"
  done
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "installing system packages needs root: run as root or install sudo"
  fi
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  die "this set-up needs a Debian or Ubuntu system (apt-get); install PostgreSQL with PostGIS and GDAL yourself and set DATABASE_URL"
fi

apt_updated=0
apt_log=$(mktemp)
trap 'rm -f "$apt_log"' EXIT

# install PACKAGE...: apt-get install those of PACKAGE that are missing; its output is shown
# only when it fails.
install() {
  local todo
  todo=$(missing_packages "$@")
  [ -n "$todo" ] || return 0
  say "installing system packages: ${todo//$'\n'/ } (apt-get; a few minutes on a fresh machine)"
  if [ "$apt_updated" -eq 0 ]; then
    as_root apt-get update -qq >"$apt_log" 2>&1 || { cat "$apt_log" >&2; die "apt-get update failed"; }
    apt_updated=1
  fi
  # shellcheck disable=SC2086
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $todo \
    >"$apt_log" 2>&1 || { cat "$apt_log" >&2; die "apt-get install failed (its output is above)"; }
}

# The metapackage `postgresql` depends on the server of the major version this OS ships.
install postgresql postgresql-contrib gdal-bin libgeos-c1v5 python3-venv

major=$(pg_major)
[ -n "$major" ] || die "cannot tell which PostgreSQL major version the package 'postgresql' ships"
install "postgresql-$major-postgis-3" "postgresql-$major-postgis-3-scripts"

if [ "${1:-}" = --test ]; then
  install chromium chromium-driver shellcheck curl
fi
