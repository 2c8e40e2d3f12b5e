#!/usr/bin/env bash
# Installs what `make bench` needs when it is missing: wrk (the load generator) and Chromium (page weight),
# both from Debian. Safe to run again; when both are there it does nothing.
set -euo pipefail

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

packages=()
command -v wrk >/dev/null 2>&1 || packages+=(wrk)
# Fonts are only "recommended" by chromium; pages need real ones to lay out as a visitor sees them.
[ -x /usr/bin/chromium ] || packages+=(chromium fonts-liberation fonts-dejavu-core)
[ "${#packages[@]}" -eq 0 ] && exit 0

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
