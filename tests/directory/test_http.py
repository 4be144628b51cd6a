"""The directory's commands through real HTTP: imports from a school's MIS, rules, retries."""

from __future__ import annotations

import pytest

from events.envelope import RecordedEvent
from events.identity import SIGN_IN_HEADER, SignInProof
from services.directory.events import TRUST_SUBJECT
from services.directory.importing import MAX_ROWS, TOO_MANY
from tests.support.directory import (
    add_person,
    add_school,
    as_admin,
    directory_service,
    log_length,
    person,
    school,
)
from tests.support.identity import SECRET_KEY, signed, someone

URN = "143201"


@pytest.fixture
def trust(nats, nats_server):
    with directory_service(nats, nats_server) as (client, store):
        client.school_id = add_school(client, name="Ash Grove Primary", urn=URN)
        client.store = store
        yield client


def csv_file(*rows: str) -> bytes:
    return "\n".join(
        ["Legal Forename,Legal Surname,Work Email,School URN,Staff Type", *rows]
    ).encode()


def upload(client, content: bytes, mode: str, headers=None):
    return client.post(
        "/imports",
        data={"mode": mode},
        files={"file": ("staff.csv", content, "text/csv")},
        headers=headers or as_admin(),
    )


def events_of(nats, client) -> list[RecordedEvent]:
    store = client.store
    events, _ = nats.run(store.load(store.subject(*TRUST_SUBJECT)))
    return events


def people(client) -> dict[str, dict]:
    listed = client.get("/people", headers=as_admin()).json()
    return {p["email"]: p for p in listed}


STAFF = (
    f"Amy,Archer,amy.archer@ash.sch.uk,{URN},teaching",
    f"Ben,Brook,ben.brook@ash.sch.uk,{URN},support",
)


def test_a_file_with_bad_rows_is_reported_whole_and_nothing_is_imported(nats, trust):
    before = log_length(nats, trust.store)
    content = csv_file(
        *STAFF,
        f"Cat,Cole,,{URN},teaching",
        "Dan,Dale,dan.dale@ash.sch.uk,999999,teaching",
        f"Amy,Again,AMY.ARCHER@ash.sch.uk,{URN},teaching",
    )
    answer = upload(trust, content, "all")
    assert answer.status_code == 422
    report = answer.json()
    assert report["error"] == "file_has_bad_rows" and report["good_rows"] == 2
    assert report["bad_rows"] == [
        {"line": 4, "email": "", "reasons": ["missing email"]},
        {"line": 5, "email": "dan.dale@ash.sch.uk", "reasons": ["unknown school '999999'"]},
        {
            "line": 6,
            "email": "AMY.ARCHER@ash.sch.uk",
            "reasons": ["duplicate email (also on line 2)"],
        },
    ]
    assert log_length(nats, trust.store) == before
    assert upload(trust, content, "check").json()["imported"] is False
    assert log_length(nats, trust.store) == before


def test_a_file_of_too_many_people_is_413_before_a_row_is_checked(nats, trust):
    before = log_length(nats, trust.store)
    rows = [f"P{n},Q,p{n}@ash.sch.uk,{URN},teaching" for n in range(MAX_ROWS + 1)]
    for mode in ("check", "all"):
        answer = upload(trust, csv_file(*rows), mode)
        assert answer.status_code == 413
        assert answer.json() == {"error": "file_too_large", "message": TOO_MANY}
    assert upload(trust, csv_file(*rows[:MAX_ROWS]), "check").status_code == 200
    assert log_length(nats, trust.store) == before


def test_the_good_rows_only_when_asked(nats, trust):
    answer = upload(trust, csv_file(*STAFF, f"Cat,Cole,,{URN},teaching"), "good_rows")
    assert answer.status_code == 200 and answer.json()["imported"] is True
    assert answer.json()["events"] == ["PersonJoined", "PersonJoined"]
    assert set(people(trust)) == {"amy.archer@ash.sch.uk", "ben.brook@ash.sch.uk"}


