"""The two progress reports as PDF (ReportLab, pure Python), in the reader's language, with the
same charts as the progress page (`figures`):

- the patient's: large type (16 pt, as the plan's handout), plain words, what got better and
  what to keep doing;
- the clinicians' and the referring physician's: every measure with its cut-offs and MCID,
  adherence, falls, fractures, medicines with their proportion of days covered, goals and GAS.

Chinese uses the plan handout's font set-up (Adobe STSong, which ReportLab knows without a
font file)."""

from collections.abc import Sequence
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape  # nosec B406  # escapes text for ReportLab; parses nothing

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from osteorehab.assessments.instruments.base import Better, plain
from osteorehab.patients.models import STATUS_LABELS, Patient
from osteorehab.plans.handout import BODY_PT, CHINESE_FONT, HEADING_PT, TITLE_PT

from .figures import measure_drawing, weeks_drawing, zone_words
from .selectors import MeasureProgress, Progress, plain_name

CLINICAL_PT, CLINICAL_HEADING_PT = 9, 13  # the clinicians' report: dense tables
LINE = colors.HexColor("#9a9a9a")


class _Styles:
    def __init__(self, language: str, size: float, heading: float, title: float) -> None:
        chinese = language.startswith("zh")
        self.font = CHINESE_FONT if chinese else "Helvetica"
        bold = CHINESE_FONT if chinese else "Helvetica-Bold"
        wrap = "CJK" if chinese else None
        self.body = ParagraphStyle(
            "body", fontName=self.font, fontSize=size, leading=size * 1.35, wordWrap=wrap
        )
        self.heading = ParagraphStyle(
            "heading",
            parent=self.body,
            fontName=bold,
            fontSize=heading,
            leading=heading * 1.3,
            spaceBefore=5 * mm,
            spaceAfter=1 * mm,
        )
        self.title = ParagraphStyle(
            "title", parent=self.heading, fontSize=title, leading=title * 1.3
        )

    def para(self, text: str, style: ParagraphStyle | None = None) -> Paragraph:
        return Paragraph(escape(text).replace("\n", "<br/>"), style or self.body)

    def table(self, rows: Sequence[Sequence[Any]], widths: Sequence[float] | None = None) -> Table:
        cells = [[c if isinstance(c, Flowable) else self.para(str(c)) for c in row] for row in rows]
        table = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.25, LINE),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        return table


def _build(story: list[Flowable], title: str) -> bytes:
    out = BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=16 * mm,
        rightMargin=16 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
    ).build(story)
    return out.getvalue()


def _number(value: float | None) -> str:
    return "—" if value is None else str(plain(round(value, 2)))


def _signed(value: float | None) -> str:
    return "—" if value is None else f"{'+' if value > 0 else ''}{plain(round(value, 2))}"


# ---- The patient's report ----


def _gain_words(measure: MeasureProgress) -> str:
    base, latest = measure.baseline, measure.trend.latest
    words = _("%(measure)s: from %(start)s at the start to %(now)s now.") % {
        "measure": measure.plain_name,
        "start": _number(base.value if base else None),
        "now": _number(latest.value if latest else None),
    }
    better = _("Lower is better.") if measure.better == Better.LOWER else _("Higher is better.")
    return f"{words} {better}"


