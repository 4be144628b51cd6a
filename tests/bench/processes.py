"""The processes of a running stack as Linux sees them (/proc): which they are, the CPU each
has used and the memory the whole tree holds (RSS counts shared pages in every process
that maps them; PSS shares them out, so the PSS of a tree is what it really costs)."""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK")
LABELS = (
    ("gateway:create_app", "gateway"),
    ("frontend:create_app", "frontend"),
    ("services.trustdays", "trustdays"),
    ("services.directory", "directory"),
    ("projector", "projector"),
    ("reactor", "reactors"),
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


def memory(root: int) -> tuple[int, float, float]:
    """The tree's process count, RSS and PSS in MB."""
    rss = pss = 0
    pids = descendants(root)
    for pid in pids:
        try:
            rollup = (PROC / str(pid) / "smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        for line in rollup:
            name, _, value = line.partition(":")
            if name == "Rss":
                rss += int(value.split()[0])
            elif name == "Pss":
                pss += int(value.split()[0])
    return len(pids), rss / 1024, pss / 1024


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: after[name] - before.get(name, 0.0) for name in after}
