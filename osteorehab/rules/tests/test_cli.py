"""`osteorehab rules HISTORY.json`: the proposals a history would produce, as JSON, without a
database."""

import contextlib
import io
import json
from pathlib import Path

import pytest

from osteorehab.cli import main as cli

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "rules-history.json"


def rules(history: dict) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        status = cli(["rules", "-"], stdin=io.StringIO(json.dumps(history)), stdout=out)
    return status, json.loads(out.getvalue()) if out.getvalue() else {}, err.getvalue()


def test_the_example_history_gives_the_programs_two_proposals():
    status, printed, _ = rules(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    assert status == 0
    assert printed["today"] == "2026-03-02"
    anxiety, fatigue = printed["proposals"]
    assert (anxiety["rule"], anxiety["decider"], anxiety["change"]["module"]) == (
        "anxiety",
        "counsellor",
        "cognitive_restructuring",
    )
    assert "GAD-7 6 on 2026-02-02, 12 on 2026-02-27" in anxiety["reason"]
    assert [p["id"] for p in anxiety["evidence"]] == [1, 3]
    (walk,) = fatigue["change"]["items"]
    assert (walk["name"], walk["to_exercise"], walk["alternatives"]) == (
        "Brisk walking",
        "stationary_cycling",
        ["water_walking"],
    )
    assert fatigue["decider"] == "therapist"
    assert len(anxiety["fingerprint"]) == 64


def test_the_same_history_in_another_order_prints_the_same():
    history = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    reordered = {
        name: value[::-1] if isinstance(value, list) else value for name, value in history.items()
    }
    assert rules(reordered)[1] == rules(history)[1]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"today": "yesterday"}, "today"),
        ({"colour": "red"}, "colour"),
        (
            {"falls": [{"id": 1, "day": "2026-03-01", "injury": "no", "could_get_up": True}]},
            "falls[0].injury",
        ),
        (
            {"sessions": [{"id": 1, "day": "2026-03-01", "exercise": "x"}]},
            "sessions[0].plan_version",
        ),
        (
            {"check_ins": [{"id": 1, "day": "2026-03-01", "fatigue": 3, "pain": 1, "mood": 4}]},
            "check_ins[0].mood",
        ),
        ({"facts": {"frail": "yes"}}, "frail"),
    ],
)
def test_a_bad_history_exits_2_naming_the_field(change, field):
    status, printed, error = rules({"today": "2026-03-02", **change})
    assert (status, printed) == (2, {})
    assert field in error


def test_an_empty_history_proposes_nothing():
    assert rules({"today": "2026-03-02"})[:2] == (0, {"today": "2026-03-02", "proposals": []})
