"""Helpers for tests that talk to a local `mkdocs serve`: a free port, a forgiving GET, a bounded wait."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

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


@contextlib.contextmanager
def mkdocs_serve(project: Path, log: Path, env: dict[str, str] | None = None) -> Iterator[tuple[subprocess.Popen, int]]:
    """`mkdocs serve` of a project on a free 127.0.0.1 port, its output in `log`; always stopped."""
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    with log.open("w", encoding="utf-8") as out:
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                                  cwd=project, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield server, port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
