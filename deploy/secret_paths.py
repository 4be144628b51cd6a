"""The paths whose next segment is a secret, in one list: the gateway lets them through
without a session (gateway/__init__.py OPEN_PATHS; the signed links without a CSRF token
too: gateway/csrf.py), and the access log masks that segment in the request's path and
its referer's (deploy/access_log.py: each read as a URL), as do the gateway's and the
frontend's own logs (`mask_secrets_in`).

A calendar feed's token lets anyone read that person's calendar; an email's signed link
(unsubscribe, an invitation's answer, a poll's personal link) acts for the person it names.
Here, importing nothing of ours (the standard library's re, logging, urllib only), so that
gunicorn's logger in every arbiter and worker needs no more (the gateway's package is about
26 MB a process)."""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote, unquote_plus

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


SECRET_PREFIX = re.compile(
    f"((?:{'|'.join(_any_slashes(path) for path in SECRET_PATHS)}))[^/]+", re.IGNORECASE
)
QUERY_SEPARATORS = re.compile(r"([&;])")


def masked_path(path: str) -> str:
    """A URL's path with the segment after a secret path masked: read as decoded (so
    `%66eeds` and `%20` inside a token hide nothing), the secret path at its start only (a
    search for "/feeds/x" in another page's path is no secret). As it came if none."""
    plain = unquote(path if path.startswith("/") else f"/{path}")
    if not SECRET_PREFIX.match(plain):
        return path
    return SECRET_PREFIX.sub(r"\1[token]", plain, count=1)


def masked_query(query: str) -> str:
    """A query string with the value of each SECRET_QUERY name masked whole, whatever it
    holds (`code=a%20b`), its name read as decoded (`%63ode`); every other pair as it came."""
    return "".join(_masked_pair(part) for part in QUERY_SEPARATORS.split(query))


def _masked_pair(part: str) -> str:
    name, equals, _ = part.partition("=")
    if equals and unquote_plus(name).strip().lower() in SECRET_QUERY:
        return f"{name}=[secret]"
    return part


def masked_url(url: str) -> str:
    """A URL (a request's target, a referer) with its path's and its query's secrets masked
    (`masked_path`, `masked_query`); its scheme, host and fragment as they came."""
    head = ""
    if "://" in url and not url.startswith("/"):
        scheme, _, rest = url.partition("://")
        host, slash, rest = rest.partition("/")
        head, url = f"{scheme}://{host}", slash + rest
    if not url:
        return head
    rest, hash_, fragment = url.partition("#")
    path, question, query = rest.partition("?")
    return f"{head}{masked_path(path)}{question}{masked_query(query)}{hash_}{fragment}"


def masked_request_line(line: str) -> str:
    """`GET <target> HTTP/1.1` with its target's secrets masked (`masked_url`)."""
    method, space, rest = line.partition(" ")
    if not space:
        return masked_url(line)
    target, space, protocol = rest.rpartition(" ")
    if not space:
        return f"{method} {masked_url(rest)}"
    return f"{method} {masked_url(target)} {protocol}"


def masked(text: str) -> str:
    """`text` (a log message) with any secret replaced wherever it stands; read as decoded,
    so `%66eeds` hides nothing. The access log's fields are masked as what they are
    (`masked_request_line`, `masked_url`...), never by a search through every field."""
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
