"""Which sessions suit a person, from what the directory knows of them: the programme shows
these first in each slot, marked "For you"."""

from __future__ import annotations

from types import SimpleNamespace

from frontend.for_me import Suits, suits
from readmodels.directory.profiles import Profile


def session(community: str, audience: str = "all", phase: str = "all") -> SimpleNamespace:
    return SimpleNamespace(community=community, audience=audience, phase=phase)


def person(category="teaching", job="Class teacher", subjects=(), phase="primary") -> Suits:
    return suits(Profile(category, job, tuple(subjects), phase))


def test_a_primary_class_teacher_is_suited_by_primary_english_and_maths():
    teacher = person(subjects=("KS2",))
    assert teacher.session(session("primary_maths"))
    assert teacher.session(session("primary_english", audience="teaching", phase="primary"))
    assert not teacher.session(session("secondary_maths"))
    assert not teacher.session(session("primary_maths", audience="support"))
    assert not teacher.session(session("primary_maths", phase="secondary"))


def test_a_secondary_subject_suits_its_community_in_a_secondary_school_only():
    physicist = person(job="Teacher of Physics", subjects=("Physics",), phase="secondary")
    assert physicist.session(session("secondary_science"))
    assert not physicist.session(session("primary_maths"))
    english = person(job="Teacher of English", subjects=("English",), phase="secondary")
    assert english.session(session("secondary_english"))
    assert not english.session(session("primary_english"))
    all_through = person(subjects=("Maths",), phase="all_through")
    assert all_through.session(session("primary_maths"))
    assert all_through.session(session("secondary_maths"))


def test_support_staff_leaders_and_the_central_team():
    assistant = person("support", "SEND teaching assistant", ("SEND",))
    assert assistant.session(session("send", audience="support"))
    assert assistant.session(session("teaching_assistants"))
    assert not assistant.session(session("send", audience="teaching"))
    officer = person("support", "Pastoral support officer", ("Pastoral",), "secondary")
    assert officer.session(session("pastoral"))
    head = person("leadership", "Headteacher")
    assert head.session(session("leadership", audience="teaching"))
    lead = person("central", "Trust maths lead", ("Maths",), None)
    assert lead.session(session("primary_maths", audience="teaching", phase="primary"))
    assert lead.session(session("secondary_maths", phase="secondary"))


def test_nobody_known_is_suited_by_nothing_and_whole_staff_sessions_are_not_singled_out():
    assert not suits(None).session(session("primary_maths"))
    assert not person(subjects=("KS1",)).session(session("whole_staff"))
    assert not person(subjects=("Underwater basket weaving",)).communities
