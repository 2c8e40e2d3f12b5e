"""Load generation with wrk (Debian's ``wrk`` package), a separate C process on loopback.

Why wrk and not a Python load generator: on a 2-core machine the load generator competes with gunicorn and
PostgreSQL for the same two cores. wrk is one event-loop thread in C and costs a few percent of a core at these
rates; a Python client with threads and http.client spends tens of microseconds of interpreter time per request
under one GIL, so it would take a large share of a core and lower the very throughput it measures (most of all
the ceiling). wrk keeps a fixed number of connections busy (a closed loop: each connection sends its next
request when the previous answer arrives) and records every request's latency in a histogram.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("wrk.lua")


@dataclass
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int  # connection errors, timeouts and non-2xx/3xx answers
    unexpected: int  # answers with another status than the expected one
    exhausted: int  # POSTs sent again because the pool ran out

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_path() -> str | None:
    return shutil.which("wrk")


def run(
    url: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    headers: dict[str, str],
    expected_status: int = 200,
    posts_file: Path | None = None,
) -> Result:
    command = [
        wrk_path() or "wrk",
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=30s",
        f"--script={LUA}",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    command += [url, "--", str(expected_status), str(threads), str(posts_file or "")]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in finished.stdout.splitlines() if x.startswith("BENCH-JSON ")), None)
    if finished.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({finished.returncode}):\n{finished.stdout}\n{finished.stderr}")
    data = json.loads(line.removeprefix("BENCH-JSON "))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p95_ms=data["p95_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")),
        unexpected=data["unexpected"],
        exhausted=data["exhausted"],
    )
