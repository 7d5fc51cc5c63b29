"""Reading a patient spreadsheet: no database."""

from hypothesis import given
from hypothesis import strategies as st

from osteorehab.api.domain import COLUMNS, Problem, Row, decode, read_sheet, repeated

HEADER = "family_name,given_name,date_of_birth,sex,referred_on,record_number"


def test_rows_are_numbered_as_a_spreadsheet_shows_them_and_blank_rows_are_skipped():
    text = (
        f"{HEADER}\r\nLi,Wei,1950-03-14,Female,2026-11-02,A1\r\n,,,,,\r\n"
        "Wang,Fang,1948-01-02,F,2026-11-03,\r\n"
    )
    sheet = read_sheet(text, max_rows=10)
    assert sheet.problems == ()
    assert [row.number for row in sheet.rows] == [2, 4]
    assert sheet.rows[0].values["family_name"] == "Li"
    assert sheet.rows[0].values["sex"] == "female"  # codes compared without case
    assert sheet.rows[1].values["record_number"] == ""


def test_the_header_is_read_without_case_or_spaces_in_any_order():
    sheet = read_sheet(
        " Sex ,FAMILY_NAME,given_name,referred_on,date_of_birth\nmale,Li,Lei,2026-01-05,1944-05-06",
        max_rows=10,
    )
    assert sheet.problems == ()
    assert sheet.rows[0].values == {
        "sex": "male",
        "family_name": "Li",
        "given_name": "Lei",
        "referred_on": "2026-01-05",
        "date_of_birth": "1944-05-06",
    }


def test_a_wrong_header_names_each_column_and_gives_no_rows():
    sheet = read_sheet(
        "family_name,given_name,dob,sex,sex\nLi,Wei,1950-03-14,female,female", max_rows=10
    )
    assert sheet.rows == ()
    assert list(sheet.problems) == [
        Problem(1, "dob", "unknown_column"),
        Problem(1, "sex", "repeated_column"),
        Problem(1, "date_of_birth", "missing_column"),
        Problem(1, "referred_on", "missing_column"),
    ]


def test_a_row_longer_than_the_header_is_a_problem_of_that_row_only():
    text = (
        f"{HEADER}\nLi,Wei,1950-03-14,female,2026-11-02,A1,extra\n"
        "Wang,Fang,1948-01-02,female,2026-11-03,A2,"
    )
    sheet = read_sheet(text, max_rows=10)
    assert sheet.problems == (Problem(2, "", "too_many_cells", {"columns": 6}),)
    assert [row.number for row in sheet.rows] == [3]  # a trailing empty cell is no problem


def test_files_without_patients_or_with_too_many_are_refused_whole():
    assert read_sheet("", max_rows=10).problems == (Problem(None, "", "no_header"),)
    assert read_sheet(f"{HEADER}\n,,\n", max_rows=10).problems == (Problem(None, "", "no_rows"),)
    many = HEADER + "\nLi,Wei,1950-03-14,female,2026-11-02," * 3
    assert read_sheet(many, max_rows=2).problems == (
        Problem(None, "", "too_many_rows", {"max": 2}),
    )
    unclosed = f'{HEADER}\nLi,"Wei,1950-03-14,female,2026-11-02,\nWang,Fang'
    assert read_sheet(unclosed, max_rows=2).problems[0].code == "not_csv"


def test_a_person_repeated_in_the_file_is_found_by_record_number_or_by_name_and_birth():
    rows = [
        Row(
            2,
            {
                "family_name": "Li",
                "given_name": "Wei",
                "date_of_birth": "1950-03-14",
                "record_number": "A1",
            },
        ),
        Row(
            3,
            {
                "family_name": "Wang",
                "given_name": "Fang",
                "date_of_birth": "1948-01-02",
                "record_number": "A1",
            },
        ),
        Row(
            4,
            {
                "family_name": " li ",
                "given_name": "WEI",
                "date_of_birth": "1950-03-14",
                "record_number": "",
            },
        ),
        Row(
            5,
            {
                "family_name": "Li",
                "given_name": "Wei",
                "date_of_birth": "not a date",
                "record_number": "",
            },
        ),
    ]
    assert repeated(rows) == [
        Problem(3, "record_number", "same_number", {"row": 2}),
        Problem(4, "", "same_person", {"row": 2}),
    ]


def test_text_saved_as_utf8_with_a_byte_order_mark_or_as_gb18030_is_read():
    assert decode("\ufeff姓,名".encode()) == "姓,名"
    assert decode("李,伟".encode("gb18030")) == "李,伟"
    assert decode(b"\xff\xfe\x00\xd8") is None


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_problems_never_an_error(text):
    sheet = read_sheet(text, max_rows=50)
    assert sheet.rows or sheet.problems
    assert all(set(row.values) <= set(COLUMNS) for row in sheet.rows)
