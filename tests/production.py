"""Running the site as a server runs it: production settings, in separate processes.

Used by the tests that check the production configuration (``calcinosis_site/tests/test_production_settings.py``)
and by the server tests (``tests/test_production_servers.py``). Everything here starts processes with
bounded timeouts and leaves nothing running: ``Server.stop`` is always called from a ``finally``.
"""

import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
HOST = "cases.example.org"

# Variables of the test run that must not leak into a "server": it gets only what production_env sets.
_DROPPED_PREFIXES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "AWS_", "GUNICORN_")


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a server: debug off, a fresh long secret key, one allowed host, files in tmp_path.

    The database defaults to a SQLite file in tmp_path; pass DATABASE_URL (and REDIS_URL) to change it.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith(_DROPPED_PREFIXES)}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
            "DJANGO_PRIVATE_MEDIA_ROOT": str(tmp_path / "private_media"),
            "DJANGO_STATIC_ROOT": str(tmp_path / "staticfiles"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """Run ``python manage.py ARGS`` as a server would; the result keeps stdout and stderr as text."""
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """A process listening on 127.0.0.1:port, with its output collected in a file for failure messages."""

    name: str
    port: int
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def wait_until_answering(self, path: str = "/", timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                conn.getresponse().read()
                conn.close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer on port {self.port} within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            # SIGTERM: gunicorn's graceful shutdown, which also stops its workers.
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass
        # Anything of this server still running (a hung master, a stray worker) goes with its process group.
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=10)


def start(name: str, command: list[str], env: dict[str, str], port: int, log_dir: Path, ready_path: str) -> Server:
    """Start a server process in its own process group and wait until it answers HTTP on port."""
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, port, process, log_path)
    try:
        server.wait_until_answering(ready_path)
    except BaseException:
        server.stop()
        raise
    return server


def start_gunicorn(name: str, env: dict[str, str], log_dir: Path, workers: int = 2) -> Server:
    """gunicorn with the real deploy/gunicorn.conf.py, two workers unless told, on a free loopback port."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": str(workers)}
    command = [GUNICORN, "--config", str(GUNICORN_CONF), "calcinosis_site.wsgi"]
    return start(name, command, env, port, log_dir, "/health/")
