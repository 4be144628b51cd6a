"""The demo trust's year, loaded through the real commands: this academic year and the next
from the day it is loaded, every school's INSET days, Foxwood's own half term; again, nothing."""

from __future__ import annotations

from datetime import date

from services.directory import demo as directory_demo
from services.directory.demo import SCHOOLS, school_id_of
from services.trustyear import demo
from services.trustyear.domain import SchoolYearDecider, YearDecider
from services.trustyear.events import school_subject, year_subject

TODAY = date(2026, 12, 1)


def test_the_demo_year_follows_today_and_loading_it_again_appends_nothing(nats, store):
    nats.run(directory_demo.load(store))
    said = nats.run(demo.load(store, TODAY))
    assert said.startswith("2 trust years of 6 terms (2026-27 and the next), 42 INSET days")
    for year_id in ("2026-27", "2027-28"):
        events, _ = nats.run(store.load(store.subject(*year_subject(year_id))))
        year = YearDecider().fold(events)
        assert year is not None and len(year.terms) == 6
    foxwood = next(s for s in SCHOOLS if s.urn == demo.OWN_HALF_TERM)
    ash = SCHOOLS[0]
    own, _ = nats.run(store.load(store.subject(*school_subject(school_id_of(foxwood), "2026-27"))))
    theirs = SchoolYearDecider().fold(own)
    trust = demo.terms_of(2026)
    assert theirs.terms[2].ends == trust[2].ends.replace(day=trust[2].ends.day + 7)
    events, _ = nats.run(store.load(store.subject(*school_subject(school_id_of(ash), "2026-27"))))
    ash_year = SchoolYearDecider().fold(events)
    assert ash_year.terms == ()
    insets = sorted(c.starts for c in ash_year.closures.values())
    assert insets[:2] == [trust[0].starts, trust[2].starts]
    assert all(day.weekday() < 5 for day in insets)
    before = nats.run(store.last_seq())
    nats.run(demo.load(store, TODAY))
    assert nats.run(store.last_seq()) == before
