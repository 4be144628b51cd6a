"""Signed identities, as the gateway would pass them on, for testing what stands behind it."""

from __future__ import annotations

from events.identity import IDENTITY_HEADER, Identity, IdentitySigner, Role

SECRET_KEY = "staffroom-tests-secret-key"
"""The suite's key: conftest puts it in the environment, so processes it starts share it."""


def someone(
    *roles: str | tuple[str, str],
    person_id: str = "00000000-0000-7000-8000-000000000001",
    school_id: str | None = "school-a",
    name: str = "Ada Lovelace",
    email: str = "ada.lovelace@example.sch.uk",
) -> Identity:
    """A person holding `roles`: a name for a trust-wide role, (name, school) for a scoped one."""
    held = frozenset(Role(*role) if isinstance(role, tuple) else Role(role) for role in roles)
    return Identity(person_id, name, email, school_id, held, csrf_token="csrf")


def signed(identity: Identity, secret_key: str = SECRET_KEY) -> dict[str, str]:
    """The identity header for `identity`, signed with `secret_key`."""
    return {IDENTITY_HEADER: IdentitySigner(secret_key).sign(identity)}
