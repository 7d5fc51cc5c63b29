"""`osteorehab prescribe PROFILE.json`: the plan a profile would get, as JSON."""

import contextlib
import io
import json

from osteorehab.cli import main as cli
from osteorehab.plans.library import EXERCISES

VERTEBRAL = {
    "who_class": "severe_osteoporosis",
    "lowest_t_score": -3.1,
    "vertebral_fracture": True,
    "fragility_fractures": 1,
    "fall_risk": "low",
    "physician_impact": "moderate",
    "frail": False,
    "recent_fracture": False,
    "severe_kyphosis": False,
    "acute_pain": False,
}


def prescribe(profile) -> tuple[int, dict, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        status = cli(["prescribe", "-"], stdin=io.StringIO(json.dumps(profile)), stdout=out)
    return status, json.loads(out.getvalue()) if out.getvalue() else {}, err.getvalue()


def test_a_vertebral_fracture_profile_gets_a_spine_sparing_plan_with_reasons():
    status, plan, _ = prescribe(VERTEBRAL)
    assert status == 0
    assert plan["impact_ceiling"] == "low"  # brisk walking at most, whatever the physician allows
    codes = [item["exercise"] for item in plan["items"]]
    assert not any(EXERCISES[code].spinal_flexion for code in codes)
    assert {"spine_sparing", "impact_up_to_brisk_walking"} <= {
        c["code"] for c in plan["constraints"]
    }
    assert all("[clinical-reference" in item["reason"] for item in plan["items"])
    strength = next(i for i in plan["items"] if i["category"] == "resistance")
    assert (strength["days"], strength["dose"]["sets"]) == (["Mon", "Thu"], 1)
    curl_up = [code for code, e in EXERCISES.items() if e.spinal_flexion]
    assert all(code in plan["excluded"] for code in curl_up)
    assert plan["minutes_per_week"]["aerobic"] == 50


def test_bad_profiles_exit_2_naming_the_field():
    for profile, field in (
        ({"who_class": "bad"}, "who_class"),
        ({"colour": "red"}, "colour"),
        ({"frail": "yes"}, "frail"),
        ({"fall_risk": 3}, "fall_risk"),
    ):
        status, plan, error = prescribe(profile)
        assert (status, plan) == (2, {})
        assert field in error


def test_an_empty_profile_is_all_unknown_and_gets_the_most_cautious_plan():
    status, plan, _ = prescribe({})
    assert status == 0
    assert plan["impact_ceiling"] == "none"
    assert not any(EXERCISES[i["exercise"]].impact != "none" for i in plan["items"])
