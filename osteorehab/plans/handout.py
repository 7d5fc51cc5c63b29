"""The patient's printable handout: this week's exercises with their instructions, and who to
contact, in the patient's language and in large type (ReportLab, pure Python; Chinese with the
Adobe STSong font ReportLab knows without a font file)."""

from io import BytesIO
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab; parses nothing

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from osteorehab.accounts.models import ROLE_LABELS
from osteorehab.patients.models import Patient

from . import domain
from .exercises import Dose
from .forms import DAYS
from .models import Exercise, PlanVersion

CHINESE_FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(CHINESE_FONT))
BODY_PT, HEADING_PT, TITLE_PT = 16, 20, 26  # large type for older eyes


def dose_words(dose: Dose) -> str:
    """A dose in plain words, in the active language, with its load."""
    words = domain.dose_reason(dose).translated(_)
    load = dose.load_zh if translation.get_language().startswith("zh") else dose.load_en
    return "; ".join(part for part in (words, load) if part)


def handout_pdf(patient: Patient, version: PlanVersion) -> bytes:
    language = patient.preferred_language
    chinese = language.startswith("zh")
    font = CHINESE_FONT if chinese else "Helvetica"
    bold = CHINESE_FONT if chinese else "Helvetica-Bold"
    wrap = "CJK" if chinese else None
    body = ParagraphStyle(
        "body", fontName=font, fontSize=BODY_PT, leading=BODY_PT * 1.4, wordWrap=wrap
    )
    heading = ParagraphStyle(
        "heading",
        parent=body,
        fontName=bold,
        fontSize=HEADING_PT,
        leading=HEADING_PT * 1.3,
        spaceBefore=6 * mm,
    )
    title = ParagraphStyle("title", parent=heading, fontSize=TITLE_PT, leading=TITLE_PT * 1.3)

    def para(text: str, style: ParagraphStyle = body) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    items = domain.items_of(version.content)
    exercises = {e.code: e for e in Exercise.objects.filter(code__in=[i.exercise for i in items])}
    with translation.override(language):
        story = [
            para(_("My exercise plan"), title),
            para(
                _("For %(name)s · version %(number)s of %(date)s")
                % {
                    "name": patient.name,
                    "number": version.number,
                    "date": timezone.localtime(version.created_at).strftime("%Y-%m-%d"),
                }
            ),
            para(
                _(
                    "Do each exercise on the days shown. Stop and rest if you feel pain or dizzy, "
                    "and tell your care team."
                )
            ),
        ]
        day_names = dict(DAYS)
        for item in items:
            exercise = exercises.get(item.exercise)
            if exercise is None:
                continue
            story += [
                para(exercise.name(language), heading),
                para(
                    _("Days: %(days)s") % {"days": ", ".join(str(day_names[d]) for d in item.days)}
                ),
                para(_("How much: %(dose)s") % {"dose": dose_words(item.dose)}),
                para(exercise.instructions(language)),
            ]
        goals = list(patient.goals.all())
        if goals:
            story.append(para(_("My goals"), heading))
            for goal in goals:
                story.append(
                    para(
                        _("%(goal)s — by %(date)s")
                        % {"goal": goal.statement, "date": goal.target_on.strftime("%Y-%m-%d")}
                    )
                )
        story.append(para(_("Your care team"), heading))
        if patient.care_team is not None:
            for member in patient.care_team.members.order_by("role"):
                story.append(para(f"{ROLE_LABELS[member.role_enum]}: {member.full_name}"))
        story += [
            Spacer(1, 4 * mm),
            para(
                _(
                    "If you fall and are hurt, cannot get up, or have new severe back pain, get "
                    "help at once: %(contact)s"
                )
                % {"contact": settings.CRISIS_CONTACT or _("your local emergency number")}
            ),
        ]
    out = BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=f"Plan {patient.pk} v{version.number}",
    ).build(story)
    return out.getvalue()
