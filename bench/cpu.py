"""Where the CPU went during a measurement: the app (gunicorn), its database backends, wrk, and everything else.

Read from /proc (Linux): the machine's busy time from /proc/stat, and each process's user + system time from
/proc/PID/stat. "Other" is the machine's busy time less the three named parts: other people's tests, PostgreSQL's
own background processes, the bench script itself (idle during a run). A large "other" means the numbers were
taken on a busy machine.
"""

import os
import resource
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_ticks() -> int:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal; guest is inside user


def process_ticks(pid: int) -> int:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0
    fields = stat.rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the man page)


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def waited_children_ticks() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * TICKS


@dataclass
class Sample:
    busy: int
    app: int
    db: int
    loadgen: float


@dataclass
class Usage:
    """Cores used on average during the measurement (1.0 = one core fully busy)."""

    app: float
    db: float
    loadgen: float
    other: float
    total: float


def sample(app_pids: list[int], db_pids: list[int]) -> Sample:
    return Sample(
        busy=machine_busy_ticks(),
        app=sum(process_ticks(p) for p in app_pids),
        db=sum(process_ticks(p) for p in db_pids),
        loadgen=waited_children_ticks(),
    )


def usage(before: Sample, after: Sample, seconds: float) -> Usage:
    scale = TICKS * seconds
    total = (after.busy - before.busy) / scale
    app = (after.app - before.app) / scale
    db = (after.db - before.db) / scale
    loadgen = (after.loadgen - before.loadgen) / scale
    return Usage(app=app, db=db, loadgen=loadgen, other=max(0.0, total - app - db - loadgen), total=total)
