"""What the directory knows of a person that a page tailors itself to: what they do (their
category and job title), what they teach, and the phase of their school."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, select

from readmodels.directory.tables import people, schools


@dataclass(frozen=True)
class Profile:
    category: str
    """teaching, support, leadership or central (the directory's vocabulary)."""
    job_title: str
    subjects: tuple[str, ...]
    """What they teach or look after, as the directory records it (the phase taught too)."""
    school_phase: str | None
    """primary, secondary, all_through or special; None for the central team."""


_PROFILE = (
    select(people.c.category, people.c.job_title, people.c.subjects, schools.c.phase)
    .select_from(people.outerjoin(schools, schools.c.school_id == people.c.school_id))
    .where(people.c.person_id == bindparam("person_id"))
)
"""Built once: every programme page and tap asks it."""


def profile_of(engine: Engine, person_id: str) -> Profile | None:
    with engine.connect() as connection:
        row = connection.execute(_PROFILE, {"person_id": person_id}).first()
    if row is None:
        return None
    subjects = tuple(s.strip() for s in (row.subjects or "").split(";") if s.strip())
    return Profile(row.category, row.job_title or "", subjects, row.phase)
