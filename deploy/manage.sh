#!/bin/sh
# Run a manage.py command on a server, with the site's settings and as the service's user:
#   sudo /srv/calcinosis/app/deploy/manage.sh migrate
#   sudo /srv/calcinosis/app/deploy/manage.sh createsuperuser
# The settings come from /etc/calcinosis/env (systemd's EnvironmentFile, see deploy/env.example), so a command
# sees exactly what the running site sees. CALCINOSIS_ENV and CALCINOSIS_USER change the file and the user.
set -eu
app_dir=$(cd "$(dirname "$0")/.." && pwd)
env_file=${CALCINOSIS_ENV:-/etc/calcinosis/env}
user=${CALCINOSIS_USER:-calcinosis}
[ -r "$env_file" ] || { echo "Cannot read $env_file: run this with sudo." >&2; exit 2; }
# `set -a` exports every variable the file sets; the file holds plain NAME=value lines.
exec runuser -u "$user" -- sh -c 'set -a; . "$1"; set +a; cd "$2"; shift 2; exec .venv/bin/python manage.py "$@"' \
    sh "$env_file" "$app_dir" "$@"
