"""The trust year's projection: the years and their terms, schools' own terms, closures.

Every event carries whole records (a year's terms, a school's terms), so each is a
replace by key; closures are rows of their own, added and removed by id.
"""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, delete, insert

from events.envelope import RecordedEvent
from events.projection import Projection
from readmodels.trustyear.tables import school_closures, school_terms, trust_years, year_terms
from services.trustyear.events import SERVICE  # noqa: F401  (registers the event types)

DELETE_YEAR = delete(trust_years).where(trust_years.c.year_id == bindparam("key"))
DELETE_YEAR_TERMS = delete(year_terms).where(year_terms.c.year_id == bindparam("key"))
DELETE_SCHOOL_TERMS = delete(school_terms).where(
    school_terms.c.school_id == bindparam("school"), school_terms.c.year_id == bindparam("key")
)
DELETE_CLOSURE = delete(school_closures).where(school_closures.c.closure_id == bindparam("key"))
TERM_FIELDS = ("term", "name", "starts", "ends")


def year_set(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    year_id = data["year_id"]
    connection.execute(DELETE_YEAR, {"key": year_id})
    connection.execute(DELETE_YEAR_TERMS, {"key": year_id})
    year = {"year_id": year_id, "starts": data["starts"], "ends": data["ends"]}
    connection.execute(
        insert(trust_years), {**year, "version": event.seq, "changed_at": event.occurred_at}
    )
    terms = [{"year_id": year_id, **{f: t[f] for f in TERM_FIELDS}} for t in data["terms"]]
    if terms:
        connection.execute(insert(year_terms), terms)


def school_terms_set(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    key = {"school": data["school_id"], "key": data["year_id"]}
    connection.execute(DELETE_SCHOOL_TERMS, key)
    terms = [
        {
            "school_id": data["school_id"],
            "year_id": data["year_id"],
            **{f: t[f] for f in TERM_FIELDS},
        }
        for t in data["terms"]
    ]
    if terms:
        connection.execute(insert(school_terms), terms)


CLOSURE_FIELDS = ("closure_id", "school_id", "year_id", "kind", "starts", "ends", "label", "source")


def closure_added(connection: Connection, event: RecordedEvent) -> None:
    data = event.data
    connection.execute(DELETE_CLOSURE, {"key": data["closure_id"]})
    row = {**{f: data[f] for f in CLOSURE_FIELDS}, "changed_at": event.occurred_at}
    connection.execute(insert(school_closures), row)


def closure_removed(connection: Connection, event: RecordedEvent) -> None:
    connection.execute(DELETE_CLOSURE, {"key": event.data["closure_id"]})


trustyear = Projection(
    name="trustyear",
    tables=[trust_years, year_terms, school_terms, school_closures],
    handlers={
        "YearSet": year_set,
        "SchoolTermsSet": school_terms_set,
        "ClosureAdded": closure_added,
        "ClosureRemoved": closure_removed,
    },
)
