"""Imports run one way (docs/architecture.md, Layout): the shared library imports no package
above it; a service and the read side import neither the door nor the pages, so what both
need (the calendars' events, say) lives in events/. Read from the source, not by importing."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ABOVE = {
    "events": {"services", "readmodels", "gateway", "frontend", "deploy"},
    "services": {"gateway", "frontend", "deploy"},
    "readmodels": {"gateway", "frontend", "deploy"},
}


@pytest.mark.parametrize("room", sorted(ABOVE))
def test_imports_run_one_way(room):
    wrong = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in sorted((ROOT / room).rglob("*.py"))
        for name in imported_names(path)
        if name.split(".")[0] in ABOVE[room]
    ]
    assert not wrong


def imported_names(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module
