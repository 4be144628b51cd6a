"""The trust year's rules, given/when/then: a year of 3 or 6 terms in order inside it; a
school's own terms; closures checked, never overlapping, imported twice adding nothing."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date

import pytest

from events import Event
from events.testing import scenario
from services.trustyear.domain import (
    AddClosures,
    Closure,
    RemoveClosure,
    SchoolYearDecider,
    SetSchoolTerms,
    SetYear,
    Term,
    Year,
    YearDecider,
)

SIX = (
    Term(1, "Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
    Term(2, "Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    Term(3, "Spring 1", date(2027, 1, 5), date(2027, 2, 12)),
    Term(4, "Spring 2", date(2027, 2, 22), date(2027, 3, 26)),
    Term(5, "Summer 1", date(2027, 4, 12), date(2027, 5, 28)),
    Term(6, "Summer 2", date(2027, 6, 7), date(2027, 7, 21)),
)
YEAR = Year("2026-27", date(2026, 9, 1), date(2027, 7, 31), SIX)
year = scenario(YearDecider())
school = scenario(SchoolYearDecider())
INSET = Closure("c1", "inset", date(2026, 9, 1), date(2026, 9, 1), "INSET day", "page")
HALF_TERM = Closure("c2", "holiday", date(2026, 10, 26), date(2026, 10, 30), "Half term")


def year_set(value: Year) -> Event:
    return Event("YearSet", {**asdict(value), "terms": [asdict(t) for t in value.terms]})


def added(closure: Closure) -> Event:
    return Event("ClosureAdded", {"school_id": "ash", "year_id": "2026-27", **asdict(closure)})


def test_a_year_of_six_terms_is_set_whole_and_again_only_when_it_changes():
    year.when(SetYear(YEAR)).then(year_set(YEAR))
    year.given(year_set(YEAR)).when(SetYear(YEAR)).then()
    moved = replace(YEAR, terms=(*SIX[:5], replace(SIX[5], ends=date(2027, 7, 22))))
    year.given(year_set(YEAR)).when(SetYear(moved)).then(year_set(moved))


def test_a_year_of_three_terms_is_a_year_too():
    three = (
        Term(1, "Autumn", date(2026, 9, 2), date(2026, 12, 18)),
        Term(2, "Spring", date(2027, 1, 5), date(2027, 3, 26)),
        Term(3, "Summer", date(2027, 4, 12), date(2027, 7, 21)),
    )
    year.when(SetYear(replace(YEAR, terms=three))).then("YearSet")


@pytest.mark.parametrize(
    ("changed", "rule"),
    [
        ({"terms": SIX[:4]}, "term_count"),
        ({"terms": (SIX[1], SIX[0], *SIX[2:])}, "terms_in_order"),
        ({"terms": (*SIX[:5], replace(SIX[5], starts=date(2027, 5, 28)))}, "terms_overlap"),
        ({"terms": (*SIX[:5], replace(SIX[5], ends=date(2027, 8, 20)))}, "term_outside_year"),
        ({"terms": (replace(SIX[0], ends=date(2026, 9, 1)), *SIX[1:])}, "term_ends_first"),
        ({"ends": date(2027, 9, 30)}, "year_outside_bounds"),
        ({"year_id": "2026-28"}, "unknown_year"),
        ({"year_id": "2025-26"}, "year_outside_bounds"),
    ],
)
def test_a_year_keeps_to_its_rules(changed, rule):
    year.when(SetYear(replace(YEAR, **changed))).then_rejected(rule, 422)


def test_a_school_sets_its_own_terms_or_follows_the_trusts_again():
    own = (*SIX[:2], replace(SIX[2], starts=date(2027, 1, 6)), *SIX[3:])
    data = {"school_id": "ash", "year_id": "2026-27"}
    set_own = Event("SchoolTermsSet", {**data, "terms": [asdict(t) for t in own]})
    school.when(SetSchoolTerms("ash", "2026-27", own)).then(set_own)
    with_own = school.given(set_own)
    with_own.when(SetSchoolTerms("ash", "2026-27", own)).then()
    with_own.when(SetSchoolTerms("ash", "2026-27", ())).then(
        Event("SchoolTermsSet", {**data, "terms": []})
    )
    school.when(SetSchoolTerms("ash", "2026-27", SIX[:2])).then_rejected("term_count", 422)


def test_closures_are_added_and_removed():
    school.when(AddClosures("ash", "2026-27", (INSET, HALF_TERM))).then(
        added(INSET), added(HALF_TERM)
    )
    held = school.given(added(INSET))
    held.when(RemoveClosure("ash", "2026-27", "c1")).then(
        Event("ClosureRemoved", {"school_id": "ash", "year_id": "2026-27", "closure_id": "c1"})
    )
    held.when(RemoveClosure("ash", "2026-27", "nope")).then_rejected("unknown_closure", 404)
    removed = held.given(
        Event("ClosureRemoved", {"school_id": "ash", "year_id": "2026-27", "closure_id": "c1"})
    )
    removed.when(AddClosures("ash", "2026-27", (INSET,))).then(added(INSET))


def test_the_same_dates_again_add_nothing_and_an_overlap_is_refused():
    held = school.given(added(INSET), added(HALF_TERM))
    again = replace(HALF_TERM, closure_id="c9", label="October half term")
    held.when(AddClosures("ash", "2026-27", (again, INSET))).then()
    inside = Closure("c3", "closure", date(2026, 10, 28), date(2026, 10, 28), "Polling day")
    held.when(AddClosures("ash", "2026-27", (inside,))).then_rejected("closures_overlap", 409)
    twice = replace(inside, closure_id="c4", starts=date(2026, 10, 27))
    school.when(AddClosures("ash", "2026-27", (inside, twice))).then_rejected("closures_overlap")


@pytest.mark.parametrize(
    ("closure", "rule"),
    [
        (replace(INSET, kind="party"), "unknown_kind"),
        (replace(INSET, ends=date(2026, 8, 31)), "closure_ends_first"),
        (replace(INSET, starts=date(2027, 9, 1), ends=date(2027, 9, 1)), "closure_outside_year"),
        (replace(INSET, starts=date(2026, 9, 5), ends=date(2026, 9, 5)), "inset_on_a_weekend"),
    ],
)
def test_a_closure_keeps_to_its_rules(closure, rule):
    school.when(AddClosures("ash", "2026-27", (closure,))).then_rejected(rule, 422)
