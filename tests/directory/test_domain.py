"""The directory's rules, given/when/then."""

from __future__ import annotations

from dataclasses import asdict, replace

import pytest

from events import CommandRejected, Event
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


TRUST = [school_added(ASH), school_added(BEECH), *map(joined, (AMY, BEN, CAT, CEO))]


def when(command: object, *history: Event) -> list[tuple[str, str]]:
    """The events decided, by type and whose (person or school id)."""
    decided = decider.decide(command, decider.fold(history))
    return [(e.type, e.data.get("person_id") or e.data.get("school_id")) for e in decided]


def refused(command: object, *history: Event) -> tuple[str, int]:
    with pytest.raises(CommandRejected) as rejection:
        decider.decide(command, decider.fold(history))
    return rejection.value.rule, rejection.value.status


def test_a_school_is_added_once_and_its_urn_is_its_own():
    assert when(AddSchool(ASH)) == [("SchoolAdded", "ash")]
    assert refused(AddSchool(ASH), *TRUST) == ("school_exists", 409)
    assert refused(AddSchool(replace(BEECH, school_id="oak")), *TRUST)[0] == "urn_taken"
    assert refused(UpdateSchool(replace(ASH, school_id="oak")), *TRUST) == ("unknown_school", 404)
    assert when(UpdateSchool(ASH), *TRUST) == []
    assert when(UpdateSchool(replace(ASH, town="Sowerby")), *TRUST) == [("SchoolUpdated", "ash")]


def test_a_work_email_is_unique_whatever_its_case():
    twin = replace(AMY, person_id="amy2", email="amy.archer@ASH.sch.uk")
    assert refused(AddPerson(twin), *TRUST)[0] == "email_taken"
    assert refused(AddPerson(AMY), *TRUST)[0] == "person_exists"
    assert refused(AddPerson(replace(twin, email="x@y.uk", school_id="oak")), *TRUST) == (
        "unknown_school",
        422,
    )


def test_changing_an_email_frees_the_old_one():
    renamed = replace(AMY, email="amy.smith@ash.sch.uk")
    history = [*TRUST, Event("PersonUpdated", asdict(renamed) | {"subjects": []})]
    newcomer = replace(AMY, person_id="new", email="amy.archer@ash.sch.uk")
    assert when(AddPerson(newcomer), *history) == [("PersonJoined", "new")]


def test_an_update_is_decided_only_when_something_changed():
    assert when(UpdatePerson(AMY), *TRUST) == []
    assert when(UpdatePerson(replace(AMY, job_title="Deputy head")), *TRUST) == [
        ("PersonUpdated", "amy")
    ]
    assert refused(UpdatePerson(replace(AMY, person_id="nobody")), *TRUST)[0] == "unknown_person"


def test_someone_leaves_once_and_a_corrected_leaver_stays_left():
    assert when(MarkLeft("amy"), *TRUST) == [("PersonLeft", "amy")]
    assert refused(MarkLeft("amy"), *TRUST, left(AMY))[0] == "already_left"
    corrected = Event("PersonUpdated", asdict(replace(AMY, name="Amy A")) | {"subjects": []})
    assert not decider.fold([*TRUST, left(AMY), corrected]).active("amy")


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
    assert refused(command, *TRUST)[0] == rule


def test_roles_are_granted_once_revoked_and_never_to_a_leaver():
    granted = Event("RoleGranted", {"person_id": "amy", "role": "headteacher", "school_id": "ash"})
    assert when(GrantRole("amy", "headteacher", "ash"), *TRUST) == [("RoleGranted", "amy")]
    assert when(GrantRole("amy", "headteacher", "ash"), *TRUST, granted) == []
    assert when(RevokeRole("amy", "headteacher", "ash"), *TRUST, granted) == [
        ("RoleRevoked", "amy")
    ]
    assert refused(GrantRole("amy", "ceo"), *TRUST, left(AMY))[0] == "person_left"


def test_an_import_joins_updates_and_marks_the_missing_as_left():
    dan = Person("dan", "Dan Dale", "dan@ash.sch.uk", "ash", "teaching", "Class teacher")
    promoted = replace(AMY, category="leadership")
    assert when(ImportStaff([promoted, dan], frozenset({"ash"})), *TRUST) == [
        ("PersonUpdated", "amy"),
        ("PersonJoined", "dan"),
        ("PersonLeft", "ben"),  # Cat (another school) and the CEO (central) are untouched
    ]


def test_importing_the_same_staff_again_changes_nothing():
    assert when(ImportStaff([AMY, BEN], frozenset({"ash"})), *TRUST) == []


def test_a_leaver_in_a_new_file_rejoins_and_is_not_left_again():
    assert when(ImportStaff([AMY, BEN], frozenset({"ash"})), *TRUST, left(BEN)) == [
        ("PersonRejoined", "ben")
    ]
    assert when(ImportStaff([AMY], frozenset({"ash"})), *TRUST, left(BEN)) == []
    rejoined = Event("PersonRejoined", asdict(BEN) | {"subjects": []})
    assert decider.fold([*TRUST, left(BEN), rejoined]).active("ben")


def test_an_imported_persons_id_comes_from_their_email_in_any_case():
    assert person_id_for(" Amy.Archer@ash.sch.uk ") == person_id_for("amy.archer@ash.sch.uk")
    assert person_id_for("amy@ash.sch.uk") != person_id_for("ben@ash.sch.uk")


ASH_ONLY = frozenset({"ash"})


