"""The demo trust's posts: every school has each school post filled (EYFS lead only where a
school teaches the early years), and the central team has the CEO and the school
improvement leads who facilitate the networks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.directory.domain import Person

CENTRAL_POSTS_BY_JOB = {
    "Chief executive officer": ("ceo",),
    "Director of primary education": ("school_improvement_lead",),
    "Director of secondary education": ("school_improvement_lead",),
    "Trust English lead": ("school_improvement_lead",),
    "Trust maths lead": ("school_improvement_lead",),
    "Trust SEND lead": ("school_improvement_lead",),
    "Trust attendance and pastoral lead": ("school_improvement_lead",),
}
BY_JOB = {
    "Headteacher": ("headteacher",),
    "Deputy headteacher": ("cpd_lead", "tl_lead", "data_lead"),
    "SENCO": ("senco",),
}
TEACHER_POSTS = (
    # post, the subjects a teacher holding it would rather teach
    ("english_lead", ("English", "KS2")),
    ("maths_lead", ("Maths", "KS2")),
    ("science_lead", ("Science", "Biology", "Chemistry", "Physics", "KS1")),
    ("humanities_lead", ("History", "Geography", "RE", "KS2")),
    ("languages_lead", ("French", "Spanish", "KS2")),
    ("arts_lead", ("Art", "Music", "Drama", "KS1")),
    ("pe_lead", ("PE", "KS1")),
    ("eyfs_lead", ("EYFS",)),
    ("pshe_lead", ("Psychology", "Sociology", "KS2")),
    ("disadvantaged_lead", ()),
    ("attendance_lead", ()),
    ("pastoral_lead", ()),
)
NO_EARLY_YEARS = ("secondary",)


class Staff(Protocol):
    @property
    def person(self) -> Person: ...


def school_posts(staff: Sequence[Staff], phase: str) -> list[tuple[str, str]]:
    """(person_id, post) for one school's staff: each post to a teacher of its subject if
    there is one free, else to the next teacher holding fewest posts."""
    people = [member.person for member in staff]
    posts = [(p.person_id, post) for p in people for post in BY_JOB.get(p.job_title, ())]
    teachers = [p for p in people if p.category == "teaching"]
    load = {p.person_id: 0 for p in teachers}
    for post, subjects in TEACHER_POSTS:
        if post == "eyfs_lead" and phase in NO_EARLY_YEARS:
            continue
        suited = [p for p in teachers if set(p.subjects) & set(subjects)]
        chosen = min(suited or teachers, key=lambda p: load[p.person_id])
        load[chosen.person_id] += 1
        posts.append((chosen.person_id, post))
    return posts


def central_posts(staff: Sequence[Staff]) -> list[tuple[str, str]]:
    return [
        (member.person.person_id, post)
        for member in staff
        for post in CENTRAL_POSTS_BY_JOB.get(member.person.job_title, ())
    ]