def test_importing_again_changes_nothing_a_changed_row_updates_and_a_missing_one_has_left(
    nats, trust
):
    assert upload(trust, csv_file(*STAFF), "all").status_code == 200
    again = upload(trust, csv_file(*STAFF), "all")
    assert again.status_code == 200 and again.json()["events"] == []

    moved_on = csv_file(f"Amy,Archer-Smith,amy.archer@ash.sch.uk,{URN},leadership")
    changed = upload(trust, moved_on, "all").json()
    assert changed["events"] == ["PersonUpdated", "PersonLeft"]
    staff = people(trust)
    assert staff["amy.archer@ash.sch.uk"]["name"] == "Amy Archer-Smith"
    assert staff["ben.brook@ash.sch.uk"]["status"] == "left"  # kept, with their CPD record


def test_a_school_leader_imports_their_own_school_only(nats, trust):
    add_school(trust, name="Beech Hill", urn="143202")
    head = signed(someone(("headteacher", trust.school_id)))
    content = csv_file(STAFF[0], "Eve,East,eve.east@beech.sch.uk,143202,teaching")
    report = upload(trust, content, "check", headers=head).json()
    assert report["bad_rows"] == [
        {"line": 3, "email": "eve.east@beech.sch.uk", "reasons": ["not your school"]}
    ]


def test_a_file_that_is_not_a_staff_list_says_why(nats, trust):
    before = log_length(nats, trust.store)
    not_utf8 = upload(trust, "Name,Email,School\nZoë,z@x.sch.uk,1\n".encode("utf-16"), "all")
    assert not_utf8.status_code == 422 and "UTF-8" in not_utf8.json()["message"]
    no_email = upload(trust, b"Name,School\nAmy,143201\n", "all")
    assert no_email.status_code == 422 and no_email.json()["message"] == (
        "The file has no column for: email."
    )
    assert upload(trust, b"", "all").json()["message"] == "The file is empty."
    bad_mode = upload(trust, csv_file(*STAFF), "everything")
    assert bad_mode.status_code == 422 and "mode" in bad_mode.json()["fields"]
    assert log_length(nats, trust.store) == before


def test_a_work_email_is_unique_whatever_its_case(nats, trust):
    add_person(trust, trust.school_id, email="Amy.Archer@ash.sch.uk")
    before = log_length(nats, trust.store)
    twin = person(trust.school_id, email="amy.archer@ASH.sch.uk")
    answer = trust.post("/people", json=twin, headers=as_admin())
    assert answer.status_code == 409 and answer.json()["error"] == "email_taken"
    assert log_length(nats, trust.store) == before


def test_bad_fields_are_named_and_change_nothing(nats, trust):
    before = log_length(nats, trust.store)
    bad = person(trust.school_id, email="not-an-email", category="wizard")
    answer = trust.post("/people", json=bad, headers=as_admin())
    assert answer.status_code == 422
    assert set(answer.json()["fields"]) == {"email", "category"}
    unknown_school = trust.post("/people", json=person("nowhere"), headers=as_admin())
    assert unknown_school.status_code == 422 and unknown_school.json()["error"] == "unknown_school"
    assert log_length(nats, trust.store) == before


def test_a_role_rule_is_named(trust):
    person_id = add_person(trust, trust.school_id)
    grant = trust.post(
        f"/people/{person_id}/roles", json={"role": "headteacher"}, headers=as_admin()
    )
    assert grant.status_code == 422 and grant.json()["error"] == "role_needs_school"
    revoke = trust.delete(f"/people/{person_id}/roles/network_lead", headers=as_admin())
    assert revoke.status_code == 409 and revoke.json()["error"] == "role_not_held"
    missing = trust.post("/people/nobody/roles", json={"role": "ceo"}, headers=as_admin())
    assert missing.status_code == 404


def test_a_retried_command_with_the_same_key_is_done_once(nats, trust):
    headers = {**as_admin(), "Idempotency-Key": "new-starter-amy"}
    first = trust.post("/people", json=person(trust.school_id), headers=headers)
    again = trust.post("/people", json=person(trust.school_id), headers=headers)
    assert first.status_code == 201 and again.status_code == 201
    assert again.json()["seq"] == first.json()["seq"] and again.json()["events"] == []
    assert [e.type for e in events_of(nats, trust)].count("PersonJoined") == 1


