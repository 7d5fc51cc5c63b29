from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from osteorehab.core.forms import DateInput
from osteorehab.plans.education import Module, Question

from .domain import local
from .models import MODULE_CHOICES, NUTRITION_SEXES, FoodItem
from .services import food_field


class AssignmentForm(forms.Form):
    module = forms.ChoiceField(label=_("Lesson"), choices=[])
    due_on = forms.DateField(
        label=_("Due"),
        required=False,
        widget=DateInput(),
        help_text=_("Optional: the date by which the patient is asked to finish the lesson."),
    )

    def __init__(self, *args: Any, titles: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["module"])
        field.choices = [("", "—"), *((code, titles[code]) for code, _title in MODULE_CHOICES)]


def option_choices(question: Question, language: str | None) -> list[tuple[str, str]]:
    return [(option.code, local(option, "text", language)) for option in question.options]


class QuestionForm(forms.Form):
    """One question of a quiz on one screen, for the patient on a phone."""

    answer = forms.ChoiceField(widget=forms.RadioSelect, label="")

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["answer"])
        field.choices = option_choices(question, get_language())


class QuizForm(forms.Form):
    """A whole quiz on one page: a nurse answering with the patient, on their behalf."""

    def __init__(self, *args: Any, module: Module, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language()
        for question in module.quiz:
            self.fields[question.code] = forms.ChoiceField(
                label=local(question, "text", language),
                choices=option_choices(question, language),
                widget=forms.RadioSelect,
            )


class FoodItemForm(forms.Form):
    """A plain form: the service checks the values and names the field; a ModelForm would also
    run the model's constraints and report the same rules as form-wide errors."""

    name_en = forms.CharField(label=_("Name in English"), max_length=100)
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=100)
    serving_en = forms.CharField(
        label=_("Serving in English"),
        max_length=100,
        help_text=_("For example: one glass (250 mL)."),
    )
    serving_zh = forms.CharField(label=_("Serving in Chinese"), max_length=100)
    mg_per_serving = forms.IntegerField(
        label=_("Calcium per serving (mg)"), help_text=_("Calcium in one serving, in whole mg.")
    )
    source = forms.CharField(
        label=_("Source of the calcium value"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Where the value comes from: the food composition table or the label, with its "
            "edition or date."
        ),
    )


class NutritionCheckForm(forms.Form):
    """A food-frequency checklist: the servings per week of each food of the clinic's list, and
    what the targets need (sex, for the row of the table; weight; illness). Ranges are checked
    by `osteorehab.plans.nutrition` through the service, which names the field."""

    checked_on = forms.DateField(label=_("Date of the check"), widget=DateInput())
    age = forms.IntegerField(
        label=_("Age (years)"),
        disabled=True,
        required=False,
        help_text=_("Today, from the date of birth; the check uses the age on its date."),
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=NUTRITION_SEXES,
        widget=forms.RadioSelect,
        help_text=_("The recommended intakes are given for women and for men."),
    )
    weight_kg = forms.DecimalField(label=_("Weight (kg)"), max_digits=5, decimal_places=1)
    ill = forms.BooleanField(
        label=_("An acute or chronic illness"),
        required=False,
        help_text=_("Protein needs are higher during an illness or with a long-term illness."),
    )

    def __init__(self, *args: Any, foods: Iterable[FoodItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language()
        self.food_fields: list[str] = []
        for food in foods:
            name = food_field(food.pk)
            self.fields[name] = forms.FloatField(
                label=local(food, "name", language),
                # Django renders help text as HTML: the clinic's words are escaped into it
                help_text=_("Servings per week of %(serving)s (0 if none)")
                % {"serving": escape(local(food, "serving", language))},
                widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            )
            self.food_fields.append(name)

    def servings(self) -> dict[int, float]:
        return {
            int(name.removeprefix("food_")): self.cleaned_data[name] for name in self.food_fields
        }
