from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from osteorehab.plans.exercises import Dose, Exercise
from osteorehab.psychology.domain import FREQUENCY_WORDS, MODULES, Frequency, more_often

from . import domain


class AcceptForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is rejected"), max_length=300)


class ModifyForm(forms.Form):
    """The proposal's change as the clinician decides it: for each exercise, which of the
    exercises offered and at what dose (an empty number keeps the chosen exercise's own); the
    module and how often; the tasks. Built from the proposal."""

    def __init__(
        self,
        *args: Any,
        change: domain.Change,
        exercises: Mapping[str, Exercise],
        language: str,
        in_force: Frequency | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.proposed = change
        self.exercises = exercises

        def name(code: str) -> str:
            exercise = exercises.get(code)
            if exercise is None:
                return code
            return exercise.name_zh if language.startswith("zh") else exercise.name_en

        for n, item in enumerate(change.items):
            offered = dict.fromkeys((item.to_exercise, item.exercise, *item.alternatives))
            self.fields[f"to_{n}"] = forms.ChoiceField(
                label=gettext("Instead of %(exercise)s") % {"exercise": name(item.exercise)},
                choices=[(code, name(code)) for code in offered],
                initial=item.to_exercise,
            )
            for field, label, high in (
                ("sets", _("Sets"), 5),
                ("reps", _("Repetitions"), 50),
                ("minutes", _("Minutes"), 120),
            ):
                self.fields[f"{field}_{n}"] = forms.IntegerField(
                    label=label,
                    min_value=1,
                    max_value=high,
                    required=False,
                    initial=getattr(item.dose, field),
                )
        if change.module:
            self.fields["module"] = forms.ChoiceField(
                label=_("Module"),
                choices=[(m.code, _(m.name)) for m in MODULES],
                initial=change.module,
            )
            more = more_often(in_force)
            self.fields["frequency"] = forms.ChoiceField(
                label=_("How often"),
                choices=[(f.value, _(FREQUENCY_WORDS[f])) for f in Frequency],
                initial=more.value if more else Frequency.WEEKLY.value,
            )
        self.fields["tasks"] = forms.MultipleChoiceField(
            label=_("Tasks"),
            choices=[(task.value, _(words)) for task, words in domain.TASK_WORDS.items()],
            initial=[task.value for task in change.tasks],
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        self.fields["reason"] = forms.CharField(label=_("Why you change it"), max_length=300)

    def change(self) -> domain.Change:
        """The change as edited (the service checks it against the proposal)."""
        data = self.cleaned_data
        items = []
        for n, item in enumerate(self.proposed.items):
            chosen = data[f"to_{n}"]
            usual = self.exercises[chosen].dose if chosen in self.exercises else item.dose
            given = {
                field: data[f"{field}_{n}"]
                for field in ("sets", "reps", "minutes")
                if data.get(f"{field}_{n}") is not None
            }
            dose = Dose(**{**domain.dose_dict(usual), **given})
            items.append(
                domain.ItemChange(
                    item.exercise, item.step, item.dose_from, chosen, dose, item.reason
                )
            )
        return domain.Change(
            items=tuple(items),
            module=data.get("module", ""),
            frequency=data.get("frequency", ""),
            tasks=tuple(domain.Task(task) for task in data["tasks"]),
        )


def modify_data(
    change: domain.Change,
    *,
    edits: Sequence[Mapping[str, Any]],
    module: str,
    frequency: str,
    tasks: Sequence[str] | None,
    reason: str,
) -> dict[str, Any]:
    """ModifyForm's fields for a change given as data (the JSON API), so that it is checked as
    the page checks it. Each edit names the proposal's exercise it changes; what is not given
    stays as proposed."""
    index = {item.exercise: n for n, item in enumerate(change.items)}
    data: dict[str, Any] = {f"to_{n}": item.to_exercise for n, item in enumerate(change.items)}
    for edit in edits:
        if edit["exercise"] not in index:
            raise ValidationError(_("Only the exercises of the proposal can be changed here."))
        n = index[edit["exercise"]]
        data[f"to_{n}"] = edit["to_exercise"]
        data.update(
            {f"{f}_{n}": edit[f] for f in ("sets", "reps", "minutes") if edit.get(f) is not None}
        )
    if change.module:
        data["module"] = module or change.module
        data["frequency"] = frequency or change.frequency
    data["tasks"] = list(tasks) if tasks is not None else [task.value for task in change.tasks]
    data["reason"] = reason
    return data
