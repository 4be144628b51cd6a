"""The trust days' contract: its vocabularies carry their labels, its schemas accept
exactly those vocabularies, and its subjects are built and read in one place."""

from __future__ import annotations

import pytest

from services.trustdays import events, schemas
from services.trustdays.events import (
    VOCABULARIES,
    SubjectRef,
    attendee_subject,
    day_subject,
    parse_subject,
    slot_subject,
)
from tests.support.contract import chosen_fields, unlabelled


@pytest.mark.parametrize("field", sorted(VOCABULARIES))
def test_every_value_of_a_vocabulary_has_a_label_of_its_own(field):
    assert VOCABULARIES[field] and not unlabelled(VOCABULARIES[field])


def test_every_schema_accepts_exactly_its_vocabulary():
    checked = list(chosen_fields(events, schemas))
    # A day's status is no field of a fact: it is what its facts make it, shown on pages.
    assert {field for _, field, _ in checked} | {"status"} == set(VOCABULARIES)
    for schema, field, accepted in checked:
        assert accepted == set(VOCABULARIES[field]), f"{schema}.{field}"


def test_subjects_are_read_back_as_what_they_were_built_for():
    prefixed = lambda tokens: ".".join(("events", *tokens))  # noqa: E731
    assert parse_subject(prefixed(day_subject("d1"))) == SubjectRef("d1")
    assert parse_subject(prefixed(slot_subject("d1", "s1"))) == SubjectRef("d1", slot_id="s1")
    attendee = parse_subject(prefixed(attendee_subject("d1", "p1")))
    assert attendee == SubjectRef("d1", person_id="p1")
    assert parse_subject("test.abc.trustdays.day.slot") == SubjectRef("slot")


@pytest.mark.parametrize(
    "subject", ["events.directory.trust", "events.trustdays.day", "events.trustdays.day.d.x.y"]
)
def test_a_subject_that_is_not_the_trust_days_is_refused(subject):
    with pytest.raises(ValueError):
        parse_subject(subject)


def test_the_store_and_a_service_put_the_prefix_before_the_same_tokens(store):
    assert store.subject(*slot_subject("d1", "s1")).endswith(".trustdays.day.d1.slot.s1")


@pytest.mark.parametrize(
    ("fact", "field", "kept", "refused"),
    [
        ("DayPlanned", "academic_year", "2026-27", "2026-27\n"),
        ("DayUpdated", "title", "x" * 200, "x" * 201),
        ("DayUpdated", "theme", "x" * 200, "x" * 201),
        ("DayUpdated", "venue", "x" * 200, "x" * 201),
        ("SlotAdded", "title", "x" * 200, "x" * 201),
        ("SlotChanged", "starts", "09:00", "09:00\n"),
        ("SlotChanged", "speaker", "x" * 200, "x" * 201),
        ("SessionAdded", "title", "x" * 200, "x" * 201),
        ("SessionUpdated", "room", "x" * 200, "x" * 201),
        ("SessionAdded", "leader", {"name": "x" * 200}, {"name": "x" * 201}),
    ],
)
def test_a_fact_refuses_text_longer_than_its_command_takes(fact, field, kept, refused):
    """A fact carries the bound of the command field it comes from (the same constant), so
    no append can hold text a read model could not store."""
    schema = getattr(events, fact)()
    assert schema.validate({field: kept}, partial=True) == {}
    assert list(schema.validate({field: refused}, partial=True)) == [field]
