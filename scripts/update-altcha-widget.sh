#!/usr/bin/env bash
# Vendors the ALTCHA browser widget into src/poortwachter/static/altcha/ from the npm
# registry, at the pinned version below (or the one given as the first argument).
#
# Only a maintainer updating the widget runs this (it needs npm); running and testing
# Poortwachter use the committed copies. We take the "external" build: unlike the default
# bundle it injects no <style> element and creates no blob: workers, so it runs under our
# Content Security Policy (script-src 'self', style-src 'self'). Its stylesheet and the
# PBKDF2 worker are served as our own static files.
#
# After an update: check that the widget still speaks the challenge format of the Python
# `altcha` package's v2 API (parameters + signature), and run tests/e2e/test_captcha_browser.py.
set -euo pipefail

VERSION="${1:-3.2.2}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/src/poortwachter/static/altcha"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "npm is needed to fetch the widget" >&2; exit 2; }
(cd "$WORK" && npm pack --silent "altcha@$VERSION" >/dev/null && tar xzf "altcha-$VERSION.tgz")
PACKAGE="$WORK/package"

mkdir -p "$DEST"
cp "$PACKAGE/dist/external/altcha.min.js" "$DEST/altcha.min.js"
cp "$PACKAGE/dist/external/altcha.css" "$DEST/altcha.css"
cp "$PACKAGE/dist/workers/pbkdf2.js" "$DEST/pbkdf2-worker.js"
cp "$PACKAGE/LICENSE.txt" "$DEST/LICENSE.txt"
echo "$VERSION" > "$DEST/VERSION"
(cd "$DEST" && sha256sum altcha.min.js altcha.css pbkdf2-worker.js > SHA256SUMS)
echo "ALTCHA widget $VERSION vendored into ${DEST#"$ROOT"/}"
