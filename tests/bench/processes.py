"""The processes of a running stack as Linux sees them (/proc): which they are, the CPU each
has used and the memory the whole tree holds (RSS counts shared pages in every process
that maps them; PSS shares them out, so the PSS of a tree is what it really costs)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")
LABELS = (
    ("staffroom workers", "workers"),  # the reactors, the sender and the mailbox together
    ("reactor", "reactors"),
    ("gateway:create_app", "gateway"),
    ("front_door:create_app", "gateway+frontend"),
    ("frontend:create_app", "frontend"),
    ("services_together", "directory+trustyear+networks+notifications"),
    ("services.trustdays", "trustdays"),
    ("services.directory", "directory"),
    ("services.trustyear", "trustyear"),
    ("services.networks", "networks"),
    ("services.notifications", "notifications"),
    ("staffroom sender", "sender"),
    ("staffroom mailbox", "mailbox"),
    ("projector", "projector"),
    ("nats-server", "nats-server"),
    ("staffroom up", "launcher"),
)


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    text = (PROC / str(pid) / "stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def descendants(root: int) -> list[int]:
    """The root and every process below it."""
    children: dict[int, list[int]] = defaultdict(list)
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                children[int(_stat(int(entry.name))[1])].append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def label(pid: int) -> str:
    try:
        command = (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return "gone"
    return next((name for marker, name in LABELS if marker in command), "other")


def cpu_seconds(root: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far, summed by process label."""
    used: dict[str, float] = defaultdict(float)
    for pid in descendants(root):
        try:
            fields = _stat(pid)
        except OSError:
            continue
        used[label(pid)] += (int(fields[11]) + int(fields[12])) / TICKS
    return dict(used)


def memory(root: int) -> dict[str, tuple[int, float, float]]:
    """By process label: how many processes, their RSS and their PSS in MB."""
    found: dict[str, list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
    for pid in descendants(root):
        try:
            rollup = (PROC / str(pid) / "smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        kilobytes = {name: value for name, _, value in (line.partition(":") for line in rollup)}
        each = found[label(pid)]
        each[0] += 1
        each[1] += int(kilobytes.get("Rss", "0 kB").split()[0]) / 1024
        each[2] += int(kilobytes.get("Pss", "0 kB").split()[0]) / 1024
    return {name: (int(n), rss, pss) for name, (n, rss, pss) in found.items()}


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}


@contextmanager
def sampled(root: int, folder: str | None, name: str) -> Iterator[None]:
    """With BENCH_PROFILE=<folder> (and py-spy on the PATH), each Python process sampled
    while the block runs: <folder>/<name>-<label>-<pid>.txt, folded stacks. With
    BENCH_PROFILE_GIL=1 only the thread holding the GIL is sampled: where Python's CPU goes
    rather than where threads wait (a waiting thread is otherwise counted at its last line)."""
    spy = shutil.which("py-spy")
    if not folder or not spy:
        yield
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    options = ["record", "--format", "raw", "--nonblocking", "--rate", "200"]
    if os.environ.get("BENCH_PROFILE_GIL") == "1":
        options.append("--gil")
    spies = [
        subprocess.Popen(
            [spy, *options, "--pid", str(pid), "-o", f"{folder}/{name}-{label(pid)}-{pid}.txt"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in descendants(root)
        if label(pid) not in ("nats-server", "gone")
    ]
    try:
        yield
    finally:
        for each in spies:
            each.send_signal(signal.SIGINT)
        for each in spies:
            each.wait(timeout=30)
