"""The notifications' contract: each vocabulary's values have labels of their own, the
schemas accept exactly them, subjects read back."""

from __future__ import annotations

import pytest

from services.notifications import events, schemas
from services.notifications.events import VOCABULARIES, parse_subject, person_subject
from tests.support.contract import unlabelled


@pytest.mark.parametrize("field", sorted(VOCABULARIES))
def test_every_value_of_a_vocabulary_has_a_label_of_its_own(field: str) -> None:
    assert VOCABULARIES[field] and not unlabelled(VOCABULARIES[field])


def test_the_schemas_accept_kinds_choices_and_reasons_of_the_vocabularies() -> None:
    assert schemas.PreferencesIn().validate({"kinds": {"day_reminder": "off"}}) == {}
    assert schemas.PreferencesIn().validate({"kinds": {"nonsense": "off"}})
    assert schemas.PreferencesIn().validate({"kinds": {"day_reminder": "sometimes"}})
    assert events.MessageSkipped().validate({"message_id": "m", "reason": "why not"})


def test_subjects_read_back() -> None:
    assert parse_subject("events." + ".".join(person_subject("amy"))) == "amy"
    with pytest.raises(ValueError):
        parse_subject("events.trustdays.day.d1")


def test_a_message_s_cause_is_at_most_what_its_read_model_keeps() -> None:
    queued = events.MessageQueued()
    assert queued.validate({"cause_id": f"meeting:{'m' * 36}:2027-03-02T16:00"}, partial=True) == {}
    assert list(queued.validate({"cause_id": "x" * 81}, partial=True)) == ["cause_id"]
