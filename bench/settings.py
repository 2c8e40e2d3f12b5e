"""Settings of the benchmark's server: production settings exactly, with the benchmark's URLconf.

gunicorn runs with ``DJANGO_SETTINGS_MODULE=bench.settings``; everything else comes from the environment
that ``bench.run`` sets (debug off, a secret key, PostgreSQL, temporary media and static folders), as on a
server. The production URLconf and settings module are not changed.
"""

from calcinosis_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
