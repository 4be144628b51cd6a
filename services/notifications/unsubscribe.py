"""Signed one-click unsubscribe links (List-Unsubscribe, RFC 8058): the link names the
person and the kind, signed with the trust's secret key, so it needs no sign-in."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeSerializer

from services.notifications.events import ALWAYS_SENT, KINDS

SALT = "staffroom.notifications.unsubscribe"


def may_turn_off(kind: str) -> bool:
    return kind in KINDS and kind not in ALWAYS_SENT


def token(secret_key: str, person_id: str, kind: str) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps([person_id, kind])


def read(secret_key: str, signed: str) -> tuple[str, str] | None:
    """(person, kind) the token was made for, or None for a forged or damaged one."""
    try:
        person_id, kind = URLSafeSerializer(secret_key, salt=SALT).loads(signed)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (isinstance(person_id, str) and may_turn_off(kind)):
        return None
    return person_id, kind


def link(base_url: str, secret_key: str, person_id: str, kind: str) -> str | None:
    if not may_turn_off(kind):
        return None
    return f"{base_url}notifications/unsubscribe/{token(secret_key, person_id, kind)}"
