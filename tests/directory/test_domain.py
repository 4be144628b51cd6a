"""The directory's rules, given/when/then."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from events import Event
from events.testing import scenario
from services.directory.domain import (
    ANOTHER_SCHOOL,
    AddPerson,
    AddSchool,
    DirectoryDecider,
    GrantRole,
    ImportStaff,
    LinkIdentity,
    MarkLeft,
    Person,
    RevokeRole,
    School,
    UpdatePerson,
    UpdateSchool,
    import_refusal,
    person_id_for,
)

decider = DirectoryDecider()
ASH = School("ash", "Ash Grove Primary", "primary", "143201", "Halifax")
BEECH = School("beech", "Beech Hill Academy", "secondary", "143202", "Leeds")
AMY = Person("amy", "Amy Archer", "Amy.Archer@ash.sch.uk", "ash", "teaching", "Class teacher")
BEN = Person("ben", "Ben Brook", "ben@ash.sch.uk", "ash", "support", "Teaching assistant")
CAT = Person("cat", "Cat Cole", "cat@beech.sch.uk", "beech", "teaching", "Teacher of maths")
CEO = Person("ceo", "Helen Marsh", "helen@trust.org.uk", None, "central", "CEO")


def school_added(school: School) -> Event:
    return Event("SchoolAdded", asdict(school))


def joined(person: Person) -> Event:
    return Event("PersonJoined", {**asdict(person), "subjects": list(person.subjects)})


def left(person: Person) -> Event:
    return Event("PersonLeft", {"person_id": person.person_id})


def person(event_type: str, person_id: str) -> Event:
    """An event about `person_id`, whatever else it holds (for then_matching)."""
    return Event(event_type, {"person_id": person_id})


TRUST = [school_added(ASH), school_added(BEECH), *map(joined, (AMY, BEN, CAT, CEO))]
directory = scenario(decider)
trust = directory.given(*TRUST)


def test_a_school_is_added_once_and_its_urn_is_its_own():
    directory.when(AddSchool(ASH)).then_matching(Event("SchoolAdded", {"school_id": "ash"}))
    trust.when(AddSchool(ASH)).then_rejected("school_exists", 409)
    trust.when(AddSchool(replace(BEECH, school_id="oak"))).then_rejected("urn_taken")
    trust.when(UpdateSchool(replace(ASH, school_id="oak"))).then_rejected("unknown_school", 404)
    trust.when(UpdateSchool(ASH)).then()
    trust.when(UpdateSchool(replace(ASH, town="Sowerby"))).then_matching(
        Event("SchoolUpdated", {"school_id": "ash"})
    )


def test_a_work_email_is_unique_whatever_its_case():
    twin = replace(AMY, person_id="amy2", email="amy.archer@ASH.sch.uk")
    trust.when(AddPerson(twin)).then_rejected("email_taken")
    trust.when(AddPerson(AMY)).then_rejected("person_exists")
    elsewhere = replace(twin, email="x@y.uk", school_id="oak")
    trust.when(AddPerson(elsewhere)).then_rejected("unknown_school", 422)


def test_changing_an_email_frees_the_old_one():
    renamed = replace(AMY, email="amy.smith@ash.sch.uk")
    history = [*TRUST, Event("PersonUpdated", asdict(renamed) | {"subjects": []})]
    newcomer = replace(AMY, person_id="new", email="amy.archer@ash.sch.uk")
    directory.given(*history).when(AddPerson(newcomer)).then_matching(person("PersonJoined", "new"))


def test_an_update_is_decided_only_when_something_changed():
    trust.when(UpdatePerson(AMY)).then()
    trust.when(UpdatePerson(replace(AMY, job_title="Deputy head"))).then_matching(
        person("PersonUpdated", "amy")
    )
    trust.when(UpdatePerson(replace(AMY, person_id="nobody"))).then_rejected("unknown_person")


def test_someone_leaves_once_and_a_corrected_leaver_stays_left():
    trust.when(MarkLeft("amy")).then_matching(person("PersonLeft", "amy"))
    trust.given(left(AMY)).when(MarkLeft("amy")).then_rejected("already_left")
    corrected = Event("PersonUpdated", asdict(replace(AMY, name="Amy A")) | {"subjects": []})
    assert not trust.given(left(AMY), corrected).state().active("amy")


@pytest.mark.parametrize(
    ("command", "rule"),
    [
        (GrantRole("amy", "staff"), "role_is_implicit"),
        (GrantRole("amy", "wizard"), "unknown_role"),
        (GrantRole("amy", "headteacher"), "role_needs_school"),
        (GrantRole("amy", "cpd_manager", "ash"), "role_is_trust_wide"),
        (GrantRole("amy", "headteacher", "oak"), "unknown_school"),
        (GrantRole("nobody", "ceo"), "unknown_person"),
        (RevokeRole("amy", "network_lead"), "role_not_held"),
    ],
)
def test_a_role_keeps_to_its_rules(command, rule):
    trust.when(command).then_rejected(rule)


def test_roles_are_granted_once_revoked_and_never_to_a_leaver():
    granted = Event("RoleGranted", {"person_id": "amy", "role": "headteacher", "school_id": "ash"})
    trust.when(GrantRole("amy", "headteacher", "ash")).then_matching(person("RoleGranted", "amy"))
    trust.given(granted).when(GrantRole("amy", "headteacher", "ash")).then()
    trust.given(granted).when(RevokeRole("amy", "headteacher", "ash")).then_matching(
        person("RoleRevoked", "amy")
    )
    trust.given(left(AMY)).when(GrantRole("amy", "ceo")).then_rejected("person_left")


def test_an_import_joins_updates_and_marks_the_missing_as_left():
    dan = Person("dan", "Dan Dale", "dan@ash.sch.uk", "ash", "teaching", "Class teacher")
    promoted = replace(AMY, category="leadership")
    trust.when(ImportStaff([promoted, dan], frozenset({"ash"}))).then_matching(
        person("PersonUpdated", "amy"),
        person("PersonJoined", "dan"),
        person("PersonLeft", "ben"),  # Cat (another school) and the CEO (central) are untouched
    )


def test_importing_the_same_staff_again_changes_nothing():
    trust.when(ImportStaff([AMY, BEN], frozenset({"ash"}))).then()


def test_a_leaver_in_a_new_file_rejoins_and_is_not_left_again():
    ben_left = trust.given(left(BEN))
    ben_left.when(ImportStaff([AMY, BEN], frozenset({"ash"}))).then_matching(
        person("PersonRejoined", "ben")
    )
    ben_left.when(ImportStaff([AMY], frozenset({"ash"}))).then()
    rejoined = Event("PersonRejoined", asdict(BEN) | {"subjects": []})
    assert ben_left.given(rejoined).state().active("ben")


def test_an_imported_persons_id_comes_from_their_email_in_any_case():
    assert person_id_for(" Amy.Archer@ash.sch.uk ") == person_id_for("amy.archer@ash.sch.uk")
    assert person_id_for("amy@ash.sch.uk") != person_id_for("ben@ash.sch.uk")


ASH_ONLY = frozenset({"ash"})


def test_a_schools_import_touches_only_people_who_are_of_that_school_now():
    ceo_at_ash = replace(CEO, school_id="ash", email="mine@ash.sch.uk")
    cat_at_ash = replace(CAT, school_id="ash")
    for scope in (ASH_ONLY, None):  # a trust admin's import moves nobody either
        moving_the_ceo = ImportStaff([AMY, BEN, ceo_at_ash], ASH_ONLY, scope)
        trust.when(moving_the_ceo).then_rejected("not_your_school", 409)
        moving_cat = ImportStaff([AMY, BEN, cat_at_ash], ASH_ONLY, scope)
        trust.when(moving_cat).then_rejected("not_your_school", 409)
        assert import_refusal(ceo_at_ash, trust.state(), scope) == ANOTHER_SCHOOL
    another_schools = ImportStaff([CAT], frozenset({"beech"}), ASH_ONLY)
    trust.when(another_schools).then_rejected("not_your_school", 403)


def test_a_leaver_of_another_school_is_not_reactivated_by_a_schools_import():
    cat_back_at_ash = replace(CAT, school_id="ash")
    cat_left = trust.given(left(CAT))
    reactivating = ImportStaff([AMY, BEN, cat_back_at_ash], ASH_ONLY, ASH_ONLY)
    cat_left.when(reactivating).then_rejected("not_your_school", 409)
    cat_left.when(ImportStaff([AMY, BEN], ASH_ONLY, ASH_ONLY)).then()


def test_a_schools_import_never_marks_someone_the_trust_keeps_as_left():
    amy_is_admin = Event("RoleGranted", {"person_id": "amy", "role": "ceo", "school_id": None})
    kept = trust.given(amy_is_admin)
    kept.when(ImportStaff([BEN], ASH_ONLY, ASH_ONLY)).then()
    kept.when(ImportStaff([BEN], ASH_ONLY, None)).then_matching(person("PersonLeft", "amy"))


def test_a_schools_keeper_edits_and_marks_left_only_their_school_and_never_moves_anyone():
    keeper = ASH_ONLY
    trust.when(UpdatePerson(replace(CAT, name="Cat C"), keeper)).then_rejected(
        "not_your_school", 403
    )
    trust.when(UpdatePerson(replace(CEO, email="mine@ash.sch.uk"), keeper)).then_rejected(
        "not_your_school", 403
    )
    trust.when(UpdatePerson(replace(AMY, school_id="beech"), keeper)).then_rejected(
        "move_is_trust_admins", 403
    )
    trust.when(UpdatePerson(replace(AMY, school_id="beech"))).then_matching(
        person("PersonUpdated", "amy")
    )
    trust.when(MarkLeft("cat", keeper)).then_rejected("not_your_school", 403)
    newcomer = replace(CAT, person_id="new", email="n@b.uk")
    trust.when(AddPerson(newcomer, keeper)).then_rejected("not_your_school", 403)
    amy_is_ceo = trust.given(
        Event("RoleGranted", {"person_id": "amy", "role": "ceo", "school_id": None})
    )
    amy_is_ceo.when(UpdatePerson(replace(AMY, email="mine@ash.sch.uk"), keeper)).then_rejected(
        "trust_keeps_them", 403
    )
    amy_is_ceo.when(MarkLeft("amy", keeper)).then_rejected("trust_keeps_them", 403)


def test_a_work_email_is_unique_in_the_trust_on_update_and_import():
    taken = replace(AMY, email="CAT@beech.sch.uk")
    trust.when(UpdatePerson(taken)).then_rejected("email_taken")
    dan = Person("dan", "Dan Dale", "dan@ash.sch.uk", "ash", "teaching", "")
    cats_email = replace(dan, email="cat@beech.sch.uk")
    trust.when(ImportStaff([AMY, BEN, cats_email], ASH_ONLY)).then_rejected("email_taken")
    twice = [dan, replace(dan, person_id="dan2")]
    trust.when(ImportStaff([AMY, BEN, *twice], ASH_ONLY)).then_rejected("email_taken")


def test_a_headteacher_appoints_only_their_own_schools_people():
    head = ASH_ONLY
    trust.when(GrantRole("cat", "school_cpd_lead", "ash", head)).then_rejected(
        "not_your_school", 403
    )
    trust.when(GrantRole("cat", "session_leader", None, head)).then_rejected("not_your_school", 403)
    trust.when(GrantRole("amy", "school_cpd_lead", "beech", head)).then_rejected(
        "not_your_school", 403
    )
    trust.when(GrantRole("amy", "school_cpd_lead", "ash", head)).then_matching(
        person("RoleGranted", "amy")
    )
    trust.when(GrantRole("amy", "session_leader", None, head)).then_matching(
        person("RoleGranted", "amy")
    )
    trust.when(GrantRole("cat", "school_cpd_lead", "ash")).then_matching(
        person("RoleGranted", "cat")
    )


def linked(person_id: str, subject: str) -> Event:
    data = {"person_id": person_id, "issuer": "https://idp", "subject": subject}
    return Event("IdentityLinked", data)


def test_an_identity_is_one_persons_and_a_person_has_one_per_issuer():
    trust.when(LinkIdentity("amy", "https://idp", "a-1")).then_matching(
        person("IdentityLinked", "amy")
    )
    amy_linked = trust.given(linked("amy", "a-1"))
    amy_linked.when(LinkIdentity("amy", "https://idp", "a-1")).then()
    amy_linked.when(LinkIdentity("ben", "https://idp", "a-1")).then_rejected("identity_taken")
    amy_linked.when(LinkIdentity("amy", "https://idp", "m-1")).then_rejected("already_linked")
    amy_linked.when(LinkIdentity("amy", "https://other", "a-9")).then_matching(
        person("IdentityLinked", "amy")
    )
    trust.given(left(BEN)).when(LinkIdentity("ben", "https://idp", "b-1")).then_rejected(
        "unknown_person", 404
    )
