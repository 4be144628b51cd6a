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
