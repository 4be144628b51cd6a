"""The networks' contract: its vocabularies carry their labels, its schemas accept exactly
those vocabularies, and its subjects are built and read in one place."""

from __future__ import annotations

import pytest

from services.networks import events, schemas
from services.networks.events import (
    VOCABULARIES,
    SubjectRef,
    meeting_subject,
    network_subject,
    parse_subject,
    plan_subject,
    series_subject,
)
from tests.support.contract import chosen_fields, unlabelled


@pytest.mark.parametrize("field", sorted(VOCABULARIES))
def test_every_value_of_a_vocabulary_has_a_label_of_its_own(field):
    assert VOCABULARIES[field] and not unlabelled(VOCABULARIES[field])


def test_every_schema_accepts_exactly_its_vocabulary():
    checked = list(chosen_fields(events, schemas))
    # A meeting's status is no field of a fact: it is what its facts make it; an answer is
    # the value of a vote's answers (checked below).
    assert {field for _, field, _ in checked} | {"meeting_status", "answer"} == set(VOCABULARIES)
    for schema, field, accepted in checked:
        if schema == "InvitationAnswered":  # its "answer" is an invitation's, not a poll's
            assert accepted == set(events.INVITATION_ANSWERS)
            continue
        assert accepted == set(VOCABULARIES[field]), f"{schema}.{field}"


def test_a_vote_answers_only_with_the_answers_vocabulary():
    schema = events.VoteCast()
    vote = {"meeting_id": "m", "person_id": "p", "recorded_by": "p"}
    assert not schema.validate({**vote, "answers": {o: o for o in events.ANSWERS}})
    assert "answers" in schema.validate({**vote, "answers": {"o1": "maybe"}})


@pytest.mark.parametrize(
    ("tokens", "ref"),
    [
        (network_subject("n1"), SubjectRef("network", "n1")),
        (meeting_subject("m1"), SubjectRef("meeting", "m1")),
        (series_subject("s1"), SubjectRef("series", "s1")),
        (plan_subject("oak"), SubjectRef("plan", "oak")),
    ],
)
def test_subjects_are_read_back_as_what_they_were_built_for(tokens, ref):
    assert parse_subject(".".join(("events", *tokens))) == ref
    assert parse_subject(".".join(tokens)) == ref


@pytest.mark.parametrize(
    "subject",
    [
        "events.directory.trust",
        "events.networks.meeting",
        "events.networks.meeting.m1.x",
        "events.networks.poll.m1",
        "events.trustdays.day.d1",
    ],
)
def test_a_subject_that_is_not_the_networks_is_refused(subject):
    with pytest.raises(ValueError):
        parse_subject(subject)


def test_the_store_and_a_service_put_the_prefix_before_the_same_tokens(store):
    assert store.subject(*meeting_subject("m1")).endswith(".networks.meeting.m1")


@pytest.mark.parametrize(
    ("fact", "field", "kept", "refused"),
    [
        ("PrioritiesSet", "year_id", "2026-27", "2026-027"),
        ("MeetingScheduled", "starts", "16:00", "16:00\n"),
        ("MeetingMoved", "ends", "17:00", "17:00\n"),
        ("PollOpened", "title", "x" * 200, "x" * 201),
        ("PollOpened", "venue", "x" * 200, "x" * 201),
        ("SeriesPlanned", "join_link", "x" * 1000, "x" * 1001),
    ],
)
def test_a_fact_refuses_text_longer_than_its_command_takes(fact, field, kept, refused):
    """A fact carries the bound of the command field it comes from (the same constant), so
    no append can hold text a read model could not store."""
    schema = getattr(events, fact)()
    assert schema.validate({field: kept}, partial=True) == {}
    assert list(schema.validate({field: refused}, partial=True)) == [field]
