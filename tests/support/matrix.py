"""Authorization matrices written as tables: a route's name in the first 40 columns, then
one mark per identity (A allowed, D denied, N not found, …)."""

from __future__ import annotations

from collections.abc import Sequence


def cells(matrix: str, who: Sequence[str]) -> list[tuple[str, str, str]]:
    """(route, identity, mark) for every cell of the table below its header line."""
    found = []
    for line in matrix.strip().splitlines()[1:]:
        route, marks = line[:40].strip(), line[40:].split()
        assert len(marks) == len(who), f"{route}: one mark for each of {who}"
        found += [(route, person, mark) for person, mark in zip(who, marks, strict=True)]
    return found
