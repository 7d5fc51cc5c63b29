from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from osteorehab.accounts.domain import CLINICAL_ROLES
from osteorehab.accounts.models import ROLE_LABELS, CareTeam, User
from osteorehab.contact.forms import DateTimeInput
from osteorehab.core.forms import DateInput

from .models import Meeting


def _clinicians(teams: Any) -> Any:
    return (
        User.objects.filter(memberships__care_team__in=teams, role__in=CLINICAL_ROLES)
        .distinct()
        .order_by("full_name", "pk")
    )


class MeetingForm(forms.Form):
    """Plain fields: the service checks that the chair belongs to the team."""

    care_team = forms.ModelChoiceField(label=_("Care team"), queryset=CareTeam.objects.none())
    scheduled_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput())
    chair = forms.ModelChoiceField(label=_("Chair"), queryset=User.objects.none())

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        teams = CareTeam.objects.filter(memberships__user=user).order_by("name", "pk")
        self.fields["care_team"].queryset = teams  # type: ignore[attr-defined]
        self.fields["chair"].queryset = _clinicians(teams)  # type: ignore[attr-defined]
        self.fields["chair"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: f"{u.full_name} ({ROLE_LABELS[u.role_enum]})"
        )


class DecisionForm(forms.Form):
    """What the team decided about one patient (the agenda item travels beside it, in the page);
    every part optional, at least one given (the service says so)."""

    plan_change = forms.CharField(
        label=_("Plan change agreed"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Becomes a task for the rehabilitation therapist, who changes the plan as a new "
            "version: the plan itself is not changed here."
        ),
    )
    task_title = forms.CharField(label=_("New task"), required=False, max_length=500)
    task_owner = forms.ChoiceField(label=_("Task owner"), required=False)
    task_due_on = forms.DateField(label=_("Task due"), required=False, widget=DateInput())
    next_review_on = forms.DateField(
        label=_("Next team review"),
        required=False,
        widget=DateInput(),
        help_text=_("Moves the patient's next team review on the follow-up schedule."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, meeting: Meeting, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        roles = [(f"role:{role.value}", ROLE_LABELS[role]) for role in CLINICAL_ROLES]
        people = [
            (f"user:{u.pk}", f"{u.full_name} ({ROLE_LABELS[u.role_enum]})")
            for u in _clinicians([meeting.care_team_id])
        ]
        self.fields["task_owner"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            (_("A role of the care team"), roles),
            (_("A person"), people),
        ]
