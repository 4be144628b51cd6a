"""The directory's contract: its vocabularies (roles included) carry their labels, and its
schemas accept exactly those vocabularies."""

from __future__ import annotations

import pytest

from events.identity import ROLES, SCHOOL_SCOPED_ROLES
from services.directory import events, schemas
from services.directory.events import VOCABULARIES
from tests.support.contract import chosen_fields, unlabelled

GRANTED = ("RoleIn", "role")
"""Everyone is staff: a grant names any other role."""
OPTIONS = {("ImportIn", "mode")}
"""How a command runs, not a fact's value: no vocabulary."""


@pytest.mark.parametrize("field", sorted(VOCABULARIES))
def test_every_value_of_a_vocabulary_has_a_label_of_its_own(field):
    assert VOCABULARIES[field] and not unlabelled(VOCABULARIES[field])


def test_every_schema_accepts_exactly_its_vocabulary():
    checked = [found for found in chosen_fields(events, schemas) if found[:2] not in OPTIONS]
    assert {field for _, field, _ in checked} == set(VOCABULARIES)
    for schema, field, accepted in checked:
        expected = set(VOCABULARIES[field]) - ({"staff"} if (schema, field) == GRANTED else set())
        assert accepted == expected, f"{schema}.{field}"


def test_school_scoped_roles_are_roles():
    assert set(ROLES) >= SCHOOL_SCOPED_ROLES


DOMAIN = "@" + ("a" * 60 + ".") * 4 + "b" * 12 + ".uk"
"""An email's domain of 259 characters: 320 with 60 before it."""


@pytest.mark.parametrize(
    ("fact", "field", "kept", "refused"),
    [
        ("SchoolAdded", "urn", "143201", "143201\n"),
        ("SchoolUpdated", "town", "x" * 100, "x" * 101),
        ("PersonJoined", "name", "x" * 200, "x" * 201),
        ("PersonUpdated", "job_title", "x" * 200, "x" * 201),
        ("PersonRejoined", "email", "I" * 60 + DOMAIN, "İ" * 60 + DOMAIN),
    ],
)
def test_a_fact_refuses_text_longer_than_its_read_model_keeps(fact, field, kept, refused):
    """As the command schemas (the same constants): an email is kept lowercased too, and
    "İ" lowercased is two characters."""
    schema = getattr(events, fact)()
    assert schema.validate({field: kept}, partial=True) == {}
    assert list(schema.validate({field: refused}, partial=True)) == [field]
