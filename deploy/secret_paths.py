"""The paths whose next segment is a secret, in one list: the gateway lets them through
without a session (gateway/__init__.py OPEN_PATHS; the signed links without a CSRF token
too: gateway/csrf.py), and the access log masks that segment (deploy/access_log.py), as
do the gateway's and the frontend's own logs (`mask_secrets_in`).

A calendar feed's token lets anyone read that person's calendar; an email's signed link
(unsubscribe, an invitation's answer, a poll's personal link) acts for the person it names.
Here, importing nothing of ours (the standard library's re, logging, urllib only), so that
gunicorn's logger in every arbiter and worker needs no more (the gateway's package is about
26 MB a process)."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

FEEDS = "/feeds/"
SIGNED_LINKS = ("/notifications/unsubscribe/", "/invitations/", "/polls/")
"""Links in an email, signed for one person (services/notifications: unsubscribe.py,
invitations.py), answered with no session and no CSRF token: one-click unsubscribe (RFC
8058: the mail program posts), a meeting invitation's accept and decline, a date poll's
personal link (a phone's mail app, not signed in). The signed link is the credential, and
all it can do is what it names for the person it names: turn one kind of email off, answer
one invitation, answer one poll. A forged one the frontend answers 404."""
SECRET_PATHS = (FEEDS, *SIGNED_LINKS)
SECRET_QUERY = ("code", "state")
"""The sign-in callback's (/sign-in/callback?code=…&state=…): the school's one-time
authorization code, and the value that ties it to the browser that asked."""


def _any_slashes(path: str) -> str:
    """A path as a pattern matching it however many slashes stand between its parts."""
    return "/+".join(re.escape(part) for part in path.split("/"))


SECRET_SEGMENT = re.compile(
    f"((?:{'|'.join(_any_slashes(path) for path in SECRET_PATHS)}))[^/?#\\s]+", re.IGNORECASE
)
SECRET_VALUE = re.compile(f"([?&](?:{'|'.join(SECRET_QUERY)})=)[^&#\\s]+", re.IGNORECASE)


def masked(text: str) -> str:
    """`text` with any secret replaced; read as decoded, so `%66eeds` hides nothing."""
    plain = unquote(text)
    if not (SECRET_SEGMENT.search(plain) or SECRET_VALUE.search(plain)):
        return text
    return SECRET_VALUE.sub(r"\1[secret]", SECRET_SEGMENT.sub(r"\1[token]", plain))


class MaskSecrets(logging.Filter):
    """A logger's records with every secret masked (`masked`): Flask logs an unhandled
    error as "Exception on <path>", and urllib3's errors name the URL they failed on."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shown = masked(message)
        if shown != message:
            record.msg, record.args = shown, None
        return True


def mask_secrets_in(logger: logging.Logger) -> None:
    """Mask secrets in what `logger` writes (once, however many apps of one name are made)."""
    if not any(isinstance(kept, MaskSecrets) for kept in logger.filters):
        logger.addFilter(MaskSecrets())
