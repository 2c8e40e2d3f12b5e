"""gunicorn settings for a server: ``gunicorn --config deploy/gunicorn.conf.py calcinosis_site.wsgi``.

Read by systemd's unit (deploy/calcinosis.service). Everything that differs between servers comes from the
environment file (/etc/calcinosis/env), like the Django settings.
"""

import multiprocessing
import os

# Loopback only: nginx on the same machine is the only client. It terminates TLS and adds X-Forwarded-*.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Two workers per core plus one is gunicorn's advice for synchronous workers; capped so a large machine
# does not open more database connections than PostgreSQL allows (each worker keeps one open).
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
# A worker silent for this long is restarted; no page takes more than a few seconds, figure uploads included.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
# Recycle workers now and then, so a slow leak cannot grow without bound.
max_requests = 2000
max_requests_jitter = 200

# Only nginx on this machine may say a request came over HTTPS (X-Forwarded-Proto). Django decides with
# SECURE_PROXY_SSL_HEADER; this keeps gunicorn's own idea of the scheme in step with it.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# Logs to standard output and standard error, which systemd's journal collects (journalctl -u calcinosis).
# The access log shows the browser's address from X-Forwarded-For and no request bodies.
accesslog = "-"
errorlog = "-"
access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# gunicorn's control socket (for gunicornc) would be created in the service user's home, which systemd
# keeps read-only; reload and restart go through systemctl instead (SIGHUP, SIGTERM).
control_socket_disable = True
