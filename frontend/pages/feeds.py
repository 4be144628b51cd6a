"""Calendar feeds: a person's own (their booked sessions, the keynote of days they come to,
and the network meetings they are invited to; with `?holds=1`, the options of open polls
they are invited to as tentative holds), the trust's PD days, and one session's "add to
calendar" file.

A calendar app carries no cookie: a feed's URL holds the person's secret token, and a new
token (from My CPD) stops the old one at once. Feeds answer conditional requests with 304;
a feed is rendered again only when the trust days' or the networks' projection has moved on
(or a day has passed, for cancelled events that drop out), so the apps' polling costs a few
small reads.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from flask import Blueprint, abort, current_app, g, request, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from events.calendar import (
    DOMAIN,
    SCHOOL_TIME,
    CalendarEvent,
    Feed,
    calendar,
    meeting_event,
    session_event,
)
from events.projection import checkpoints
from frontend.database import engine
from frontend.pages.days import visible_day
from readmodels.directory.queries import feed_token_holder, feed_token_of
from readmodels.networks import calendars as meeting_calendars
from readmodels.trustdays import calendars

feeds = Blueprint("feeds", __name__)


def keynote_events(person_id: str, link: Any) -> list[CalendarEvent]:
    """The keynote of each day the person comes to: they said yes, or they hold a seat and
    have not said no. Saying no (or a cancelled day) keeps it a while as cancelled."""
    rows = calendars.keynote_rows(engine(), person_id)
    return [
        CalendarEvent(
            uid=f"keynote.{row.slot_id}.{person_id}@{DOMAIN}",
            summary=f"{row.title}: {row.slot_title}",
            day=row.date,
            starts=row.starts,
            ends=row.ends,
            location=row.venue,
            description=f"{row.title}. Theme: {row.theme}.",
            url=link(row.day_id),
            cancelled=row.attending is False or row.status == "cancelled",
            reason=f"{row.title} was cancelled."
            if row.status == "cancelled"
            else "You said you are not coming.",
            sequence=row.sequence + (row.answer_sequence or 0),
            changed_at=max(row.changed_at, row.answered_at or row.changed_at),
        )
        for row in rows
    ]


def meeting_events(person_id: str, base_url: str) -> list[CalendarEvent]:
    """The network meetings the person is invited to or organises: one UID a meeting."""
    return [
        meeting_event(row, base_url) for row in meeting_calendars.meeting_rows(engine(), person_id)
    ]


def hold_events(person_id: str, base_url: str, now: datetime) -> list[CalendarEvent]:
    """The options of the open polls the person is invited to (not those they said no to),
    as tentative holds; they leave the feed when the poll closes."""
    return [
        CalendarEvent(
            uid=f"hold.{row.meeting_id}.{row.option_id}@{DOMAIN}",
            summary=f"Hold: {row.title}",
            day=row.date,
            starts=row.starts,
            ends=row.ends,
            location=row.venue or ("Online" if row.join_link else ""),
            description=f"A possible date for {row.network_name}: a poll is open until "
            f"{row.deadline:%a %-d %B, %H:%M}. Answer it in Staffroom; this hold goes when a "
            "date is chosen.",
            url=f"{base_url}meetings/{row.meeting_id}/poll",
            cancelled=False,
            tentative=True,
            sequence=0,
            changed_at=row.changed_at,
        )
        for row in meeting_calendars.hold_rows(engine(), person_id, now)
    ]


def programme_link(base_url: str) -> Any:
    return lambda day_id: f"{base_url}days/{day_id}"


@lru_cache(maxsize=4096)
def personal_feed(
    engine_id: int,
    person_id: str,
    name: str,
    seen: tuple[int, ...],
    today: date,
    base_url: str,
    holds: datetime | None = None,
) -> Feed:
    """Rendered again only when a projection has moved on (`seen`) or a day has passed; with
    holds, every quarter of an hour too (`holds`, UK wall clock: polls' deadlines pass)."""
    link = programme_link(base_url)
    events = [
        session_event(row, person_id, f"{link(row.day_id)}#session-{row.session_id}")
        for row in calendars.session_rows(engine(), person_id)
    ]
    events += keynote_events(person_id, link)
    events += meeting_events(person_id, base_url)
    passed = None
    if holds:
        events += hold_events(person_id, base_url, holds)
        passed = meeting_calendars.deadline_passed(engine(), person_id, holds)
    feed = calendar(events, f"My PD sessions ({name})", datetime.now(UTC))
    changes = [
        *calendars.latest_change(engine(), person_id),
        meeting_calendars.latest_change(engine(), person_id),
        passed.replace(tzinfo=SCHOOL_TIME) if passed else None,
        feed.last_modified,
    ]
    return replace(feed, last_modified=max((c for c in changes if c), default=None))


@lru_cache(maxsize=64)
def trust_feed(engine_id: int, seen: tuple[int, ...], today: date, base_url: str) -> Feed:
    link = programme_link(base_url)
    rows = calendars.shown_days(engine())
    events = [
        CalendarEvent(
            uid=f"pdday.{row.day_id}@{DOMAIN}",
            summary=f"{row.title} (PD day)",
            day=row.date,
            starts=row.starts,
            ends=row.ends,
            location=row.venue,
            description=f"Theme: {row.theme}. Book your sessions in Staffroom.",
            url=link(row.day_id),
            cancelled=row.status == "cancelled",
            reason="This PD day was cancelled." if row.status == "cancelled" else "",
            sequence=row.sequence,
            changed_at=row.changed_at,
        )
        for row in rows
    ]
    return calendar(events, "Trust PD days", datetime.now(UTC))


def feed_addresses(person_id: str) -> dict[str, str]:
    """The addresses of the person's feeds (https and webcal); none until they ask."""
    token = feed_token_of(engine(), person_id)
    if token is None:
        return {}
    mine = url_for("feeds.personal", token=token, _external=True)
    trust = url_for("feeds.trust", token=token, _external=True)
    holds = url_for("feeds.personal", token=token, holds=1, _external=True)
    return {
        "mine": mine,
        "mine_webcal": "webcal://" + mine.split("://", 1)[1],
        "holds": holds,
        "holds_webcal": "webcal://" + holds.split("://", 1)[1],
        "trust": trust,
        "trust_webcal": "webcal://" + trust.split("://", 1)[1],
    }


def holder_of(token: str) -> Any:
    """The person whose current token this is; 404 for an old or unknown one, or for
    someone who has left the trust (their feeds stop with their sign-ins)."""
    person = feed_token_holder(engine(), token)
    if person is None:
        abort(
            404,
            "No calendar has this address: it may have been replaced. Get the new one from My CPD.",
        )
    return person


def announced(last_modified: datetime | None, now: datetime) -> datetime | None:
    """Last-Modified only once its second is over: HTTP dates count whole seconds, so a
    second change within that second would otherwise look unmodified (304) to a client
    that sends only If-Modified-Since. Without it the client asks again in full."""
    if last_modified is None or now < last_modified.replace(microsecond=0) + timedelta(seconds=1):
        return None
    return last_modified


def file_name(title: str) -> str:
    """A title as a file name any system keeps: ASCII letters and digits joined by hyphens
    (accents dropped), at most 60 characters; "pd-session" when nothing is left."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    name = "-".join(re.findall(r"[A-Za-z0-9]+", plain))[:60].strip("-")
    return f"{name or 'pd-session'}.ics"


def attachment(title: str) -> str:
    """Content-Disposition for a file named after `title`: the ASCII name, and the title
    itself (RFC 6266 filename*) without what a file system or a header cannot hold."""
    kept = " ".join(re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|;]+', " ", title).split())[:80]
    utf8 = quote(f"{kept or 'pd-session'}.ics", safe="")
    return f"attachment; filename=\"{file_name(title)}\"; filename*=UTF-8''{utf8}"


def ics(feed: Feed, download: str | None = None) -> Response:
    response = Response(feed.body, content_type="text/calendar; charset=utf-8")
    response.set_etag(feed.etag)
    last_modified = announced(feed.last_modified, datetime.now(UTC))
    if last_modified:  # werkzeug would write "now" for None
        response.last_modified = last_modified
    response.cache_control.no_cache = True  # revalidate every time: a 304 costs little
    if download:
        response.headers["Content-Disposition"] = attachment(download)
    return response.make_conditional(request)


REBUILDING = "The calendars are being rebuilt: ask again in a minute."
FED_BY = ("trustdays", "networks")
"""The projections the feeds are made from."""


CHECKPOINTS = select(checkpoints.c.name, checkpoints.c.last_seq).where(
    checkpoints.c.name.in_(FED_BY)
)


def checkpoints_now() -> tuple[int, ...]:
    """Each projection's checkpoint (0 before it has one), in one read."""
    with engine().connect() as connection:
        found = {row.name: row.last_seq for row in connection.execute(CHECKPOINTS)}
    return tuple(found.get(name, 0) for name in FED_BY)


def seen() -> tuple[tuple[int, ...], date]:
    """The checkpoints of the projections the feeds are made from, refused with 503 while
    one is behind the highest this app has served: only a rebuild (`staffroom projections
    rebuild`) moves it back, and a calendar keeps its events on a 503 where an empty or
    partial feed would delete them."""
    seqs = checkpoints_now()
    served = current_app.extensions.setdefault("feeds.served", {"seq": (0,) * len(FED_BY)})
    if any(now < before for now, before in zip(seqs, served["seq"], strict=True)):
        refuse_while_rebuilding()
    served["seq"] = tuple(max(pair) for pair in zip(seqs, served["seq"], strict=True))
    return seqs, datetime.now(UTC).date()


def refuse_while_rebuilding() -> None:
    response = Response(REBUILDING, status=503, content_type="text/plain; charset=utf-8")
    response.headers["Retry-After"] = "60"
    abort(response)


def complete(feed: Feed, seq: tuple[int, ...]) -> Feed:
    """A rebuild that began while the feed was read may have emptied its tables: refuse,
    and forget what was rendered (it may be cached under the old checkpoint)."""
    if any(now < then for now, then in zip(checkpoints_now(), seq, strict=True)):
        personal_feed.cache_clear()
        trust_feed.cache_clear()
        refuse_while_rebuilding()
    return feed


def quarter_hour() -> datetime:
    """Now on the UK wall clock, to the quarter of an hour before (naive, as deadlines are)."""
    now = datetime.now(SCHOOL_TIME).replace(tzinfo=None, second=0, microsecond=0)
    return now.replace(minute=now.minute - now.minute % 15)


@feeds.get("/feeds/<token>/mine.ics")
def personal(token: str) -> Response:
    person = holder_of(token)
    seq, today = seen()
    holds = quarter_hour() if request.args.get("holds") == "1" else None
    feed = personal_feed(
        id(engine()), person.person_id, person.name, seq, today, request.url_root, holds
    )
    return ics(complete(feed, seq))


@feeds.get("/feeds/<token>/pd-days.ics")
def trust(token: str) -> Response:
    holder_of(token)
    seq, today = seen()
    return ics(complete(trust_feed(id(engine()), seq, today, request.url_root), seq))


@feeds.get("/days/<day_id>/sessions/<session_id>.ics")
def session_ics(day_id: str, session_id: str) -> Response:
    """Add one session to a calendar: a file, not a subscription (it will not update)."""
    visible_day(day_id)
    me = g.identity.person_id
    rows = [row for row in calendars.session_rows(engine(), me, session_id) if row.day_id == day_id]
    if not rows or rows[0].place not in ("seat", "cancelled"):
        abort(404, "You have no place in that session: book it first.")
    link = f"{programme_link(request.url_root)(day_id)}#session-{session_id}"
    event = session_event(rows[0], me, link)
    return ics(calendar([event], None, datetime.now(UTC)), download=rows[0].title)
