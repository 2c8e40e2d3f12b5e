"""Lighthouse's performance score of a page at phone size, measured in Debian's Chromium.

The Lighthouse CLI (the npm package pinned in bench/lighthouse/package.json, installed into
bench/lighthouse/node_modules by bench/setup_tools.sh) runs with its defaults for what it measures: the mobile
form factor (a phone's screen, emulated) and simulated throttling (a slow 4G network and a CPU four times slower,
applied to what was observed), only the performance category, JSON output to a temporary file. The screen and
throttling it used are read back from its report, so the report says what was measured.

gunicorn sends HTML uncompressed; on a server nginx in front of it compresses pages (deploy/nginx.conf), and
Lighthouse, counting the bytes over a simulated slow network, would otherwise score the page as if it came
uncompressed. ``GzipProxy`` stands in for nginx: a small reverse proxy that forwards every request to gunicorn
with ``X-Forwarded-Proto: https`` and gzips text/html, CSS, JavaScript, SVG and JSON that come uncompressed, with
deploy/nginx.conf's settings (level 5, bodies of 1024 bytes or more, ``Vary: Accept-Encoding``). whitenoise's
precompressed static files pass through as they came. Figures (``/media/``) get the year's caching nginx gives
them; the bench serves them with Django's static view, which sends no Cache-Control.

Everything started here (node, the Chromium it launches, the proxy's threads) is stopped, and the temporary
folder (the JSON report, Chromium's profile) removed, when the run ends, fails or times out.
"""

import gzip
import http.client
import http.server
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from headless_chromium import CHROMIUM, CHROMIUM_ARGS

HERE = Path(__file__).resolve().parent / "lighthouse"
CLI = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
TARGET = 0.95
TIMEOUT = 300  # seconds for one Lighthouse run; a run on a quiet machine takes 20-40 s
# "--headless=new": Chromium's current headless mode, the one Lighthouse supports.
CHROME_FLAGS = ["--headless=new", *(flag for flag in CHROMIUM_ARGS if flag != "--headless")]
# The metrics reported, by their audit id, with their short names.
METRICS = {
    "first-contentful-paint": "FCP",
    "largest-contentful-paint": "LCP",
    "total-blocking-time": "TBT",
    "cumulative-layout-shift": "CLS",
    "speed-index": "SI",
}
FAILING_SHOWN = 5


@dataclass
class Score:
    label: str
    path: str
    behind: str  # what served the page: "gzip proxy (nginx)" or "gunicorn"
    score: float | None = None  # 0 to 1; None: Lighthouse could not score the page
    metrics: dict[str, float] = field(default_factory=dict)  # by short name: milliseconds, CLS unitless
    failing: list[str] = field(default_factory=list)  # the audits costing the most, when under the target
    warnings: list[str] = field(default_factory=list)
    settings: str = ""  # the emulated screen and throttling, from Lighthouse's report
    # Lighthouse's measure of this machine's CPU speed during the run; under 1000 it warns that the simulated
    # (4x slower) CPU is slower than a phone's, which raises Total Blocking Time and lowers the score.
    benchmark_index: float | None = None
    runs: list[float] = field(default_factory=list)  # every run's score, when this is the median of several
    version: str = ""

    @property
    def met(self) -> bool:
        return self.score is not None and self.score >= TARGET


def available() -> bool:
    return CLI.exists() and shutil.which("node") is not None and CHROMIUM.exists()


def measure(url: str, label: str, path: str, behind: str, extra_headers: dict | None = None) -> Score:
    """Run Lighthouse once on ``url``: its performance score, main metrics and the audits costing the most."""
    # One request first: Lighthouse then gets the page as a visitor does on a running server (from the page
    # cache when it keeps the page), not the first rendering after a start.
    request = urllib.request.Request(url, headers=extra_headers or {})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
    tmp = Path(tempfile.mkdtemp(prefix="calcinosis-bench-lighthouse-"))
    try:
        report = tmp / "report.json"
        command = [
            shutil.which("node") or "node",
            str(CLI),
            url,
            "--only-categories=performance",
            "--output=json",
            f"--output-path={report}",
            "--quiet",
            f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        ]
        if extra_headers:
            command.append(f"--extra-headers={json.dumps(extra_headers)}")
        # TMPDIR: Chromium's profile, which the launcher makes in the temporary folder, goes into ours.
        env = {**os.environ, "CHROME_PATH": str(CHROMIUM), "TMPDIR": str(tmp)}
        _run(command, env, tmp / "lighthouse.log")
        return _read(json.loads(report.read_text()), label, path, behind)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(command: list[str], env: dict, log_path: Path) -> None:
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        process.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"Lighthouse did not finish within {TIMEOUT} s:\n{_tail(log_path)}") from None
    finally:
        _stop(process)
    if process.returncode != 0:
        raise RuntimeError(f"Lighthouse exited with {process.returncode}:\n{_tail(log_path)}")


def _stop(process: subprocess.Popen) -> None:
    """Stop node and every process it started. The launcher starts Chromium in a process group of its own
    (detached), so each descendant's group is ended, not only node's."""
    if process.poll() is None:
        groups = {_group(pid) for pid in _descendants(process.pid)}
        groups -= {None, os.getpgrp()}  # never this script's own group
        for group in groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
    process.wait(timeout=10)


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                queue += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
    return found


