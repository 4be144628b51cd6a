"""`staffroom up` and other commands run as a person runs them, with their output read
line by line as it comes."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from tests.support.identity import SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]
"""The repository."""
STAFFROOM = str(Path(sys.executable).parent / "staffroom")


def environment(**settings: str) -> dict[str, str]:
    """This process's environment without Staffroom's settings, then `settings`."""
    ours = ("NATS_URL", "DATABASE_URL", "STAFFROOM_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return {**env, **settings}


class Output:
    """A child's output, line by line, as it comes."""

    def __init__(self, process: subprocess.Popen[str]):
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._reader.start()

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._queue.put(line)

    def wait_for(self, wanted: Callable[[str], bool], timeout: float = 180) -> str:
        """The first line `wanted` accepts. `timeout` is a deadline against a hang, not a
        measure: on a CI machine with four workers a process may start slowly."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.5)
            except queue.Empty:
                if self._reader.is_alive():
                    continue
                break  # the output has ended (the child and its children are gone)
            self.lines.append(line)
            if wanted(line):
                return line
        raise AssertionError("not seen; the output was:\n" + "".join(self.lines))

    def rest(self) -> str:
        while not self._queue.empty():
            self.lines.append(self._queue.get())
        return "".join(self.lines)


def start_up(
    tmp_path: Path, port: int, nats_port: int, *options: str, **settings: str
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [STAFFROOM, "up", "--port", str(port), "--nats-port", str(nats_port), *options],
        env=environment(
            STAFFROOM_VAR=str(tmp_path / "var"), STAFFROOM_SECRET_KEY=SECRET_KEY, **settings
        ),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def csrf_token_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the sign-in form carries a CSRF token"
    return found.group(1)


def stream_env(nats_server, stream_settings, database_url: str = "") -> dict[str, str]:
    env = {
        "NATS_URL": nats_server.url,
        "STAFFROOM_STREAM": stream_settings.name,
        "STAFFROOM_SUBJECT_PREFIX": stream_settings.prefix,
    }
    return {**env, "DATABASE_URL": database_url} if database_url else env
