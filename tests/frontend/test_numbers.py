"""A whole number a person typed: ASCII digits only, no more than a field can mean."""

from __future__ import annotations

import pytest

from frontend.numbers import number_in, whole_number


@pytest.mark.parametrize(
    ("text", "read"),
    [("12", 12), (" 7 ", 7), ("0", 0), ("999999999", 999_999_999), ("007", 7)],
)
def test_ascii_digits_are_a_whole_number(text: str, read: int) -> None:
    assert whole_number(text) == read


@pytest.mark.parametrize(
    "text",
    [None, "", " ", "²", "٣", "\uff13", "-1", "+1", "1_000", "1.5", "1e3", "9" * 10, "9" * 5_000],
)
def test_anything_else_is_none(text: str | None) -> None:
    assert whole_number(text) is None


def test_a_range_bounds_it() -> None:
    assert number_in("8", 1, 8) == 8
    assert number_in("9", 1, 8) is None
    assert number_in("٣", 1, 8) is None
    assert whole_number("1" * 12, max_digits=12) == int("1" * 12)
