"""Which PD sessions suit a person: their communities (from what they teach or look after,
their job and their school's phase), and the audience and phase they belong to. The
programme shows these sessions first in each slot, marked "For you".

Only a guess from the directory's facts: it orders and marks, it never hides a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from readmodels.directory.profiles import Profile

SECONDARY = {
    "english": "secondary_english",
    "maths": "secondary_maths",
    "mathematics": "secondary_maths",
    "science": "secondary_science",
    "biology": "secondary_science",
    "chemistry": "secondary_science",
    "physics": "secondary_science",
    "history": "secondary_humanities",
    "geography": "secondary_humanities",
    "re": "secondary_humanities",
    "psychology": "secondary_humanities",
    "sociology": "secondary_humanities",
    "business": "secondary_humanities",
    "french": "secondary_languages",
    "spanish": "secondary_languages",
    "german": "secondary_languages",
    "art": "secondary_arts",
    "music": "secondary_arts",
    "drama": "secondary_arts",
    "technology": "secondary_arts",
}
"""A secondary subject to its community."""
PRIMARY_STAGES = {"ks1", "ks2", "primary"}
PRIMARY_COMMUNITIES = {"primary_english", "primary_maths"}
ANY_PHASE = {
    "eyfs": {"eyfs"},
    "pe": {"pe"},
    "send": {"send"},
    "pastoral": {"pastoral"},
    "attendance": {"pastoral"},
    "pshe": {"pastoral"},
    "finance": {"finance_hr"},
    "hr": {"finance_hr"},
    "it": {"it_site"},
    "site": {"it_site"},
    "secondary": set(SECONDARY.values()),
}
"""Subjects whose community does not depend on the phase taught."""
SCHOOL_PHASES = {
    "primary": {"primary"},
    "secondary": {"secondary"},
    "all_through": {"primary", "secondary"},
    "special": {"special"},
}
AUDIENCE_OF = {"teaching": "teaching", "leadership": "teaching", "support": "support"}
"""A directory category to the trust days' audience it belongs to (the central team: none)."""


@dataclass(frozen=True)
class Suits:
    communities: frozenset[str] = frozenset()
    audience: str = ""
    phases: frozenset[str] = frozenset()

    def session(self, session: Any) -> bool:
        """A session of one of my communities, for my audience and my phase."""
        audience, phase = session.audience, session.phase
        return (
            session.community in self.communities
            and (audience == "all" or not self.audience or audience == self.audience)
            and (phase == "all" or not self.phases or phase in self.phases)
        )


def suits(profile: Profile | None) -> Suits:
    if profile is None:
        return Suits()
    phases = SCHOOL_PHASES.get(profile.school_phase or "", set())
    communities = set().union(*(communities_of(s, phases) for s in profile.subjects))
    job = profile.job_title.lower()
    if profile.category == "leadership":
        communities.add("leadership")
    if "teaching assistant" in job:
        communities.add("teaching_assistants")
    if "early career" in job or job.split()[:1] == ["ect"]:
        communities.add("early_career")
    return Suits(frozenset(communities), AUDIENCE_OF.get(profile.category, ""), frozenset(phases))


def communities_of(subject: str, phases: set[str]) -> set[str]:
    """One subject (or stage taught) to its communities, in the school's phases."""
    word = subject.strip().lower()
    if word in ANY_PHASE:
        return set(ANY_PHASE[word])
    if word in PRIMARY_STAGES:
        return set(PRIMARY_COMMUNITIES)
    found = set()
    if word in ("english", "maths", "mathematics") and (not phases or "primary" in phases):
        found.add(f"primary_{'maths' if word.startswith('math') else 'english'}")
    if word in SECONDARY and (not phases or "secondary" in phases):
        found.add(SECONDARY[word])
    return found
