"""Signed accept and decline links of a meeting invitation: the token names the person and
the meeting (itsdangerous, the trust's secret key, a salt of its own), so the link is the
person's say-so for that meeting alone. The link opens a page with the two buttons: a GET
never records an answer (mail scanners open every link in a message)."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from services.networks.events import INVITATION_ANSWERS

SALT = "staffroom.notifications.invitation"


def token(secret_key: str, person_id: str, meeting_id: str) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps([person_id, meeting_id])


def read(secret_key: str, signed: str) -> tuple[str, str] | None:
    """(person, meeting) the token was made for, or None for a forged or damaged one."""
    try:
        person_id, meeting_id = URLSafeSerializer(secret_key, salt=SALT).loads(signed)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(person_id, str) and isinstance(meeting_id, str)):
        return None
    return person_id, meeting_id


def link(base_url: str, secret_key: str, person_id: str, meeting_id: str, answer: str) -> str:
    """The page that records `answer` (accepted or declined) with one more click."""
    assert answer in INVITATION_ANSWERS
    return f"{base_url}invitations/{token(secret_key, person_id, meeting_id)}?answer={answer}"


def links(base_url: str, secret_key: str, person_id: str, meeting_id: str) -> tuple[str, str]:
    """The accept and decline links of one person's invitation to one meeting."""
    return (
        link(base_url, secret_key, person_id, meeting_id, "accepted"),
        link(base_url, secret_key, person_id, meeting_id, "declined"),
    )
