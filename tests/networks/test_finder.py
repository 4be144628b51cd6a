"""The slot finder (services/networks/finder.py): a pure function, so every rule is a
plain call on the shared trust calendar (tests/networks/test_finder_calendar.py)."""

from __future__ import annotations

from datetime import date

from services.networks.finder import (
    Booking,
    Invitee,
    Proposal,
    Window,
    find_dates,
    one_slot,
    spacing_for,
    suggest_window,
)
from tests.support.networks_facts import OAK_INSET, PD_DAY, YEAR, trust_calendar

HEADS = [
    Invitee("h-oak", "oak", noun="head"),
    Invitee("h-ash", "ash", noun="head"),
    Invitee("h-elm", "elm", noun="head"),
]
LEADS = [Invitee("m-oak", "oak"), Invitee("m-ash", "ash")]


def reasons(proposal: Proposal) -> dict[date, tuple[str, ...]]:
    return {e.date: e.reasons for e in proposal.excluded}


def dates(proposal: Proposal) -> list[date]:
    return [o.date for o in proposal.options]


def find(first: date, last: date, invitees=LEADS, **more) -> Proposal:  # type: ignore[no-untyped-def]
    return find_dates(Window(first, last), 60, invitees, trust_calendar(), **more)


def test_weekends_are_out() -> None:
    found = find(date(2026, 11, 9), date(2026, 11, 15))
    assert reasons(found)[date(2026, 11, 14)] == ("Weekend",)
    assert reasons(found)[date(2026, 11, 15)] == ("Weekend",)
    assert dates(found) == [date(2026, 11, d) for d in (9, 10, 11, 12, 13)]


def test_a_bank_holiday_in_term_is_out_and_named() -> None:
    found = find(date(2027, 5, 3), date(2027, 5, 3))
    assert reasons(found)[date(2027, 5, 3)] == ("Bank holiday: May Day",)
    assert found.options == ()


def test_half_term_counts_the_invitees_schools() -> None:
    found = find(date(2026, 10, 26), date(2026, 10, 26))
    assert reasons(found)[date(2026, 10, 26)] == ("Half term at 2 schools",)


def test_one_school_shut_is_named() -> None:
    found = find(date(2026, 11, 2), date(2026, 11, 2), invitees=[*LEADS, Invitee("m-elm", "elm")])
    assert reasons(found)[date(2026, 11, 2)] == ("Half term at Elm High",)
    inset = find(OAK_INSET, OAK_INSET)
    assert reasons(inset)[OAK_INSET] == ("INSET day at Oak Primary",)


def test_every_invited_school_shut_says_all() -> None:
    three = [*LEADS, Invitee("m-elm", "elm")]
    christmas = date(2026, 12, 21)
    assert reasons(find(christmas, christmas, invitees=three))[christmas] == (
        "Christmas holidays at all 3 schools",
    )


def test_a_school_nobody_invited_comes_from_does_not_matter() -> None:
    found = find(OAK_INSET, OAK_INSET, invitees=[Invitee("m-ash", "ash")])
    assert dates(found) == [OAK_INSET]
    central = find(OAK_INSET, OAK_INSET, invitees=[Invitee("ceo", None)])
    assert dates(central) == [OAK_INSET]


def test_a_pd_day_is_out() -> None:
    assert reasons(find(PD_DAY, PD_DAY))[PD_DAY] == ("PD day",)


def test_a_day_gives_every_reason_it_has() -> None:
    easter_monday = date(2027, 3, 29)
    assert reasons(find(easter_monday, easter_monday))[easter_monday] == (
        "Bank holiday: Easter Monday",
        "Easter holidays at 2 schools",
    )


def elg(day: date, starts: str = "16:00", ends: str = "17:30") -> Booking:
    return Booking("m-elg", "ELG", day, starts, ends, frozenset({"h-oak", "h-ash", "h-elm", "ceo"}))


def test_a_meeting_that_shares_required_members_at_every_time_puts_the_day_out() -> None:
    day = date(2026, 11, 10)
    found = find(day, day, invitees=HEADS, busy=[elg(day)])
    assert reasons(found)[day] == ("ELG: 3 heads invited",)
    mixed = find(day, day, invitees=[*HEADS[:2], Invitee("x", "ash")], busy=[elg(day)])
    assert reasons(mixed)[day] == ("ELG: 2 heads invited",)


def test_a_meeting_at_another_time_leaves_the_other_times() -> None:
    day = date(2026, 11, 10)
    found = find(
        day, day, invitees=HEADS, busy=[elg(day, "09:00", "10:30")], times=["09:30", "16:00"]
    )
    assert [(o.date, o.starts, o.ends) for o in found.options] == [(day, "16:00", "17:00")]
    assert found.excluded == ()


