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


def test_a_row_naming_someone_of_another_school_or_the_central_team_is_a_bad_row():
    people = [
        ("ceo-1", "Helen Marsh", "helen@trust.org.uk", None),
        ("cat-1", "Cat Cole", "cat@beech.sch.uk", "beech"),
    ]
    joined = [
        Event(
            "PersonJoined",
            {"person_id": pid, "name": name, "email": email, "school_id": school,
             "category": "teaching", "job_title": "", "subjects": []},
        )
        for pid, name, email, school in people
    ]  # fmt: skip
    directory = DirectoryDecider().fold(joined, TRUST)
    for may_import in (frozenset({"ash"}), None):
        checked = check(
            "Amy,Archer,amy@ash.sch.uk,143201,teaching,,",
            "Helen,Marsh,HELEN@trust.org.uk,143201,central,,",
            "Cat,Cole,cat@beech.sch.uk,143201,teaching,,",
            directory=directory,
            may_import=may_import,
        )
        assert [(b.line, b.reasons) for b in checked.bad] == [
            (3, ["belongs to another school: ask a trust admin to move them"]),
            (4, ["belongs to another school: ask a trust admin to move them"]),
        ]
        assert [p.email for p in checked.good] == ["amy@ash.sch.uk"]


def test_the_check_agrees_with_the_event_schema_and_names_each_line():
    checked = check(
        "Amy,Archer,amy@ash..sch.uk,143201,teaching,,",
        "Bob,Bell,bob(x)@ash.sch.uk,143201,teaching,,",
        f"Cy,{'C' * 200},cy@ash.sch.uk,143201,teaching,,",
        "Di\x00,Dee,di@ash.sch.uk,143201,teaching,,",
        "Ed,East,ed@ash.sch.uk,143201,teaching,Head\x07teacher,",
        "Flo,Fry,flo@ash.sch.uk,143201,teaching,,ok",
    )
    assert [(b.line, b.reasons) for b in checked.bad] == [
        (2, ["invalid email"]),
        (3, ["invalid email"]),
        (4, ["invalid name"]),
        (5, ["invalid name"]),
        (6, ["invalid job title"]),
    ]
    assert [p.email for p in checked.good] == ["flo@ash.sch.uk"]


def test_a_cell_too_long_for_csv_is_a_problem_naming_its_line():
    checked = check(
        "Amy,Archer,amy@ash.sch.uk,143201,teaching,,", f"Bo,{'x' * 200_000},b@a.uk,1,,,"
    )
    assert checked.problem is not None and checked.problem.startswith("Line 3 cannot be read")
    assert checked.good == []


def test_a_new_email_once_held_by_someone_else_makes_a_new_person():
    old_id = person_id_for("amy@ash.sch.uk")
    renamed = Event(
        "PersonJoined",
        {"person_id": old_id, "name": "Amy Smith", "email": "amy.smith@ash.sch.uk",
         "school_id": "ash", "category": "teaching", "job_title": "", "subjects": []},
    )  # fmt: skip
    directory = DirectoryDecider().fold([renamed], TRUST)
    (newcomer,) = check("Amy,Archer,amy@ash.sch.uk,143201,teaching,,", directory=directory).good
    assert newcomer.person_id != old_id
