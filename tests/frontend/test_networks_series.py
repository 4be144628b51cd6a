"""Series through the real stack: planning one shows its dates and the skipped ones with why
before anything is saved; planning it makes each meeting (a reaction) on the series' page;
one meeting moved or cancelled alone, in place with htmx; the organisers' alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest

from readmodels.networks import queries
from tests.support.databases import DATABASES
from tests.support.network_pages import LONDON, Trust, a_trust, inset_day
from tests.support.pages import HTMX, text
from tests.support.waiting import wait_until


@pytest.fixture(scope="module", params=DATABASES)
def trust(request, nats, nats_server, tmp_path_factory) -> Iterator[Trust]:
    folder = tmp_path_factory.mktemp("series")
    with a_trust(nats, nats_server.url, request.param, folder) as made:
        yield made


def today() -> date:
    return datetime.now(LONDON).date()


def series_form(do: str, **changes: str) -> dict[str, str]:
    first = inset_day(today())  # Ash Grove Primary's INSET day: skipped
    form = {
        "title": "Maths leads fortnightly",
        "weekday": str(first.weekday()),
        "every_weeks": "2",
        "starts": "16:00",
        "ends": "17:00",
        "first": first.isoformat(),
        "last": (today() + timedelta(days=120)).isoformat(),
        "venue": "Trust office",
        "join_link": "",
        "do": do,
        "key": f"series-{do}",
    }
    return {**form, **changes}


def test_checking_the_dates_shows_them_and_the_skipped_ones_and_plans_nothing(trust):
    sil = trust.client("sil")
    new = sil.get(f"/networks/{trust.network_id}/series/new")
    assert new.status_code == 200
    assert 'value="Maths leads meeting"' in new.get_data(as_text=True)
    checked = sil.post(f"/networks/{trust.network_id}/series", data=series_form("check"))
    assert checked.status_code == 200, text(checked.get_data(as_text=True))[:2000]
    read = text(checked.get_data(as_text=True))
    found = re.search(r"(\d+) meetings", read)
    assert found and int(found.group(1)) >= 4, read[:2000]
    assert "Skipped (1)" in read, read[:3000]
    assert f"{inset_day(today()):%a} {inset_day(today()).day}" in read.split("Skipped (1)")[1]
    assert queries.series_of(trust.stack.engine, trust.network_id) == []
    part = sil.post(f"/networks/{trust.network_id}/series", data=series_form("check"), headers=HTMX)
    assert part.status_code == 200
    assert part.get_data(as_text=True).lstrip().startswith('<form class="panel" id="plan-series"')


def test_a_series_form_with_mistakes_is_answered_in_place(trust):
    form = series_form("plan", starts="17:00", ends="16:00", first="", title="")
    answer = trust.client("sil").post(f"/networks/{trust.network_id}/series", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="series-ends-error">It ends after it starts.' in html
    assert 'id="series-first-error">Give a date.' in html
    assert 'id="series-title-error">Give the meetings a title.' in html


def test_a_series_form_with_mistakes_also_says_what_the_service_would_refuse(trust):
    """The venue's length and the link's scheme are the service's rules, not the page's."""
    before = len(queries.series_of(trust.stack.engine, trust.network_id))
    form = series_form("plan", title="", venue="V" * 300, join_link="http://meet.example.org/m")
    answer = trust.client("sil").post(f"/networks/{trust.network_id}/series", data=form)
    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert 'id="series-title-error">Give the meetings a title.' in html
    assert 'id="series-venue-error">Write no more than 200 characters.' in html
    assert 'id="series-join_link-error">Give the link as https://...' in html
    assert len(queries.series_of(trust.stack.engine, trust.network_id)) == before


def test_only_organisers_plan_a_series(trust):
    amy = trust.client("amy")
    assert amy.get(f"/networks/{trust.network_id}/series/new").status_code == 403
    sent = amy.post(f"/networks/{trust.network_id}/series", data=series_form("plan"))
    assert sent.status_code == 403


def test_a_planned_series_has_its_meetings_each_moved_or_cancelled_alone(trust):
    sil = trust.client("sil")
    planned = sil.post(
        f"/networks/{trust.network_id}/series", data=series_form("plan"), headers=HTMX
    )
    assert planned.status_code == 200, text(planned.get_data(as_text=True))[:2000]
    path = planned.headers["HX-Location"]  # htmx goes on to the series' page
    series_id = path.rsplit("/", 1)[1]

    def meetings() -> list:
        found = queries.find_series(trust.stack.engine, series_id)
        return found[1] if found else []

    found = queries.find_series(trust.stack.engine, series_id)
    assert found is not None
    wanted = len(found[0].occurrences)
    assert wanted >= 4
    assert wait_until(lambda: len(meetings()) == wanted, timeout=20)
    page = text(sil.get(path).get_data(as_text=True))
    assert f"Meetings ({wanted})" in page and "Dates skipped" in page
    assert "Maths leads fortnightly" in page
    first, second = meetings()[0], meetings()[1]

    moved_to = first.date + timedelta(days=1)
    if moved_to.weekday() >= 5:
        moved_to += timedelta(days=7 - moved_to.weekday())
    move = {"date": moved_to.isoformat(), "starts": "15:30", "ends": "16:30"}
    move |= {"reason": "Parents evening", "key": "move-1"}
    url = f"{path}/meetings/{first.meeting_id}"
    answer = sil.post(f"{url}/move", data=move, headers=HTMX)
    assert answer.status_code == 200, text(answer.get_data(as_text=True))[:2000]
    html = answer.get_data(as_text=True)
    assert html.lstrip().startswith(f'<li id="meeting-{first.meeting_id}"')
    assert "15:30" in html and "Moved: Parents evening" in text(html)

    unsaid = sil.post(
        f"{path}/meetings/{second.meeting_id}/cancel", data={"reason": ""}, headers=HTMX
    )
    assert unsaid.status_code == 422
    assert "Say why: the members are told." in unsaid.get_data(as_text=True)
    cancelled = sil.post(
        f"{path}/meetings/{second.meeting_id}/cancel",
        data={"reason": "Snow", "key": "cancel-2"},
    )
    assert cancelled.status_code == 303
    page = text(sil.get(path).get_data(as_text=True))
    assert "Cancelled: Snow" in page
    statuses = {m.meeting_id: m.status for m in meetings()}
    assert statuses[second.meeting_id] == "cancelled" and statuses[first.meeting_id] == "confirmed"

    amy = trust.client("amy")
    seen = amy.get(path).get_data(as_text=True)
    assert (
        "Move it" not in seen and "Cancel this meeting" not in seen and "End the series" not in seen
    )
    assert amy.post(f"{url}/cancel", data={"reason": "No"}).status_code == 403


def test_booking_one_meeting_without_a_poll(trust):
    sil = trust.client("sil")
    assert trust.client("amy").get(f"/networks/{trust.network_id}/meetings/new").status_code == 403
    form = sil.get(f"/networks/{trust.network_id}/meetings/new").get_data(as_text=True)
    assert 'value="Maths leads"' in form
    day = inset_day(today()) + timedelta(days=21)
    fields = {"title": "Maths leads: moderation", "date": day.isoformat(), "starts": "16:00"}
    fields |= {"ends": "17:00", "venue": "Trust office", "key": "book-1"}
    wrong = sil.post(f"/networks/{trust.network_id}/meetings", data={**fields, "date": ""})
    assert wrong.status_code == 422
    assert "Give the meeting&#39;s date." in wrong.get_data(as_text=True)
    booked = sil.post(f"/networks/{trust.network_id}/meetings", data=fields)
    assert booked.status_code == 303, text(booked.get_data(as_text=True))[:2000]
    meeting_id = booked.headers["Location"].rsplit("/", 1)[1]
    found = [m for m in queries.meetings_of(trust.stack.engine, trust.network_id)]
    assert any(m.meeting_id == meeting_id and m.status == "confirmed" for m in found)
    page = text(sil.get(f"/networks/{trust.network_id}").get_data(as_text=True))
    assert "Maths leads: moderation" in page.split("Meetings planned")[1]


def test_a_meeting_booked_on_a_members_inset_day_shows_the_clash_to_its_organisers(trust):
    sil = trust.client("sil")
    day = inset_day(today())
    fields = {"title": "Maths leads: extra", "date": day.isoformat()}
    fields |= {"starts": "16:00", "ends": "17:00", "venue": "", "key": "book-inset"}
    booked = sil.post(f"/networks/{trust.network_id}/meetings", data=fields)
    assert booked.status_code == 303, text(booked.get_data(as_text=True))[:2000]
    meeting_id = booked.headers["Location"].rsplit("/", 1)[1]
    html = sil.get(f"/networks/{trust.network_id}").get_data(as_text=True)
    line = text(html.split(f'id="meeting-{meeting_id}"')[1].split("</li>")[0])
    assert "Clash" in line and "INSET" in line, line
    seen = trust.client("amy").get(f"/networks/{trust.network_id}").get_data(as_text=True)
    assert "Clash" not in text(seen.split(f'id="meeting-{meeting_id}"')[1].split("</li>")[0])