def patient_report(patient: Patient, progress: Progress, language: str) -> bytes:
    """Large type, plain words: what got better, how the exercise went, the goals, what to keep
    doing."""
    with translation.override(language):
        s = _Styles(language, BODY_PT, HEADING_PT, TITLE_PT)
        today = timezone.localdate()
        story: list[Flowable] = [
            s.para(_("My progress"), s.title),
            s.para(
                _("For %(name)s, on %(date)s") % {"name": patient.name, "date": today.isoformat()}
            ),
            s.para(_("What got better"), s.heading),
        ]
        gains = progress.gains
        for measure in gains:
            lines = [s.para(_gain_words(measure))]
            if measure.important:
                lines.append(s.para(_("That is a change that matters.")))
            lines.append(measure_drawing(measure, font=s.font, width=480, height=190))
            story.append(KeepTogether(lines))
        if not gains:
            story.append(
                s.para(_("Your next check with the care team will show how your body is changing."))
            )
        sessions = progress.sessions
        story.append(s.para(_("Your exercise"), s.heading))
        if sessions.planned:
            story.append(
                s.para(
                    _("You exercised in %(done)s of %(planned)s planned sessions.")
                    % {"done": sessions.done + sessions.partly, "planned": sessions.planned}
                )
            )
            story.append(weeks_drawing(progress.weeks, font=s.font, width=480, height=170))
        else:
            story.append(s.para(_("No sessions planned yet.")))
        if progress.goals:
            story.append(s.para(_("My goals"), s.heading))
            for goal, rating in progress.goals:
                level = rating.level if rating else goal.baseline_level
                story.append(
                    s.para(
                        _("%(goal)s — now: %(where)s")
                        % {"goal": goal.statement, "where": dict(goal.levels())[level]}
                    )
                )
        falls = [e for e in progress.timeline if e.kind == "fall"]
        if falls:
            story.append(s.para(_("Falls"), s.heading))
            story.append(
                s.para(
                    _("You told us about %(count)s fall(s). Your care team looks at each one.")
                    % {"count": len(falls)}
                )
            )
        story += [
            s.para(_("What to keep doing"), s.heading),
            s.para(
                _(
                    "The guideline: balance every day, 15 to 20 minutes in all; strength on at "
                    "least 2 days a week."
                )
            ),
            s.para(_("Keep answering your check-up questions: they show what is changing.")),
            s.para(_("Tell your care team about any fall, and about new or worse back pain.")),
        ]
        return _build(story, f"Progress {patient.pk}")


# ---- The clinicians' report ----


def _measure_table(s: _Styles, measures: Sequence[MeasureProgress]) -> Table:
    rows: list[list[Any]] = [
        [
            _("Measure"),
            _("Baseline"),
            _("Latest"),
            _("Change"),
            _("MCID (source)"),
            _("Cut-offs (source)"),
        ]
    ]
    for m in measures:
        base, latest = m.baseline, m.trend.latest
        mcid = (
            f"{plain(m.mcid)} ({m.mcid_source.translated(_)})"
            if m.mcid is not None and m.mcid_source
            else _("none in the reference")
        )
        lines = "; ".join(line.label.translated(_) for line in m.trend.lines)
        cut_offs = (
            f"{lines} ({m.trend.source.translated(_)})"
            if m.trend.source
            else _("No published cut-off.")
        )
        changed = _signed(m.change)
        if m.important:
            changed += " " + _("(at least the MCID)")
        rows.append(
            [
                _(m.trend.name),
                f"{_number(base.value)} ({base.day.isoformat()})" if base else "—",
                f"{_number(latest.value)} ({latest.day.isoformat()})" if latest else "—",
                changed,
                mcid,
                cut_offs,
            ]
        )
    return s.table(rows, widths=[32 * mm, 24 * mm, 24 * mm, 24 * mm, 36 * mm, 38 * mm])


def _readings(s: _Styles, measure: MeasureProgress) -> Table:
    rows: list[list[Any]] = [[_("Date"), _("Value"), _("Band"), _("Change from baseline")]]
    rows += [
        [point.day.isoformat(), _number(point.value), _(point.words) if point.words else "",
         _signed(change)]
        for point, change in measure.rows
    ]  # fmt: skip
    return s.table(rows, widths=[28 * mm, 22 * mm, 60 * mm, 40 * mm])


