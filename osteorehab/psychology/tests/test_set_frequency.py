"""A module's frequency the care team sets (an accepted proposal of the adjustment rules): never
fewer sessions than the baseline rule asks, one step at a time, kept in the plan's next version."""

import pytest
from django.core.exceptions import ValidationError

from osteorehab.accounts.domain import Role
from osteorehab.audit.models import AuditEvent
from osteorehab.plans.models import PlanVersion
from osteorehab.psychology.domain import (
    Baseline,
    Frequency,
    SetFrequency,
    more_often,
    recommend,
    with_set_frequencies,
)
from osteorehab.psychology.selectors import psych_plan
from osteorehab.psychology.services import module_frequency_set
from tests.factories import login_of, make_patient, member


@pytest.mark.parametrize(
    ("now", "then"),
    [
        (None, Frequency.MONTHLY),
        (Frequency.MONTHLY, Frequency.FORTNIGHTLY),
        (Frequency.FORTNIGHTLY, Frequency.WEEKLY),
        (Frequency.WEEKLY, None),  # the most the program offers
    ],
)
def test_one_step_more_often(now, then):
    assert more_often(now) == then


def by_code(recommendations):
    return {r.code: r for r in recommendations}


def test_the_team_may_raise_a_frequency_but_the_rule_still_sets_the_least():
    rule = recommend(Baseline(gad7=6))  # mild: cognitive restructuring every two weeks
    raised = by_code(
        with_set_frequencies(
            rule,
            {
                "cognitive_restructuring": SetFrequency(
                    Frequency.WEEKLY, "Anxiety up", "2026-03-02"
                ),
                "relaxation_mindfulness": SetFrequency(Frequency.MONTHLY, "Less", "2026-03-02"),
            },
        )
    )
    cognitive = raised["cognitive_restructuring"]
    assert cognitive.frequency == Frequency.WEEKLY
    assert "set by the care team on 2026-03-02 to weekly: Anxiety up" in cognitive.reason
    assert "care_team" in cognitive.set_by
    # a frequency below the rule's changes nothing: a worse score never gives fewer sessions
    assert raised["relaxation_mindfulness"] == by_code(rule)["relaxation_mindfulness"]


@pytest.mark.django_db
def test_setting_a_frequency_is_audited_and_makes_a_plan_version_where_there_is_a_plan(team):
    patient = make_patient(team, login=True)
    counsellor = member(team, Role.COUNSELLOR)
    row, version = module_frequency_set(
        patient=patient,
        by=counsellor,
        module="cognitive_restructuring",
        frequency="weekly",
        reason="Anxiety up",
    )
    assert version is None  # no plan yet: the first version will gather it
    event = AuditEvent.objects.get(target="psychology.ModuleFrequency")
    assert event.changes == {
        "module": "cognitive_restructuring",
        "frequency": "weekly",
        "reason": "Anxiety up",
    }
    assert by_code(psych_plan(patient))["cognitive_restructuring"].frequency == "weekly"
    assert row.set_by == counsellor
    assert not PlanVersion.objects.exists()
    with pytest.raises(ValidationError):
        module_frequency_set(
            patient=patient,
            by=login_of(patient),
            module="peer_group",
            frequency="weekly",
            reason="x",
        )
    with pytest.raises(ValidationError):
        module_frequency_set(
            patient=patient, by=counsellor, module="peer_group", frequency="daily", reason="x"
        )