def test_back_to_back_is_no_clash() -> None:
    day = date(2026, 11, 10)
    found = find(day, day, invitees=HEADS, busy=[elg(day, "15:00", "16:00")])
    assert dates(found) == [day]


def test_an_optional_invitee_booked_elsewhere_leaves_the_option_with_fewer() -> None:
    day = date(2026, 11, 10)
    invitees = [Invitee("m-oak", "oak"), Invitee("h-ash", "ash", required=False)]
    found = find(day, date(2026, 11, 11), invitees=invitees, busy=[elg(day)])
    first, second = found.options
    assert (second.date, second.can_come, second.away) == (day, 1, ("h-ash",))
    assert (first.date, first.can_come, first.invited) == (date(2026, 11, 11), 2, 2)


def test_the_meeting_itself_is_no_clash() -> None:
    day = date(2026, 11, 10)
    found = find(day, day, invitees=HEADS, busy=[elg(day)], meeting_id="m-elg")
    assert dates(found) == [day]


def test_options_spread_the_networks_meetings_across_the_year() -> None:
    held = [date(2026, 11, 9)]
    found = find(date(2026, 11, 9), date(2026, 12, 18), held=held, spacing=30)
    best = found.options[0]
    assert best.date == date(2026, 12, 9) and best.gap_days == 30  # the first a spacing away
    assert dates(found)[-2:] == [date(2026, 11, 10), date(2026, 11, 9)]  # nearest last


def test_without_a_spacing_the_earliest_come_first() -> None:
    found = find(date(2026, 11, 9), date(2026, 11, 13), held=[date(2026, 11, 13)])
    assert dates(found) == sorted(dates(found))


def test_every_time_of_a_day_is_offered_in_order() -> None:
    day = date(2026, 11, 10)
    found = find(day, day, times=["16:00", "09:30", "16:00"])
    assert [o.starts for o in found.options] == ["09:30", "16:00"]


def test_a_meeting_past_midnight_has_no_times() -> None:
    day = date(2026, 11, 10)
    found = find_dates(Window(day, day), 120, LEADS, trust_calendar(), times=["23:00"])
    assert found.options == () and found.excluded == ()


def test_one_slot_rechecks_everything_and_any_shared_member() -> None:
    calendar = trust_calendar()
    optional = [Invitee("h-oak", "oak", required=False, noun="head")]
    day = date(2026, 11, 10)
    assert one_slot(day, "16:00", "17:00", optional, calendar, [elg(day)]) == [
        "ELG: 1 head invited"
    ]
    assert one_slot(day, "16:00", "17:00", optional, calendar, [elg(day)], "m-elg") == []
    assert one_slot(PD_DAY, "16:00", "17:00", HEADS, calendar) == ["PD day"]
    assert one_slot(OAK_INSET, "16:00", "17:00", HEADS, calendar) == ["INSET day at Oak Primary"]


def test_spacing_follows_the_cadence() -> None:
    term_time = (YEAR.terms[-1].ends - YEAR.terms[0].starts).days
    assert spacing_for("per_year", 3, YEAR) == term_time // 3
    assert spacing_for("per_term", 1, YEAR) == term_time // 6
    assert spacing_for("fortnightly", 1, YEAR) == 14
    assert spacing_for("per_year", 2) == 182


def test_the_suggested_window_is_the_next_share_without_a_meeting() -> None:
    today = date(2026, 9, 10)
    first = suggest_window(today, "per_year", 3, YEAR)
    assert first.first == date(2026, 9, 11) and first.last < date(2026, 12, 31)
    held = [date(2026, 10, 1)]
    second = suggest_window(today, "per_year", 3, YEAR, held)
    assert (second.first - first.last).days == 1  # the next third
    assert second.last < date(2027, 5, 1)


def test_a_per_term_network_looks_in_the_next_term_once_this_one_has_its_meeting() -> None:
    today = date(2026, 9, 10)
    assert suggest_window(today, "per_term", 1, YEAR).last == date(2026, 10, 23)
    later = suggest_window(today, "per_term", 1, YEAR, [date(2026, 10, 1)])
    assert (later.first, later.last) == (date(2026, 11, 2), date(2026, 12, 18))


def test_fortnightly_and_unknown_years_look_a_little_ahead() -> None:
    today = date(2026, 9, 10)
    assert suggest_window(today, "fortnightly", 1, YEAR) == Window(
        date(2026, 9, 11), date(2026, 9, 24)
    )
    assert suggest_window(today, "per_year", 3, None) == Window(
        date(2026, 9, 11), date(2026, 10, 22)
    )
    everything_held = [date(2026, 10, 1), date(2027, 1, 20), date(2027, 6, 10)]
    late = suggest_window(date(2027, 7, 1), "per_year", 3, YEAR, everything_held)
    assert late == Window(date(2027, 7, 2), date(2027, 8, 12))
