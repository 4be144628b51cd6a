"""The trust year's contract: its vocabularies carry their labels, its schemas accept exactly
them, subjects read back, and England's bank holidays come from the holidays package."""

from __future__ import annotations

from datetime import date

import pytest

from services.trustyear import events, schemas
from services.trustyear.events import (
    VOCABULARIES,
    SubjectRef,
    england_bank_holidays,
    parse_subject,
    school_subject,
    year_of,
    year_subject,
)
from tests.support.contract import chosen_fields, unlabelled

OPTIONS = {("ImportIn", "mode")}


@pytest.mark.parametrize("field", sorted(VOCABULARIES))
def test_every_value_of_a_vocabulary_has_a_label_of_its_own(field):
    assert VOCABULARIES[field] and not unlabelled(VOCABULARIES[field])


def test_every_schema_accepts_exactly_its_vocabulary():
    checked = [found for found in chosen_fields(events, schemas) if found[:2] not in OPTIONS]
    assert {field for _, field, _ in checked} == set(VOCABULARIES)
    for schema, field, accepted in checked:
        assert accepted == set(VOCABULARIES[field]), f"{schema}.{field}"


def test_subjects_read_back():
    assert parse_subject("events." + ".".join(year_subject("2026-27"))) == SubjectRef("2026-27")
    school = "events." + ".".join(school_subject("ash", "2026-27"))
    assert parse_subject(school) == SubjectRef("2026-27", "ash")
    with pytest.raises(ValueError):
        parse_subject("events.trustdays.day.d1")


def test_a_day_belongs_to_the_academic_year_from_september():
    assert year_of(date(2026, 9, 1)) == "2026-27"
    assert year_of(date(2027, 8, 31)) == "2026-27"
    assert year_of(date(2099, 12, 1)) == "2099-00"


def test_englands_bank_holidays_for_a_school_year():
    found = england_bank_holidays(date(2026, 9, 1), date(2027, 8, 31))
    assert found[date(2026, 12, 28)] == "Boxing Day (observed)"
    assert found[date(2027, 3, 26)] == "Good Friday"
    assert found[date(2027, 8, 30)] == "Late Summer Bank Holiday"
    assert len(found) == 9  # Boxing Day on a Saturday, and its substitute Monday
    assert date(2027, 3, 17) not in found  # St Patrick's Day: Northern Ireland's
    assert england_bank_holidays(date(2027, 1, 2), date(2027, 1, 1)) == {}


@pytest.mark.parametrize("fact", ["YearSet", "SchoolTermsSet", "ClosureAdded", "ClosureRemoved"])
def test_a_fact_s_year_is_seven_characters_as_its_read_model_keeps(fact):
    schema = getattr(events, fact)()
    assert schema.validate({"year_id": "2026-27"}, partial=True) == {}
    for refused in ("2026-27\n", "2026-027", "2026-2027"):
        assert list(schema.validate({"year_id": refused}, partial=True)) == ["year_id"]
    assert events.year_span("2026-27\n") is None