def test_me_is_my_own_record_with_my_roles(trust):
    person_id = add_person(trust, trust.school_id, name="Amy Archer")
    trust.post(f"/people/{person_id}/roles", json={"role": "session_leader"}, headers=as_admin())
    mine = trust.get("/me", headers=signed(someone(person_id=person_id))).json()
    assert mine["name"] == "Amy Archer" and mine["status"] == "active"
    assert mine["roles"] == [{"role": "session_leader", "school_id": None}]
    assert trust.get("/me", headers=signed(someone(person_id="stranger"))).status_code == 404


def test_a_headteacher_cannot_take_over_the_ceo_through_the_import(nats, trust):
    ceo = add_person(trust, None, email="ceo@trust.org.uk", name="Helen Marsh")
    leaver = add_person(trust, None, email="gone@trust.org.uk")
    assert trust.post(f"/people/{leaver}/leave", headers=as_admin()).status_code == 200
    head = signed(someone(("headteacher", trust.school_id)))
    before = log_length(nats, trust.store)
    content = csv_file(
        STAFF[0],
        f"Helen,Marsh,CEO@trust.org.uk,{URN},teaching",
        f"Gus,Gone,gone@trust.org.uk,{URN},teaching",
    )
    answer = upload(trust, content, "all", headers=head)
    assert answer.status_code == 422
    reason = "belongs to another school: ask a trust admin to move them"
    assert [(b["line"], b["reasons"]) for b in answer.json()["bad_rows"]] == [
        (3, [reason]),
        (4, [reason]),
    ]
    assert log_length(nats, trust.store) == before
    good_rows = upload(trust, content, "good_rows", headers=head).json()
    assert good_rows["events"] == ["PersonJoined"]
    staff = people(trust)
    assert staff["ceo@trust.org.uk"]["school_id"] is None
    assert staff["gone@trust.org.uk"]["status"] == "left"
    mine = person(trust.school_id, email="mine@ash.sch.uk")
    assert trust.put(f"/people/{ceo}", json=mine, headers=head).status_code == 403
    assert trust.post(f"/people/{ceo}/leave", headers=head).status_code == 403
    assert people(trust)["ceo@trust.org.uk"]["status"] == "active"


def test_moving_someone_to_another_school_is_a_trust_admins_act(nats, trust):
    other = add_school(trust, name="Beech Hill", urn="143202")
    amy = add_person(trust, trust.school_id, email="amy@ash.sch.uk")
    head_of_both = signed(someone(("headteacher", trust.school_id), ("headteacher", other)))
    moved = person(other, email="amy@ash.sch.uk")
    assert trust.put(f"/people/{amy}", json=moved, headers=head_of_both).status_code == 403
    assert trust.put(f"/people/{amy}", json=moved, headers=as_admin()).status_code == 200
    assert people(trust)["amy@ash.sch.uk"]["school_id"] == other


def test_a_huge_csv_cell_is_a_422_naming_its_line(nats, trust):
    content = csv_file(STAFF[0], f"Bo,{'x' * 200_000},bo@ash.sch.uk,{URN},teaching")
    answer = upload(trust, content, "check")
    assert answer.status_code == 422 and answer.json()["error"] == "unreadable_file"
    assert answer.json()["message"].startswith("Line 3 cannot be read as CSV")


def test_nul_or_a_control_character_in_a_name_is_422_naming_it(nats, trust):
    before = log_length(nats, trust.store)
    for name in ("Pat\x00Person", "Pat\x1bPerson"):
        answer = trust.post("/people", json=person(trust.school_id, name=name), headers=as_admin())
        assert answer.status_code == 422
        assert list(answer.json()["fields"]) == ["name"]
    subjects = person(trust.school_id, subjects=["Maths", "Art\x00"])
    answer = trust.post("/people", json=subjects, headers=as_admin())
    assert answer.status_code == 422
    assert list(answer.json()["fields"]["subjects"]) == ["1"]  # the second subject
    assert log_length(nats, trust.store) == before


