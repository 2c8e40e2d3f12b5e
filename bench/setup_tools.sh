#!/usr/bin/env bash
# Installs what `make bench` needs when it is missing: wrk (the load generator) and Chromium (page weight,
# Lighthouse), both from Debian, and Lighthouse, the npm package pinned in bench/lighthouse/package.json, into
# bench/lighthouse/node_modules with `npm ci`. Safe to run again; when all are there it does nothing.
set -euo pipefail

lighthouse_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lighthouse"

say() { printf 'bench tools: %s\n' "$*"; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        return 1
    fi
}

install_lighthouse() {
    local pinned installed
    pinned=$(node -p "require('$lighthouse_dir/package.json').devDependencies.lighthouse" 2>/dev/null || true)
    installed=$(node -p "require('$lighthouse_dir/node_modules/lighthouse/package.json').version" 2>/dev/null || true)
    [ -n "$pinned" ] && [ "$pinned" = "$installed" ] && return 0
    # Not a failure of the whole benchmark: bench/run.py skips Lighthouse, and says so, when it is not installed.
    if ! command -v npm >/dev/null 2>&1; then
        say "no node/npm here: Lighthouse will be skipped (install Node.js 18.16 or newer and run this again)." >&2
        return 0
    fi
    say "installing Lighthouse ${pinned} with npm ci into ${lighthouse_dir}/node_modules"
    (cd "$lighthouse_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || {
        say "could not install Lighthouse with npm ci: it will be skipped." >&2
    }
}

packages=()
command -v wrk >/dev/null 2>&1 || packages+=(wrk)
# Fonts are only "recommended" by chromium; pages need real ones to lay out as a visitor sees them.
[ -x /usr/bin/chromium ] || packages+=(chromium fonts-liberation fonts-dejavu-core)
if [ "${#packages[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null 2>&1; then
        say "missing ${packages[*]} and there is no apt-get here: install them yourself." >&2
        exit 1
    fi
    say "installing ${packages[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq && as_root apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null || {
        say "could not install ${packages[*]} (apt-get needs root or passwordless sudo)." >&2
        exit 1
    }
fi
install_lighthouse
