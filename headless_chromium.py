"""How the browser tests (tests/) and the benchmark (bench/) start Debian's Chromium, headless.

Kept apart from both, so neither imports the other. Without the background-networking flags Chromium keeps
trying to reach Google's services, which a closed network refuses many times a second.
"""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
