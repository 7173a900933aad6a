#!/usr/bin/env bash
# Refreshes the third-party files the admin's map serves from our own static files, so that it
# works without internet: OpenLayers (the version Django's map widget is written for) and the
# world's country outlines. Each comes from its npm package at a pinned version; npm checks the
# package's integrity against the registry. Run it by hand to change a version, then commit.
#
#   scripts/vendor-static.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# Django 5.2's django/contrib/gis/forms/widgets.py loads ol@v7.2.2.
OPENLAYERS=ol@7.2.2
# Natural Earth's 1:110m countries (public domain) as TopoJSON.
WORLD_ATLAS=world-atlas@2.0.2
VENDOR_DIR="$PROJECT_DIR/pika/static/pika/vendor"

command -v npm >/dev/null || die "npm is needed to fetch the packages: apt-get install npm"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

unpack() {
  local spec=$1 tarball
  tarball=$(cd "$work" && npm pack --silent "$spec")
  mkdir -p "$work/${spec%@*}"
  tar -xzf "$work/$tarball" -C "$work/${spec%@*}" --strip-components=1
}

unpack "$OPENLAYERS"
unpack "$WORLD_ATLAS"
rm -rf "$VENDOR_DIR/ol" "$VENDOR_DIR/world-atlas"
mkdir -p "$VENDOR_DIR/ol" "$VENDOR_DIR/world-atlas"
# Without its source map (4 MB): collectstatic would look for the file the comment names.
sed '/^\/\/# sourceMappingURL=/d' "$work/ol/dist/ol.js" >"$VENDOR_DIR/ol/ol.js"
cp "$work/ol/ol.css" "$work/ol/LICENSE.md" "$VENDOR_DIR/ol/"
cp "$work/world-atlas/countries-110m.json" "$work/world-atlas/LICENSE" "$VENDOR_DIR/world-atlas/"
printf '%s\n%s\n' "$OPENLAYERS" "$WORLD_ATLAS" >"$VENDOR_DIR/VERSIONS"
say "vendored $OPENLAYERS and $WORLD_ATLAS into ${VENDOR_DIR#"$PROJECT_DIR"/}"