def test_a_schools_import_touches_only_people_who_are_of_that_school_now():
    ceo_at_ash = replace(CEO, school_id="ash", email="mine@ash.sch.uk")
    cat_at_ash = replace(CAT, school_id="ash")
    for scope in (ASH_ONLY, None):  # a trust admin's import moves nobody either
        assert refused(ImportStaff([AMY, BEN, ceo_at_ash], ASH_ONLY, scope), *TRUST)[1] == 409
        assert refused(ImportStaff([AMY, BEN, cat_at_ash], ASH_ONLY, scope), *TRUST)[1] == 409
        assert import_refusal(ceo_at_ash, decider.fold(TRUST), scope) == ANOTHER_SCHOOL
    assert refused(ImportStaff([CAT], frozenset({"beech"}), ASH_ONLY), *TRUST)[1] == 403


def test_a_leaver_of_another_school_is_not_reactivated_by_a_schools_import():
    cat_back_at_ash = replace(CAT, school_id="ash")
    assert refused(ImportStaff([AMY, BEN, cat_back_at_ash], ASH_ONLY, ASH_ONLY), *TRUST, left(CAT))
    assert when(ImportStaff([AMY, BEN], ASH_ONLY, ASH_ONLY), *TRUST, left(CAT)) == []


def test_a_schools_import_never_marks_someone_the_trust_keeps_as_left():
    amy_is_admin = Event("RoleGranted", {"person_id": "amy", "role": "ceo", "school_id": None})
    assert when(ImportStaff([BEN], ASH_ONLY, ASH_ONLY), *TRUST, amy_is_admin) == []
    assert when(ImportStaff([BEN], ASH_ONLY, None), *TRUST, amy_is_admin) == [("PersonLeft", "amy")]


def test_a_schools_keeper_edits_and_marks_left_only_their_school_and_never_moves_anyone():
    assert refused(UpdatePerson(replace(CAT, name="Cat C"), ASH_ONLY), *TRUST)[1] == 403
    assert refused(UpdatePerson(replace(CEO, email="mine@ash.sch.uk"), ASH_ONLY), *TRUST)[1] == 403
    assert refused(UpdatePerson(replace(AMY, school_id="beech"), ASH_ONLY), *TRUST) == (
        "move_is_trust_admins",
        403,
    )
    assert when(UpdatePerson(replace(AMY, school_id="beech")), *TRUST) == [("PersonUpdated", "amy")]
    assert refused(MarkLeft("cat", ASH_ONLY), *TRUST)[1] == 403
    assert (
        refused(AddPerson(replace(CAT, person_id="new", email="n@b.uk"), ASH_ONLY), *TRUST)[1]
        == 403
    )
    amy_is_ceo = Event("RoleGranted", {"person_id": "amy", "role": "ceo", "school_id": None})
    assert refused(
        UpdatePerson(replace(AMY, email="mine@ash.sch.uk"), ASH_ONLY), *TRUST, amy_is_ceo
    )
    assert refused(MarkLeft("amy", ASH_ONLY), *TRUST, amy_is_ceo) == ("trust_keeps_them", 403)


def test_a_work_email_is_unique_in_the_trust_on_update_and_import():
    taken = replace(AMY, email="CAT@beech.sch.uk")
    assert refused(UpdatePerson(taken), *TRUST)[0] == "email_taken"
    dan = Person("dan", "Dan Dale", "dan@ash.sch.uk", "ash", "teaching", "")
    assert (
        refused(ImportStaff([AMY, BEN, replace(dan, email="cat@beech.sch.uk")], ASH_ONLY), *TRUST)[
            0
        ]
        == "email_taken"
    )
    twice = [dan, replace(dan, person_id="dan2")]
    assert refused(ImportStaff([AMY, BEN, *twice], ASH_ONLY), *TRUST)[0] == "email_taken"


def test_a_headteacher_appoints_only_their_own_schools_people():
    assert refused(GrantRole("cat", "school_cpd_lead", "ash", ASH_ONLY), *TRUST)[1] == 403
    assert refused(GrantRole("cat", "session_leader", None, ASH_ONLY), *TRUST)[1] == 403
    assert refused(GrantRole("amy", "school_cpd_lead", "beech", ASH_ONLY), *TRUST)[1] == 403
    assert when(GrantRole("amy", "school_cpd_lead", "ash", ASH_ONLY), *TRUST) == [
        ("RoleGranted", "amy")
    ]
    assert when(GrantRole("amy", "session_leader", None, ASH_ONLY), *TRUST) == [
        ("RoleGranted", "amy")
    ]
    assert when(GrantRole("cat", "school_cpd_lead", "ash"), *TRUST) == [("RoleGranted", "cat")]


def linked(person_id: str, subject: str) -> Event:
    data = {"person_id": person_id, "issuer": "https://idp", "subject": subject}
    return Event("IdentityLinked", data)


def test_an_identity_is_one_persons_and_a_person_has_one_per_issuer():
    assert when(LinkIdentity("amy", "https://idp", "a-1"), *TRUST) == [("IdentityLinked", "amy")]
    assert when(LinkIdentity("amy", "https://idp", "a-1"), *TRUST, linked("amy", "a-1")) == []
    history = (*TRUST, linked("amy", "a-1"))
    assert refused(LinkIdentity("ben", "https://idp", "a-1"), *history)[0] == "identity_taken"
    assert refused(LinkIdentity("amy", "https://idp", "m-1"), *history)[0] == "already_linked"
    assert when(LinkIdentity("amy", "https://other", "a-9"), *history) == [
        ("IdentityLinked", "amy")
    ]
    assert refused(LinkIdentity("ben", "https://idp", "b-1"), *TRUST, left(BEN)) == (
        "unknown_person",
        404,
    )
