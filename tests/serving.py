"""Helpers for tests that talk to a local `mkdocs serve`: a free port, a forgiving GET, a bounded wait."""

from __future__ import annotations

import socket
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

WAIT_SECONDS = 30


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str) -> tuple[int, str]:
    """(status, body); status 0 while the server does not answer yet."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as err:
        return err.code, ""
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, ""


def wait_until(condition, what: str, log: Path, seconds: float = WAIT_SECONDS) -> None:
    """Poll until the condition holds; fail with the server's log (less its request lines) if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    lines = [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if '"GET /' not in line]
    pytest.fail(f"waited {seconds} s for {what}; server log:\n" + "\n".join(lines[-40:]))
