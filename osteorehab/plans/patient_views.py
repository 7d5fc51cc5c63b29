"""The patient's own goal sheet, on their phone: each goal in their words with where they are on
its five levels and the measure that shows progress, "How am I doing?" to rate it themself, and
from the same page the self-checks (the questionnaires waiting, the chair-stand test) and the
next check-ups of their follow-up schedule."""

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from osteorehab.accounts.access import own_patient
from osteorehab.accounts.domain import Action, Part
from osteorehab.assessments.self_test import questionnaires_waiting
from osteorehab.core.forms import KeyedForm, run_service
from osteorehab.core.types import AuthedRequest
from osteorehab.followup.selectors import check_ups, patient_schedule
from osteorehab.patients.models import Patient

from . import services
from .models import Goal, GoalRating
from .selectors import goal_attainment, measure_values


def _own_patient(request: AuthedRequest, action: Action = Action.VIEW) -> Patient:
    return own_patient(request, part=Part.PLAN, action=action)


def _current(goal: Goal, rating: GoalRating | None) -> int:
    """Where the patient is on the goal now: the latest rating, else the starting level."""
    return rating.level if rating else goal.baseline_level


def _ladder(goal: Goal, current: int) -> list[dict[str, Any]]:
    """The five levels, best at the top, as a ladder to climb; level 0 is the goal itself."""
    return [
        {"level": level, "words": words, "current": level == current, "target": level == 0}
        for level, words in reversed(goal.levels())
    ]


@login_required
def my_goals(request: AuthedRequest) -> HttpResponse:
    """Each goal in the patient's words, where they are on it and what the measure shows; then
    the self-checks."""
    patient = _own_patient(request)
    today = timezone.localdate()
    rows, _attainment = goal_attainment(patient)
    values = measure_values(patient, {goal.measure for goal, _rating in rows if goal.measure})
    return render(
        request,
        "plans/my_goals.html",
        {
            "patient": patient,
            "rows": [
                {
                    "goal": goal,
                    "rating": rating,
                    "ladder": _ladder(goal, _current(goal, rating)),
                    "measured": values.get(goal.measure),
                }
                for goal, rating in rows
            ],
            "waiting": questionnaires_waiting(patient),
            "check_ups": check_ups(patient_schedule(patient, today), today),
        },
    )


class MyRatingForm(KeyedForm):
    key_required = False  # the key came later than the form (core.forms.KeyedForm)

    level = forms.TypedChoiceField(
        label=gettext_lazy("Which sentence fits you best now?"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose the sentence that fits you best.")},
    )

    def __init__(self, *args: Any, goal: Goal, current: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # the goal's own words, best at the top as on the ladder; the last level marked in words
        last = _("(last time)")
        choices = [
            (level, f"{words} {last}" if level == current else words)
            for level, words in reversed(goal.levels())
        ]
        cast(forms.ChoiceField, self.fields["level"]).choices = choices


@login_required
def my_goal_rate(request: AuthedRequest, goal_id: int) -> HttpResponse:
    """ "How am I doing?": the patient rates their own goal on its five levels, one screen."""
    patient = _own_patient(request, Action.REPORT)
    goal = get_object_or_404(patient.goals, pk=goal_id)
    latest = goal.ratings.first()
    form = MyRatingForm(
        request.POST if request.method == "POST" else None,
        goal=goal,
        current=_current(goal, latest),
    )
    if request.method == "POST" and run_service(
        form,
        lambda d: services.goal_rate(
            goal=goal,
            by=request.user,
            level=d["level"],
            rated_on=timezone.localdate(),
            client_key=d["client_key"],
        ),
    ):
        messages.success(request, _("Thank you. Your answer has been sent to your care team."))
        return redirect("plans:my-goals")
    return render(
        request,
        "plans/my_goal_rate.html",
        {"patient": patient, "goal": goal, "form": form},
        status=400 if form.errors else 200,
    )