def clinician_report(
    patient: Patient, progress: Progress, medications: Sequence[Any], language: str
) -> bytes:
    """Every measure with its cut-offs and MCID, adherence, falls, fractures, medicines with
    PDC, goals and GAS; each chart with its numbers beside it."""
    with translation.override(language):
        s = _Styles(language, CLINICAL_PT, CLINICAL_HEADING_PT, 17)
        today = timezone.localdate()
        episode = progress.episode
        story: list[Flowable] = [
            s.para(_("Progress report for clinicians"), s.title),
            s.para(
                _("%(name)s, born %(born)s, record %(record)s · report of %(date)s")
                % {
                    "name": patient.name,
                    "born": patient.date_of_birth.isoformat(),
                    "record": patient.record_number or patient.pk,
                    "date": today.isoformat(),
                }
            ),
        ]
        if episode is not None:
            story.append(
                s.para(
                    _("Enrolled %(enrolled)s; program started %(started)s; ended %(ended)s.")
                    % {
                        "enrolled": episode.enrolled_on.isoformat(),
                        "started": episode.started_on.isoformat() if episode.started_on else "—",
                        "ended": episode.ended_on.isoformat() if episode.ended_on else "—",
                    }
                )
            )
        story += [s.para(_("Measures"), s.heading), _measure_table(s, progress.taken)]
        if progress.missing:
            story.append(
                s.para(
                    _("Not measured: %(measures)s")
                    % {"measures": ", ".join(plain_name(code) for code in progress.missing)}
                )
            )
        for measure in progress.taken:
            parts: list[Flowable] = [
                s.para(_(measure.trend.name), s.heading),
                measure_drawing(measure, font=s.font, width=480, height=170),
            ]
            if measure.zone is not None:
                parts.append(s.para(_("Shaded: %(zone)s") % {"zone": zone_words(measure)}))
            parts.append(_readings(s, measure))
            story.append(KeepTogether(parts))
        story.append(s.para(_("Adherence to the exercise plan"), s.heading))
        sessions = progress.sessions
        if sessions.planned:
            story.append(
                s.para(
                    _("%(done)s of %(planned)s planned sessions done (%(partly)s in part).")
                    % {
                        "done": sessions.done + sessions.partly,
                        "planned": sessions.planned,
                        "partly": sessions.partly,
                    }
                )
            )
            story.append(weeks_drawing(progress.weeks, font=s.font, width=480, height=150))
            week_rows: list[list[Any]] = [[_("Week of"), _("Planned"), _("Done"), _("In part")]]
            week_rows += [
                [w.monday.isoformat(), w.sessions.planned, w.sessions.done, w.sessions.partly]
                for w in progress.weeks
            ]
            story.append(s.table(week_rows, widths=[35 * mm, 25 * mm, 25 * mm, 25 * mm]))
        else:
            story.append(s.para(_("No sessions planned yet.")))
        story.append(s.para(_("Falls, fractures and program status"), s.heading))
        events: list[list[Any]] = [[_("Date"), _("Event")]]
        for event in progress.timeline:
            if event.fall is not None:
                what = _("Fall: %(place)s; hurt: %(hurt)s; got up alone: %(up)s") % {
                    "place": event.fall.get_place_display(),
                    "hurt": _("yes") if event.fall.injury else _("no"),
                    "up": _("yes") if event.fall.could_get_up else _("no"),
                }
            elif event.fracture is not None:
                what = _("Fracture: %(site)s") % {"site": event.fracture.get_site_display()}
            else:
                what = _("Program: %(status)s") % {"status": STATUS_LABELS[event.status]}
            events.append([event.day.isoformat(), what])
        story.append(s.table(events, widths=[30 * mm, 140 * mm]))
        story.append(s.para(_("Anti-osteoporosis medicines"), s.heading))
        medicine_rows: list[list[Any]] = [
            [_("Medicine"), _("Started"), _("Stopped"), _("Refills"), _("PDC")]
        ]
        for row in medications:
            m, a = row.medication, row.adherence
            medicine_rows.append(
                [
                    str(m),
                    m.started_on.isoformat(),
                    m.stopped_on.isoformat() if m.stopped_on else "—",
                    row.fill_count,
                    f"{a.percent}% — {row.adherence_words}" if a else _("No refill recorded."),
                ]
            )
        story.append(s.table(medicine_rows, widths=[40 * mm, 25 * mm, 25 * mm, 18 * mm, 62 * mm]))
        story.append(s.para(_("Goals"), s.heading))
        if progress.gas is not None:
            story.append(
                s.para(
                    _(
                        "Goal attainment (GAS T-score): %(t)s. 50 means every goal attained as "
                        "expected."
                    )
                    % {"t": progress.gas.total}
                )
            )
        goal_rows: list[list[Any]] = [[_("Goal"), _("At the start"), _("Latest rating")]]
        for goal, rating in progress.goals:
            goal_rows.append(
                [
                    goal.statement,
                    goal.baseline_level,
                    f"{rating.level} ({rating.rated_on.isoformat()})" if rating else "—",
                ]
            )
        story.append(s.table(goal_rows, widths=[100 * mm, 30 * mm, 40 * mm]))
        return _build(story, f"Clinical report {patient.pk}")
