"""The processes of `staffroom up`, kept running: each Procfile line and nats-server are
started, and whichever stops is started again after a pause that doubles with each
crash (1 s, 2 s, … 30 s; back to 1 s once it has run for a minute).

Our own instead of honcho's Manager, which stops everything when one process stops and
has no way to restart one. honcho still parses the Procfile and prints the lines.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import IO

from honcho.colour import get_colours
from honcho.printer import Message, Printer

from events.embedded import EmbeddedNats, EmbeddedNatsError

LONGEST_PAUSE = 30.0
STEADY = 60.0
"""Up this long, a process's next crash restarts it after the shortest pause again."""
QUICK = 10.0
GIVE_UP = 5
"""Stopping this many times in a row, each within QUICK seconds of starting, is a process
that cannot start (a bad setting, a port taken): Staffroom stops and says so."""


def pause(crashes: int) -> float:
    return min(2.0 ** (crashes - 1), LONGEST_PAUSE)


def how_it_ended(code: int) -> str:
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with {code}"


class GaveUp(Exception):
    def __init__(self, name: str, code: int):
        super().__init__(name, code)
        self.name, self.code = name, code


class Output(Printer):
    """honcho's prefixed, coloured lines, one whole line at a time from many threads."""

    def __init__(self, width: int, stream: IO[str] | None = None):
        super().__init__(stream or sys.stdout, width=width)
        self._lock = threading.Lock()

    def line(self, name: str, text: str, colour: str | None = None) -> None:
        with self._lock:
            self.write(Message("line", text, datetime.now(), name, colour))

    def say(self, text: str) -> None:
        """A line of the launcher's own, never run into a process's line."""
        with self._lock:
            self.output.write(text + "\n")
            self.output.flush()


class Supervised:
    """One process and when it may start again."""

    def __init__(self, name: str, output: Output, colour: str | None = None):
        self.name = name
        self.output = output
        self.colour = colour
        self.started_at = 0.0
        self.crashes = 0
        self.quick_stops = 0
        self.restart_at: float | None = None

    def start(self) -> int:
        """Start it and answer its process id."""
        raise NotImplementedError

    def exit_code(self) -> int | None:
        raise NotImplementedError

    def stop(self, sig: signal.Signals) -> None:
        raise NotImplementedError

    def started(self) -> None:
        self.started_at = time.monotonic()
        pid = self.start()
        self.output.line("system", f"{self.name} started (pid {pid})")

    def stopped(self, code: int) -> None:
        """Plan its restart, or give up on a process that cannot start."""
        up_for = time.monotonic() - self.started_at
        self.crashes = 1 if up_for >= STEADY else self.crashes + 1
        self.quick_stops = self.quick_stops + 1 if up_for < QUICK else 0
        if self.quick_stops >= GIVE_UP:
            raise GaveUp(self.name, code)
        wait = pause(self.crashes)
        self.output.line("system", f"{self.name} {how_it_ended(code)}; restarting in {wait:g} s")
        self.restart_at = time.monotonic() + wait


class ProcfileProcess(Supervised):
    def __init__(self, name: str, command: str, env: dict[str, str], output: Output, colour: str):
        super().__init__(name, output, colour)
        self.command = command
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> int:
        # exec: the pid is the command's own. Its own session and process group, so a
        # terminal's Ctrl-C reaches only the launcher, and a stop reaches its workers too.
        self.process = subprocess.Popen(
            ["/bin/sh", "-c", f"exec {self.command}"],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        assert self.process.stdout is not None
        threading.Thread(target=self._print, args=(self.process.stdout,), daemon=True).start()
        return self.process.pid

    def _print(self, stream: IO[bytes]) -> None:
        for line in stream:
            self.output.line(self.name, line.decode("utf-8", "replace"), self.colour)

    def exit_code(self) -> int | None:
        if self.process is None:
            return None
        code = self.process.poll()
        if code is not None:
            self.stop(signal.SIGKILL)  # what it leaves behind (gunicorn's workers) goes too
        return code

    def stop(self, sig: signal.Signals) -> None:
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, sig)


class NatsProcess(Supervised):
    """nats-server, started again on the same port and store."""

    def __init__(self, nats: EmbeddedNats, output: Output):
        super().__init__("nats-server", output)
        self.nats = nats

    def start(self) -> int:
        if self.nats.process is not None:  # it died: forget it before starting anew
            self.nats.process = None
        self.nats.start()
        assert self.nats.process is not None
        return self.nats.process.pid

    def exit_code(self) -> int | None:
        return None if self.nats.process is None else self.nats.process.poll()

    def stop(self, sig: signal.Signals) -> None:
        if self.nats.process is not None and self.nats.process.poll() is None:
            self.nats.process.send_signal(sig)


class Supervisor:
    def __init__(
        self, nats: EmbeddedNats, commands: dict[str, str], envs: dict[str, dict[str, str]]
    ):
        self.output = Output(width=max(len(name) for name in [*commands, "nats-server"]))
        self.nats = NatsProcess(nats, self.output)
        colours: Iterator[str] = get_colours()
        self.processes: list[Supervised] = [
            ProcfileProcess(name, command, envs[name], self.output, next(colours))
            for name, command in commands.items()
        ]

    def run(self, stop: threading.Event) -> None:
        """Start every Procfile process and keep them and nats-server running until
        `stop` is set. Raises GaveUp when one cannot start."""
        try:
            assert self.nats.nats.process is not None
            self.output.line("system", f"nats-server started (pid {self.nats.nats.process.pid})")
            for process in self.processes:
                process.started()
            while not stop.wait(0.2):
                for process in [self.nats, *self.processes]:
                    self._watch(process)
        finally:
            self.stop()

    def _watch(self, process: Supervised) -> None:
        if process.restart_at is None:
            code = process.exit_code()
            if code is not None:
                process.stopped(code)
        elif time.monotonic() >= process.restart_at:
            process.restart_at = None
            try:
                process.started()
            except EmbeddedNatsError as error:
                self.output.line("system", str(error))
                process.stopped(1)

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM to every process, SIGKILL to those still there after `timeout`;
        nats-server stops last (the launcher does it)."""
        for process in self.processes:
            process.stop(signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for process in self.processes:
            while process.exit_code() is None and time.monotonic() < deadline:
                time.sleep(0.05)
        for process in self.processes:
            if process.exit_code() is None:
                self.output.line("system", f"{process.name} did not stop in {timeout:g} s: killed")
            process.stop(signal.SIGKILL)
