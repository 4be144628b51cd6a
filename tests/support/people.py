"""People in the directory's read model, as its projection would leave them."""

from __future__ import annotations

from sqlalchemy import Engine, insert

from events.envelope import new_id
from frontend.readmodels import people, role_grants, schools


def add_school(engine: Engine, school_id: str, name: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            insert(schools).values(
                school_id=school_id, name=name, phase="primary", urn="100000", town="Leeds"
            )
        )


def enrol(
    engine: Engine,
    email: str,
    *roles: str | tuple[str, str],
    name: str = "Grace Hopper",
    school_id: str | None = "school-a",
    status: str = "active",
) -> str:
    """A person in the directory's read model, as its projection would leave them."""
    person_id = new_id()
    with engine.begin() as connection:
        connection.execute(
            insert(people).values(
                person_id=person_id,
                name=name,
                email=email,
                email_key=email.lower(),
                school_id=school_id,
                category="teaching",
                job_title="Teacher of maths",
                subjects="Maths",
                status=status,
            )
        )
        for role in roles:
            role_name, school = role if isinstance(role, tuple) else (role, "")
            connection.execute(
                insert(role_grants).values(person_id=person_id, role=role_name, school_id=school)
            )
    return person_id
