"""Who is asking: the signed-in person and their roles.

The gateway signs people in and passes them on in a short-lived signed header; every
service and the frontend check it, so a service reached directly still refuses strangers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

IDENTITY_HEADER = "X-Staffroom-Identity"
MAX_AGE_SECONDS = 60
"""Long enough for a slow request to cross the gateway, too short to replay later."""

ROLES = {
    "staff": "Staff",
    "session_leader": "Session leader",
    "network_lead": "Network lead",
    "school_cpd_lead": "School CPD lead",
    "headteacher": "Headteacher",
    "cpd_manager": "CPD manager",
    "ceo": "CEO",
    "trust_admin": "Trust admin",
}
"""Every role, as name -> the label pages show."""
SCHOOL_LEADERS = ("headteacher", "school_cpd_lead")
"""Held for one school (every other role is held trust-wide): they see and keep the staff
of the schools they hold it for."""
SCHOOL_SCOPED_ROLES = frozenset(SCHOOL_LEADERS)
TRUST_LEADERS = ("cpd_manager", "ceo", "trust_admin")
"""The central team's roles: they see the staff of every school and the central team, and
whoever holds one is the trust's to keep, never a school's."""


class InvalidIdentity(Exception):
    """The identity header is missing, forged or expired."""


@dataclass(frozen=True)
class Role:
    name: str
    school_id: str | None = None
    """The school a school-scoped role is held for; None for a trust-wide role."""


@dataclass(frozen=True)
class Identity:
    person_id: str
    name: str
    email: str
    school_id: str | None
    """The person's school; None for the central team."""
    roles: frozenset[Role] = field(default_factory=frozenset)
    csrf_token: str = ""
    """The session's CSRF token, so pages can put it in their forms."""

    def holds(self, *names: str) -> bool:
        """Whether the person holds any of these roles (for any school, if scoped)."""
        return "staff" in names or any(role.name in names for role in self.roles)

    def holds_for_school(self, name: str, school_id: str | None) -> bool:
        """Whether the person holds a school-scoped role for this school."""
        return school_id is not None and Role(name, school_id) in self.roles

    def schools_where(self, *names: str) -> frozenset[str]:
        """The schools for which the person holds any of these school-scoped roles."""
        return frozenset(
            role.school_id for role in self.roles if role.name in names and role.school_id
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.person_id,
            "name": self.name,
            "email": self.email,
            "school": self.school_id,
            "roles": sorted([role.name, role.school_id] for role in self.roles),
            "csrf": self.csrf_token,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Identity:
        return cls(
            person_id=data["id"],
            name=data["name"],
            email=data["email"],
            school_id=data["school"],
            roles=frozenset(Role(name, school) for name, school in data["roles"]),
            csrf_token=data.get("csrf", ""),
        )


class IdentitySigner:
    """Signs an identity into a header value, and checks one."""

    def __init__(self, secret_key: str):
        self._serializer = URLSafeTimedSerializer(secret_key, salt="staffroom-identity")

    def sign(self, identity: Identity) -> str:
        return self._serializer.dumps(identity.to_dict())

    def verify(self, token: str | None, max_age: int = MAX_AGE_SECONDS) -> Identity:
        if not token:
            raise InvalidIdentity("no identity: sign in through the gateway")
        try:
            return Identity.from_dict(self._serializer.loads(token, max_age=max_age))
        except SignatureExpired as error:
            raise InvalidIdentity("the identity has expired") from error
        except (BadSignature, KeyError, TypeError, ValueError) as error:
            raise InvalidIdentity("the identity is not one the gateway signed") from error


SIGN_IN_HEADER = "X-Staffroom-Sign-In"


class SignInProof:
    """The gateway's word that a person has just signed in with an OpenID Connect identity
    (issuer and subject): only with it does the directory link that identity to them."""

    def __init__(self, secret_key: str):
        self._serializer = URLSafeTimedSerializer(secret_key, salt="staffroom-sign-in")

    def sign(self, person_id: str, issuer: str, subject: str) -> str:
        return self._serializer.dumps([person_id, issuer, subject])

    def proves(
        self, token: str | None, person_id: str, issuer: str, subject: str, max_age: int = 60
    ) -> bool:
        if not token:
            return False
        try:
            return self._serializer.loads(token, max_age=max_age) == [person_id, issuer, subject]
        except BadSignature:  # SignatureExpired is one too
            return False


def staff_visible_to(identity: Identity) -> frozenset[str] | None:
    """The schools whose staff this person may see (the staff directory, a day's overview,
    the directory's API): None for every school and the central team."""
    if identity.holds(*TRUST_LEADERS):
        return None
    return identity.schools_where(*SCHOOL_LEADERS)


def sees_staff(identity: Identity) -> bool:
    """Whether the person may see anyone's staff at all (the menu, a day's overview link)."""
    return staff_visible_to(identity) != frozenset()
