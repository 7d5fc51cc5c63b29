"""`osteorehab score`: the same results as the engine, JSON in and out, CSV data sets."""

import csv
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osteorehab.assessments.instruments import EXAMPLES, INSTRUMENTS
from osteorehab.assessments.instruments.base import InputError, Result, parse_cell
from osteorehab.cli import flat, main, outcome, quoted


def run(*args: str, stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    status = main(list(args), stdin=io.StringIO(stdin), stdout=out)
    return status, out.getvalue()


def test_one_answer_set_from_stdin_prints_the_result_as_json():
    status, out = run("score", "phq9", "-", stdin='{"items": [2, 2, 2, 2, 2, 1, 1, 1, 1]}')
    result = json.loads(out)
    assert status == 0
    assert (result["instrument"], result["valid"], result["total"]) == ("phq9", True, 14)
    assert (result["band"], result["flags"]) == ("moderate", ["item9_positive"])


def test_an_answer_file_is_read(tmp_path: Path):
    answers = tmp_path / "answers.json"
    answers.write_text('{"items": [0, 0, 0, 0, 0, 0, 0, 0, 0]}')
    status, out = run("score", "phq9", str(answers))
    assert (status, json.loads(out)["band"]) == (0, "minimal")


def test_bad_input_exits_2_naming_the_field(capsys):
    status, out = run("score", "phq9", stdin='{"items": [0, 0, 0, 0, 0, 0, 0, 0, 7]}')
    assert (status, out) == (2, "")
    assert "q9: 7 is not an answer to q9" in capsys.readouterr().err
    assert run("score", "nope", stdin="{}")[0] == 2
    assert "unknown instrument 'nope'" in capsys.readouterr().err
    assert run("score", "phq9", stdin="[1, 2")[0] == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_a_csv_data_set_is_scored_row_by_row_and_no_row_is_dropped(tmp_path: Path, capsys):
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    header = ["id"] + [f"q{n}" for n in range(1, 10)]
    rows = [
        ["a1", 2, 2, 2, 2, 2, 1, 1, 1, 1],
        ["a2", 0, 0, "", 0, 0, 0, 0, 0, 0],
        ["a3", 0, 0, 0, 0, 0, 0, 0, 0, 9],
        ["a4", "", "", "", 1, 1, 1, 1, 1, 1],
    ]
    with source.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    status, _ = run("score", "phq9", "--csv", str(source), "--out", str(target))
    assert status == 2  # one row had an error
    assert "4 rows scored, 1 with errors" in capsys.readouterr().err
    with target.open() as handle:
        scored = list(csv.DictReader(handle))
    assert [(r["id"], r["valid"], r["total"], r["band"]) for r in scored] == [
        ("a1", "True", "14", "moderate"),
        ("a2", "True", "0", "minimal"),
        ("a3", "", "", ""),
        ("a4", "False", "", ""),
    ]
    assert scored[0]["flags"] == "item9_positive"
    assert scored[1]["missing"] == "q3"
    assert scored[2]["error"].startswith("q9: 9 is not an answer")
    assert scored[2]["row"] == "4"


def test_the_installed_command_runs_as_a_program():
    result = subprocess.run(
        [sys.executable, "-m", "osteorehab.cli", "score", "phq9"],
        input='{"items": [1, 1, 1, 1, 1, 0, 0, 0, 0]}',
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["band"] == "mild"


def test_the_committed_instrument_docs_match_the_definitions():
    status, out = run("docs")
    committed = Path(__file__).resolve().parents[3] / "docs" / "instruments.md"
    assert status == 0
    assert committed.read_text(encoding="utf-8") == out, (
        "run: osteorehab docs > docs/instruments.md"
    )


def test_every_instrument_has_an_example_in_the_docs():
    assert set(EXAMPLES) == set(INSTRUMENTS)


def test_a_data_set_read_as_a_spreadsheet_would_show_it(tmp_path: Path):
    """Repeated answers score alike, short rows read as empty at the end, long rows' extra
    cells are ignored, blank lines skipped, and an id with a comma or a quote comes back whole."""
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(
        "q1,q2,q3,q4,q5,q6,q7,q8,q9,id\n"
        "1,1,1,1,1,0,0,0,0,a\n"
        "\n"
        '1,1,1,1,1,0,0,0,0,"b, the second"\n'
        '1,1,1,1,1,0,0,0,0,"c ""third""",extra,cells\n'
        "1,1,1,1,1,0,0,0\n",
        encoding="utf-8",
    )
    status, _ = run("score", "phq9", "--csv", str(source), "--out", str(target))
    with target.open(newline="") as handle:
        scored = list(csv.DictReader(handle))
    assert status == 0
    assert [(r["id"], r["row"], r["total"], r["band"]) for r in scored] == [
        ("a", "2", "5", "mild"),
        ("b, the second", "4", "5", "mild"),
        ('c "third"', "5", "5", "mild"),
        ("", "6", "6", "mild"),  # q9 and the id missing: 5 prorated from 8 items to 9
    ]
    assert scored[3]["missing"] == "q9"
    assert scored[3]["flags"] == "item9_unanswered"
    assert list(scored[0])[:3] == ["id", "row", "instrument"]
    assert list(scored[0])[-1] == "error"


@given(st.text())
def test_a_cell_is_quoted_as_the_csv_module_quotes_it(text):
    written = io.StringIO()
    csv.writer(written).writerow([text, "x"])
    assert written.getvalue() == f"{quoted(text)},x\r\n"


@pytest.mark.parametrize("code", sorted(EXAMPLES))
def test_a_csv_row_holds_every_field_of_the_json_result_but_the_version_and_reasons(code):
    """`flat` builds the row from the result's fields for speed; it must say what as_dict says."""
    result = INSTRUMENTS[code].score(EXAMPLES[code])
    expected: dict[str, object] = {}
    for key, value in result.as_dict().items():
        if key in ("version", "reasons"):
            continue
        if isinstance(value, list | tuple):
            expected[key] = ";".join(map(str, value))
        elif isinstance(value, dict):
            expected.update({f"{key}.{name}": inner for name, inner in value.items()})
        else:
            expected[key] = value
    assert list(flat(result).items()) == list(expected.items())


ANSWER_CELLS = st.sampled_from(["0", "1", "2", "3", "", " 2 ", "4", "x", "1.0"])
# answer sets of one total (10) whose flags and syndrome differ with where the answers are
ONE_TOTAL = st.permutations(["2", "2", "2", "2", "1", "0", "0", "0", "1"])
ANSWER_SETS = st.one_of(ONE_TOTAL, st.lists(ANSWER_CELLS, min_size=9, max_size=9))


@given(st.lists(ANSWER_SETS, min_size=1, max_size=40))
def test_each_row_of_a_data_set_says_what_scoring_it_alone_says(rows):
    """The data set's answer sets are scored once each and alike outcomes written once: every
    row must still read as its own answers scored alone would."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.csv"), Path(folder, "out.csv")
        with source.open("w", newline="") as handle:
            csv.writer(handle).writerows(
                [["id", *(f"q{n}" for n in range(1, 10))]]
                + [[f"r{n}", *cells] for n, cells in enumerate(rows)]
            )
        run("score", "phq9", "--csv", str(source), "--out", str(target))
        with target.open(newline="") as handle:
            written = list(csv.DictReader(handle))
    for cells, row in zip(rows, written, strict=True):
        items = [parse_cell(text) if text.strip() else None for text in cells]
        try:
            alone = flat(INSTRUMENTS["phq9"].score({"items": items}))
        except InputError as error:
            alone = {"error": str(error)}
        shown = {name: str(value) for name, value in alone.items() if value not in (None, "")}
        assert {name: text for name, text in row.items() if text} == {
            "id": row["id"],
            "row": row["row"],
            **shown,
        }


def test_results_written_differently_have_different_outcomes():
    """True, 1 and 1.0 are equal as keys but written "True", "1" and "1.0": a figure's or a
    subscale's type is part of the outcome; a total is written plain (14.0 as 14), so it is not."""
    results = [
        Result("x", "1", True, total=14.0, figures={"f": 1}, subscales={"s": 1.0}),
        Result("x", "1", True, total=14, figures={"f": 1}, subscales={"s": 1.0}),
        Result("x", "1", True, total=14.0, figures={"f": True}, subscales={"s": 1.0}),
        Result("x", "1", True, total=14.0, figures={"f": 1}, subscales={"s": 1}),
    ]
    keys = [outcome(result) for result in results]
    assert keys[0] == keys[1]
    assert len({keys[0], keys[2], keys[3]}) == 3
