"""Printing benchmark figures the same way everywhere."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager


class Timer:
    seconds = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    start = time.perf_counter()
    yield timer
    timer.seconds = time.perf_counter() - start


def rate(label: str, count: int, seconds: float, baseline: float | None = None) -> float:
    per_second = count / seconds
    ratio = f"  ({per_second / baseline:.0%} of raw)" if baseline else ""
    print(f"  {label:<46} {per_second:>10,.0f} /s  {count:,} in {seconds:.2f} s{ratio}")
    return per_second


def heading(title: str) -> None:
    print(f"\n{title}")