def test_a_message_that_is_not_an_envelope_never_stops_the_directory(nats, trust):
    """Raw bytes on the directory's subject (anything that can publish could send them)."""
    store = trust.store
    for garbage in (b"not json", b'[{"type": "RoleGranted", "version": 99}]'):
        nats.run(store.js.publish(store.subject(*TRUST_SUBJECT), garbage))
    assert trust.get("/people", headers=as_admin()).status_code == 200
    assert add_person(trust, trust.school_id, name="Still Welcome")
    assert "Still Welcome" in [p["name"] for p in people(trust).values()]


def test_a_row_the_event_schema_refuses_is_a_bad_row_on_its_line(nats, trust):
    before = log_length(nats, trust.store)
    content = csv_file(
        STAFF[0],
        f"Bob,Bell,bob@ash..sch.uk,{URN},teaching",
        f"Di\x00,Dee,di@ash.sch.uk,{URN},teaching",
    )
    answer = upload(trust, content, "all")
    assert answer.status_code == 422 and answer.json()["error"] == "file_has_bad_rows"
    assert [(b["line"], b["reasons"]) for b in answer.json()["bad_rows"]] == [
        (3, ["invalid email"]),
        (4, ["invalid name"]),
    ]
    assert log_length(nats, trust.store) == before
    good_rows = upload(trust, content, "good_rows")
    assert good_rows.status_code == 200 and good_rows.json()["events"] == ["PersonJoined"]


def test_an_identity_is_linked_only_with_the_gateways_sign_in_proof(nats, trust):
    amy = add_person(trust, trust.school_id)
    ben = add_person(trust, trust.school_id)
    link = {"issuer": "https://idp", "subject": "entra-amy"}
    proof = SignInProof(SECRET_KEY)

    def as_(person_id: str, token: str | None) -> int:
        headers = {**signed(someone(person_id=person_id)), SIGN_IN_HEADER: token or ""}
        return trust.post("/me/identity", json=link, headers=headers).status_code

    assert as_(amy, None) == 403
    assert as_(ben, proof.sign(amy, "https://idp", "entra-amy")) == 403  # Amy's proof
    assert as_(amy, proof.sign(amy, "https://idp", "entra-other")) == 403  # another identity
    assert as_(amy, SignInProof("not our key").sign(amy, "https://idp", "entra-amy")) == 403
    assert as_(amy, proof.sign(amy, "https://idp", "entra-amy")) == 200
    assert as_(ben, proof.sign(ben, "https://idp", "entra-amy")) == 409  # Amy's for good
    linked = [e.data for e in events_of(nats, trust) if e.type == "IdentityLinked"]
    assert linked == [{"person_id": amy, **link}]


def test_text_longer_than_the_read_models_keep_is_a_422_naming_its_field(nats, trust):
    """A URN a character longer than its column (6: a line break after it was let through),
    and an email of 320 characters that is longer lowercased (the read model keeps that too,
    in 320): PostgreSQL would refuse the event, which the log keeps for good, and the
    projection would stop there. An imported row is checked the same."""
    before = log_length(nats, trust.store)
    urn = trust.post("/schools", json=school(urn="143299\n"), headers=as_admin())
    assert urn.status_code == 422 and list(urn.json()["fields"]) == ["urn"]
    email = "İ" * 60 + "@" + ("a" * 60 + ".") * 4 + "b" * 12 + ".uk"
    assert len(email) == 320 and len(email.lower()) == 380
    answer = trust.post("/people", json=person(trust.school_id, email=email), headers=as_admin())
    assert answer.status_code == 422 and list(answer.json()["fields"]) == ["email"]
    report = upload(trust, csv_file(f"Ida,Ince,{email},{URN},teaching"), "check").json()
    assert [(b["line"], b["reasons"]) for b in report["bad_rows"]] == [(2, ["invalid email"])]
    assert log_length(nats, trust.store) == before
