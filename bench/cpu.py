"""Where the CPU went during a measurement: the app (gunicorn), its database backends, wrk, and everything else.

Read from /proc (Linux): the machine's busy time from /proc/stat, and each process's user + system time from
/proc/PID/stat. The app is gunicorn's master and workers; the database is the PostgreSQL backends connected to
the benchmark's database (found by their process title, ``postgres: ... USER DATABASE ...``); wrk is the load
generator (a child of this process); the cache is a local redis-server, when the run uses Redis (shared with
whoever else uses it, so normally idle but for the benchmark). "Other" is the machine's busy time less those
four: other people's programs, PostgreSQL's own background processes, this script. A large "other" means a busy machine.

The processes are polled every 0.2 s during the run, so a database connection that closes in the middle (Django
reconnects after DJANGO_DB_CONN_MAX_AGE) is counted up to its last poll, and one that opens counts in full.
"""

import os
import resource
import threading
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
POLL_SECONDS = 0.2


def machine_busy_ticks() -> int:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal; guest is inside user


def process_ticks(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the man page)


def process_tree(pid: int) -> list[int]:
    """A process and its children (gunicorn's master and its workers)."""
    found = [pid]
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def database_backends(user: str, database: str) -> list[int]:
    """PostgreSQL backends connected to this database, by their process title.

    The title is ``postgres: [CLUSTER: ]USER DATABASE HOST(PORT) STATE`` (Debian adds its cluster name).
    """
    wanted = f" {user} {database} ".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if title.startswith(b"postgres: ") and wanted in title:
                found.append(int(entry.name))
    return found


def redis_servers() -> list[int]:
    """Local redis-server processes (the page cache, when the run uses Redis), by their command name."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "redis-server":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def waited_children_ticks() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * TICKS


@dataclass
class Usage:
    """Cores used on average during the measurement (1.0 = one core fully busy)."""

    app: float
    db: float
    loadgen: float
    other: float
    total: float
    cache: float = 0.0


class _Group:
    """CPU ticks of a changing set of processes: first and last reading of each."""

    def __init__(self, list_pids, initial: bool):
        self.list_pids = list_pids
        self.first: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.poll(initial=initial)

    def poll(self, initial: bool = False) -> None:
        for pid in self.list_pids():
            ticks = process_ticks(pid)
            if ticks is None:
                continue
            # Present at the start: count from its reading then. Appeared later: it started during the run.
            self.first.setdefault(pid, ticks if initial else 0)
            self.last[pid] = ticks

    def used(self) -> int:
        return sum(self.last[pid] - self.first[pid] for pid in self.last)


class Monitor:
    """``with Monitor(app_pids, db_pids[, cache_pids]) as monitor: ...`` then ``monitor.usage``."""

    def __init__(self, list_app_pids, list_db_pids, list_cache_pids=list):
        self.lists = (list_app_pids, list_db_pids, list_cache_pids)
        self.usage: Usage | None = None
        self._stop = threading.Event()

    def __enter__(self):
        import time

        self._started = time.monotonic()
        self._busy = machine_busy_ticks()
        self._loadgen = waited_children_ticks()
        self.app, self.db, self.cache = (_Group(listing, initial=True) for listing in self.lists)
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()
        return self

    def _poll(self) -> None:
        while not self._stop.wait(POLL_SECONDS):
            self.app.poll()
            self.db.poll()
            self.cache.poll()

    def __exit__(self, *exc):
        import time

        self._stop.set()
        self._thread.join()
        self.app.poll()
        self.db.poll()
        self.cache.poll()
        scale = TICKS * (time.monotonic() - self._started)
        total = (machine_busy_ticks() - self._busy) / scale
        app, db, cache = self.app.used() / scale, self.db.used() / scale, self.cache.used() / scale
        loadgen = (waited_children_ticks() - self._loadgen) / scale
        other = max(0.0, total - app - db - cache - loadgen)
        self.usage = Usage(app=app, db=db, loadgen=loadgen, other=other, total=total, cache=cache)
        return False
