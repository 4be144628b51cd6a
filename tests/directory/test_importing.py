"""Checking a school MIS staff export before anything is imported."""

from __future__ import annotations

from dataclasses import asdict

from events import Event
from services.directory.domain import DirectoryDecider, School, person_id_for
from services.directory.importing import check_file

ASH = School("ash", "Ash Grove Primary", "primary", "143201", "Halifax")
BEECH = School("beech", "Beech Hill Academy", "secondary", "143202", "Leeds")
TRUST = DirectoryDecider().fold([Event("SchoolAdded", asdict(s)) for s in (ASH, BEECH)])
HEADER = "Legal Forename,Legal Surname,Work Email,School URN,Staff Type,Post,Subjects"


def check(*rows: str, header: str = HEADER, directory=TRUST, may_import=None):
    return check_file("\n".join([header, *rows]), directory, may_import)


def test_a_clean_file_is_all_good_rows_for_the_schools_it_names():
    checked = check(
        "Amy,Archer,amy@ash.sch.uk,143201,teaching,Class teacher,KS1; EYFS",
        "Cat,Cole,cat@beech.sch.uk,beech hill academy,Support,Teaching assistant,",
    )
    assert checked.bad == [] and checked.problem is None
    amy, cat = checked.good
    assert (amy.name, amy.school_id, amy.subjects) == ("Amy Archer", "ash", ("KS1", "EYFS"))
    assert (cat.school_id, cat.category) == ("beech", "support")  # by name, any case
    assert amy.person_id == person_id_for("amy@ash.sch.uk")
    assert checked.schools == {"ash", "beech"}


def test_every_bad_row_is_listed_with_its_line_and_reasons():
    checked = check(
        "Amy,Archer,amy@ash.sch.uk,143201,teaching,,",
        ",,,143201,teaching,,",
        "Bob,Bell,not-an-email,143201,teaching,,",
        "Cat,Cole,cat@ash.sch.uk,999999,teaching,,",
        "Dan,Dale,dan@ash.sch.uk,,teaching,,",
        "Eve,East,eve@ash.sch.uk,143201,wizard,,",
        "Amy,Again,AMY@ash.sch.uk,143201,teaching,,",
    )
    assert [(b.line, b.reasons) for b in checked.bad] == [
        (3, ["missing name", "missing email", ]),
        (4, ["invalid email"]),
        (5, ["unknown school '999999'"]),
        (6, ["missing school"]),
        (7, ["unknown category 'wizard' (use teaching, support, leadership, central)"]),
        (8, ["duplicate email (also on line 2)"]),
    ]  # fmt: skip
    assert [p.email for p in checked.good] == ["amy@ash.sch.uk"]


def test_a_school_leader_may_import_their_own_school_only():
    checked = check(
        "Amy,Archer,amy@ash.sch.uk,143201,teaching,,",
        "Cat,Cole,cat@beech.sch.uk,143202,teaching,,",
        may_import=frozenset({"ash"}),
    )
    assert [(b.line, b.reasons) for b in checked.bad] == [(3, ["not your school"])]


def test_usual_header_spellings_a_bom_and_blank_lines_are_fine():
    text = "\ufeffFull Name,Email Address,Establishment\n\nAmy Archer,amy@ash.sch.uk,143201\n"
    checked = check_file(text, TRUST, None)
    assert [(p.name, p.category) for p in checked.good] == [("Amy Archer", "teaching")]


def test_a_file_that_cannot_be_a_staff_list_says_why():
    assert check_file("", TRUST, None).problem == "The file is empty."
    assert check(header="Surname,Email").problem == (
        "The file has no column for: school, name (or first name and last name)."
    )


def test_someone_already_in_the_directory_keeps_their_id_and_email():
    joined = Event(
        "PersonJoined",
        {
            "person_id": "amy-1",
            "name": "Amy Archer",
            "email": "Amy.Archer@ash.sch.uk",
            "school_id": "ash",
            "category": "teaching",
            "job_title": "",
            "subjects": [],
        },
    )
    directory = DirectoryDecider().fold([joined], TRUST)
    (amy,) = check("Amy,Archer,AMY.ARCHER@ASH.SCH.UK,143201,teaching,,", directory=directory).good
    assert (amy.person_id, amy.email) == ("amy-1", "Amy.Archer@ash.sch.uk")
