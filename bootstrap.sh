#!/usr/bin/env bash
# Set up samizdat on a fresh Debian/Ubuntu machine, then build or test.
#
#   ./bootstrap.sh build        system packages, .venv, then `samizdat build` (outputs in build/)
#   ./bootstrap.sh validators   the same set-up plus the validators `samizdat check` runs
#                               (Java for EPUBCheck; Chromium, Node.js and Ace), then stop
#   ./bootstrap.sh test         set-up, validators, then the test suite (pytest)
#
# Safe to run again: every step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:-build}
shift || true
case "$mode" in
    build|validators|test) ;;
    *) echo "usage: ./bootstrap.sh build|validators|test [ARGS...]" >&2; exit 2 ;;
esac

# What a minimal Debian 12 or Ubuntu 24.04 lacks (scripts/fresh-machine proves the list on a
# brand-new Debian 12): Pango for WeasyPrint's text layout; HarfBuzz's subsetter, without which
# WeasyPrint falls back to fontTools and warns (a warning fails our print build); poppler for
# the print tests' page pictures; the Hunspell dictionaries of the languages samizdat has
# labels for (writers/labels.py), which `samizdat lint` checks a book's spelling against.
packages=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
          hunspell-en-gb hunspell-en-us hunspell-fr hunspell-de-de hunspell-es hunspell-it
          hunspell-pt-pt hunspell-ru hunspell-uk hunspell-pl hunspell-cs)
missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "bootstrap: please install: ${missing[*]}" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'

case "$mode" in
    build)
        exec .venv/bin/samizdat build "$@"
        ;;
    validators)
        exec scripts/install-validators "$@"
        ;;
    test)
        scripts/install-validators
        exec .venv/bin/python -m pytest "$@"
        ;;
esac
