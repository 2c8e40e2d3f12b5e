#!/usr/bin/env bash
# Installs what the browser tests in tests/ need, when it is missing:
#   - Chromium from Debian (Playwright's own browser download is not used: the Python package only
#     brings its driver, and the tests launch /usr/bin/chromium);
#   - a Java runtime for the Nu Html Checker, only if there is no `java` at all;
#   - axe-core and vnu-jar from the npm registry, at the exact versions in package-lock.json.
# Safe to run again; when everything is there it does nothing and takes well under a second.
# `make test` runs it first. Under CI=true a failure here fails the run; on a laptop it only warns,
# and the browser tests then skip, saying what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=/usr/bin/chromium
# npm ci wipes node_modules, so it runs only when the lock file changed since the last install.
STAMP=node_modules/.installed-from-package-lock

say() { printf 'browser tools: %s\n' "$*"; }

give_up() {
    say "$*" >&2
    if [ "${CI:-}" = "true" ]; then exit 1; fi
    say "the browser tests will be skipped until this is fixed (then run 'make test' again)." >&2
    exit 0
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        return 1
    fi
}

apt_packages=()
# Fonts are only "recommended" by chromium; pages and screenshots need real ones.
[ -x "$CHROMIUM" ] || apt_packages+=(chromium fonts-liberation fonts-dejavu-core)
command -v java >/dev/null 2>&1 || apt_packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)

if [ "${#apt_packages[@]}" -gt 0 ]; then
    command -v apt-get >/dev/null 2>&1 \
        || give_up "missing ${apt_packages[*]} and there is no apt-get here: install them yourself."
    say "installing ${apt_packages[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq \
        && as_root apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null \
        || give_up "could not install ${apt_packages[*]} (apt-get needs root or passwordless sudo)."
fi

lock_sum="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$lock_sum" ] \
    || [ ! -f node_modules/axe-core/axe.min.js ] || [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
    say "installing axe-core and vnu-jar with npm ci"
    # --ignore-scripts: vnu-jar's postinstall would download a Java runtime from outside the npm
    # registry when it finds none; Java comes from Debian above instead.
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error \
        || give_up "npm ci failed (see above)."
    printf '%s\n' "$lock_sum" >"$STAMP"
fi