def _group(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except ProcessLookupError:  # ended in the meantime
        return None


def _tail(path: Path) -> str:
    return path.read_text(errors="replace")[-3000:] if path.exists() else ""


def _read(lhr: dict, label: str, path: str, behind: str) -> Score:
    category = lhr["categories"]["performance"]
    audits = lhr["audits"]
    result = Score(label, path, behind, score=category.get("score"), version=lhr.get("lighthouseVersion", ""))
    for audit_id, name in METRICS.items():
        value = audits.get(audit_id, {}).get("numericValue")
        if value is not None:
            result.metrics[name] = value
    if lhr.get("runtimeError"):
        result.warnings.append(f"{lhr['runtimeError'].get('code')}: {lhr['runtimeError'].get('message')}")
    result.warnings += lhr.get("runWarnings", [])
    result.settings = _describe_settings(lhr.get("configSettings", {}))
    result.benchmark_index = (lhr.get("environment") or {}).get("benchmarkIndex")
    if not result.met:
        # The scored metrics by the points they cost, then the other audits under 0.9 by the time they would save.
        weights = {ref["id"]: ref.get("weight", 0) for ref in category.get("auditRefs", [])}
        costly = []
        for audit_id, weight in weights.items():
            audit = audits.get(audit_id, {})
            score = audit.get("score")
            if (
                score is None
                or score >= 0.9
                or audit.get("scoreDisplayMode") not in ("numeric", "binary", "metricSavings")
            ):
                continue
            savings = (audit.get("details") or {}).get("overallSavingsMs") or 0
            title = audit.get("title", audit_id) + (f" ({audit['displayValue']})" if audit.get("displayValue") else "")
            costly.append(((weight * (1 - score), savings), title))
        result.failing = [title for _, title in sorted(costly, reverse=True)[:FAILING_SHOWN]]
    return result


def _describe_settings(settings: dict) -> str:
    screen = settings.get("screenEmulation", {})
    throttling = settings.get("throttling", {})
    parts = [settings.get("formFactor", "?")]
    if screen and not screen.get("disabled"):
        parts.append(f"{screen.get('width')} x {screen.get('height')} px screen at {screen.get('deviceScaleFactor')}x")
    if settings.get("throttlingMethod") == "simulate":
        parts.append(
            f"simulated throttling: {throttling.get('rttMs'):g} ms RTT, {throttling.get('throughputKbps'):g} Kbps, "
            f"CPU {throttling.get('cpuSlowdownMultiplier'):g}x slower"
        )
    else:
        parts.append(f"throttling: {settings.get('throttlingMethod')}")
    return ", ".join(parts)


# --- the stand-in for nginx -------------------------------------------------------------------------

# Types nginx compresses (deploy/nginx.conf: text/html always, and gzip_types), its level and its minimum length.
GZIP_TYPES = ("text/html", "text/css", "application/javascript", "text/javascript", "image/svg+xml", "application/json")
GZIP_LEVEL = 5
GZIP_MIN_LENGTH = 1024
# deploy/nginx.conf's headers for /media/ (the figures' names are never reused).
MEDIA_HEADERS = [("Cache-Control", "public, max-age=31536000, immutable")]
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}


class GzipProxy:
    """A reverse proxy on a free local port in front of gunicorn, compressing as nginx does on a server.

    Use as a context manager; ``url(path)`` is the address of a page through it.
    """

    def __init__(self, upstream_port: int):
        upstream = ("127.0.0.1", upstream_port)

        class Handler(_ProxyHandler):
            pass

        Handler.upstream = upstream
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="gzip-proxy", daemon=True)

    def __enter__(self) -> "GzipProxy":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


class _ProxyHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: tuple[str, int] = ("127.0.0.1", 0)

    def do_GET(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        # As deploy/nginx.conf sets it (the site is served over HTTPS there); never passed on from the browser.
        headers["X-Forwarded-Proto"] = "https"
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            connection.request(self.command, self.path, body, headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        out = [(k, v) for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP]
        content_type = response.getheader("Content-Type", "").split(";")[0].strip().lower()
        if (
            "gzip" in self.headers.get("Accept-Encoding", "")
            and content_type in GZIP_TYPES
            and not response.getheader("Content-Encoding")
            and len(data) >= GZIP_MIN_LENGTH
        ):
            data = gzip.compress(data, compresslevel=GZIP_LEVEL)
            out.append(("Content-Encoding", "gzip"))
            vary = response.getheader("Vary")
            if not vary or "accept-encoding" not in vary.lower():
                out = [(k, v) for k, v in out if k.lower() != "vary"]
                out.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
        if self.path.startswith("/media/") and response.status == 200:
            out = [(k, v) for k, v in out if k.lower() != "cache-control"] + MEDIA_HEADERS
        self.send_response_only(response.status, response.reason)
        for name, value in out:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_HEAD = do_POST = do_GET

    def log_message(self, format, *args) -> None:  # noqa: A002 - the base class's name
        pass
