"""Authorization matrices written as tables: a route's name in the first 40 columns, then
one mark per identity (A allowed, D denied, N not found, …); what a service's answer to a
cell must be, and the routes a service has (each must have a row)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import Flask

EXPECTED = {"A": (200, 201), "N": (404,), "R": (409,)}
"""The statuses of each mark but D: A allowed, N not found (a private thing), R let through
and then refused by a rule (409)."""


def cells(matrix: str, who: Sequence[str]) -> list[tuple[str, str, str]]:
    """(route, identity, mark) for every cell of the table below its header line."""
    found = []
    for line in matrix.strip().splitlines()[1:]:
        route, marks = line[:40].strip(), line[40:].split()
        assert len(marks) == len(who), f"{route}: one mark for each of {who}"
        found += [(route, person, mark) for person, mark in zip(who, marks, strict=True)]
    return found


def answers_as_marked(
    status: int, who: str, mark: str, expected: Mapping[str, Sequence[int]] = EXPECTED
) -> bool:
    """D: 401 without a valid identity ("none", "forged"), 403 with one; else `expected`."""
    if mark == "D":
        return status == (401 if who in ("none", "forged") else 403)
    return status in expected[mark]


def routes_of(app: Flask, *blueprints: str) -> set[str]:
    """'METHOD /rule' of each route of the app's `blueprints`."""
    return {
        f"{method} {rule.rule}"
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in blueprints
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
