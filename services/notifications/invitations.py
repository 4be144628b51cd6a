"""Signed links of the networks' emails, each naming one person and one meeting
(itsdangerous, the trust's secret key, a salt for each kind of link), so a link is that
person's say-so for that meeting alone and needs no sign-in:

- a meeting invitation's accept and decline links, to `/invitations/<token>?answer=…`: the
  page records the answer with one more click (a GET never records anything: mail scanners
  open every link in a message);
- a date poll's personal link, to `/polls/<token>`: the person's own answers to each date.

The salts keep the kinds apart: an invitation's token does not open the poll, nor the
poll's answer an invitation, and neither is an unsubscribe token (whose salt is its own).
A token does not expire: what it may do ends with the meeting (it has begun, was
cancelled) or the poll (closed), which the networks service decides."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from services.networks.events import INVITATION_ANSWERS

SALT = "staffroom.notifications.invitation"
POLL_SALT = "staffroom.notifications.poll"


def _signed(secret_key: str, salt: str, person_id: str, meeting_id: str) -> str:
    return URLSafeSerializer(secret_key, salt=salt).dumps([person_id, meeting_id])


def _read(secret_key: str, salt: str, signed: str) -> tuple[str, str] | None:
    try:
        person_id, meeting_id = URLSafeSerializer(secret_key, salt=salt).loads(signed)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(person_id, str) and isinstance(meeting_id, str)):
        return None
    return person_id, meeting_id


def token(secret_key: str, person_id: str, meeting_id: str) -> str:
    """A meeting invitation's token."""
    return _signed(secret_key, SALT, person_id, meeting_id)


def read(secret_key: str, signed: str) -> tuple[str, str] | None:
    """(person, meeting) an invitation's token was made for, or None for a forged or damaged
    one, or a token of another kind."""
    return _read(secret_key, SALT, signed)


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


def poll_token(secret_key: str, person_id: str, meeting_id: str) -> str:
    """A date poll's personal token."""
    return _signed(secret_key, POLL_SALT, person_id, meeting_id)


def read_poll(secret_key: str, signed: str) -> tuple[str, str] | None:
    """(person, meeting) a poll's personal token was made for, or None."""
    return _read(secret_key, POLL_SALT, signed)


def poll_link(base_url: str, secret_key: str, person_id: str, meeting_id: str) -> str:
    """The person's own answers to the meeting's date poll, without signing in."""
    return f"{base_url}polls/{poll_token(secret_key, person_id, meeting_id)}"
