"""Settings of the benchmark's server: production settings exactly, with the benchmark's URLconf (and a cache
key prefix per run).

gunicorn runs with ``DJANGO_SETTINGS_MODULE=bench.settings``; everything else comes from the environment
that ``bench.run`` sets (debug off, a secret key, PostgreSQL, temporary media and static folders), as on a
server. The production URLconf and settings module are not changed.
"""

import os

from calcinosis_site.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# With Redis (--redis-url), every run keeps its pages under a prefix of its own (bench.run sets it): the kept
# database of an earlier run has the same slugs with other rows, and its pages must never be served.
if os.environ.get("BENCH_CACHE_PREFIX"):
    for alias in CACHES:  # noqa: F405
        CACHES[alias]["KEY_PREFIX"] = os.environ["BENCH_CACHE_PREFIX"]  # noqa: F405
