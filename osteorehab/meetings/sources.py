"""Where a case meeting's agenda comes from: each source reads one kind of fact for all the care
team's patients at once and says, per patient, why they need discussion (`domain.Need`);
`AGENDA_SOURCES` is the registry `team_agenda` reads.

A source is a function `source(window) -> {patient id: [needs]}`: a few queries whatever the
number of patients, the rules themselves in `domain`. To add one (a new kind of fact, another
app's work waiting), write it here or in its own app and add it to `AGENDA_SOURCES`.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.functional import Promise

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import ROLE_LABELS, CareTeam
from osteorehab.alerts.models import Alert, AlertKind
from osteorehab.assessments.instruments import INSTRUMENTS
from osteorehab.assessments.models import Assessment, Occasion
from osteorehab.followup.domain import Status
from osteorehab.followup.models import Kind as ScheduleKind
from osteorehab.followup.selectors import due_items
from osteorehab.logbook.models import CheckIn, FallReport
from osteorehab.logbook.selectors import adherence
from osteorehab.patients.models import Patient
from osteorehab.plans.models import PlanVersion
from osteorehab.reminders.sources import in_program
from osteorehab.rules.domain import RULES_BY_ID
from osteorehab.rules.models import Proposal, Urgency

from . import domain
from .domain import MEASURES, Need
from .models import Meeting, MeetingStatus


@dataclass(frozen=True)
class Window:
    """What the sources read: the care team's patients in the program, the first day whose news
    counts (the last meeting held) and the day the agenda is built."""

    patient_ids: tuple[int, ...]
    since: date
    today: date

    def patients(self) -> QuerySet[Patient]:
        return Patient.objects.filter(pk__in=self.patient_ids)


Found = Mapping[int, Sequence[Need]]
AgendaSource = Callable[[Window], Found]


def msgid(label: str | Promise) -> str:
    """A model choice's label untranslated: a Reason keeps the words and translates them for
    each reader."""
    with translation.override(None):
        return str(label)


def urgent_alerts(window: Window) -> Found:
    rows = Alert.objects.open().filter(urgent=True, patient_id__in=window.patient_ids)
    alerts: dict[int, list[domain.OpenAlert]] = defaultdict(list)
    for patient_id, kind, raised_at in rows.values_list("patient_id", "kind", "raised_at"):
        what = msgid(AlertKind(kind).label) if kind in AlertKind.values else kind
        alerts[patient_id].append(
            domain.OpenAlert(what, timezone.localdate(raised_at), urgent=True)
        )
    return {patient_id: domain.alert_needs(found) for patient_id, found in alerts.items()}


def falls(window: Window) -> Found:
    found: dict[int, list[domain.Fall]] = defaultdict(list)
    reports = FallReport.objects.filter(
        patient_id__in=window.patient_ids, happened_on__gte=window.since
    ).values_list("patient_id", "happened_on", "injury")
    for patient_id, day, injury in reports:
        found[patient_id].append(domain.Fall(day, injury=injury))
    noted = CheckIn.objects.filter(
        patient_id__in=window.patient_ids, day__gte=window.since, falls__gt=0
    ).values_list("patient_id", "day")
    for patient_id, day in noted:
        found[patient_id].append(domain.Fall(day, reported=False))
    return {
        patient_id: domain.fall_needs(some, since=window.since)
        for patient_id, some in found.items()
    }


def readings(
    patient_ids: Iterable[int], codes: Iterable[str]
) -> dict[tuple[int, str], list[domain.Reading]]:
    """(patient id, instrument) -> its valid readings, oldest first (one query)."""
    rows = (
        Assessment.objects.valid()
        .filter(valid=True, total__isnull=False, patient_id__in=patient_ids)
        .filter(instrument__in=list(codes))
        .order_by("administered_on", "id")
        .values_list(
            "patient_id", "instrument", "administered_on", "total", "band", "result", "occasion"
        )
    )
    found: dict[tuple[int, str], list[domain.Reading]] = defaultdict(list)
    for patient_id, code, day, total, band, result, occasion in rows:
        flags = tuple(result.get("flags", ()))
        baseline = occasion == Occasion.BASELINE
        found[(patient_id, code)].append(domain.Reading(day, total, band, flags, baseline))
    return found


def measures(window: Window) -> Found:
    found: dict[int, list[Need]] = defaultdict(list)
    for (patient_id, code), series in readings(window.patient_ids, MEASURES).items():
        found[patient_id] += domain.measure_needs(INSTRUMENTS[code], series, since=window.since)
    return found


def low_adherence(window: Window) -> Found:
    """Sessions over the last two weeks, to yesterday (today is not over), for the patients
    whose plan has a version in force (two queries each)."""
    until = window.today - timedelta(days=1)
    since = until - timedelta(days=domain.ADHERENCE_DAYS - 1)
    in_force = PlanVersion.objects.filter(plan__patient=OuterRef("pk")).filter(
        Q(needs_approval=False) | Q(approved_at__isnull=False)
    )
    with_plan = window.patients().filter(Exists(in_force))
    return {
        patient.pk: domain.adherence_needs(adherence(patient, since, until))
        for patient in with_plan
    }


def overdue_follow_ups(window: Window) -> Found:
    """The follow-up schedule's items past their due date and not done (overdue, or missed
    when the window closed), a team review among them."""
    found: dict[int, list[domain.Overdue]] = defaultdict(list)
    for scheduled in due_items(window.patients(), window.today):
        if scheduled.status in (Status.OVERDUE, Status.MISSED):
            item = scheduled.item
            what = msgid(ScheduleKind(item.kind).label)
            found[item.patient_id].append(domain.Overdue(what, item.due_on))
    return {patient_id: domain.overdue_needs(items) for patient_id, items in found.items()}


def pending_proposals(window: Window) -> Found:
    """The adjustment rules' proposals still waiting for the role that decides (issue #6 §2)."""
    found: dict[int, list[domain.Pending]] = defaultdict(list)
    rows = Proposal.objects.open().filter(patient_id__in=window.patient_ids)
    for patient_id, rule, role, urgency, created_at in rows.values_list(
        "patient_id", "rule", "role", "urgency", "created_at"
    ):
        definition = RULES_BY_ID.get(rule)
        found[patient_id].append(
            domain.Pending(
                what=definition.title if definition else rule,
                role=msgid(ROLE_LABELS[Role(role)]),
                since=timezone.localdate(created_at),
                urgent=urgency == Urgency.URGENT,
            )
        )
    return {patient_id: domain.proposal_needs(some) for patient_id, some in found.items()}


# The registry: every source the agenda reads.
AGENDA_SOURCES: list[AgendaSource] = [
    urgent_alerts,
    falls,
    measures,
    pending_proposals,
    low_adherence,
    overdue_follow_ups,
]


def last_held(care_team: CareTeam, before: Meeting | None = None) -> date | None:
    """The day of the care team's last meeting held (before `before`, when given)."""
    held = Meeting.objects.filter(care_team=care_team, status=MeetingStatus.HELD)
    if before is not None:
        held = held.exclude(pk=before.pk).filter(scheduled_at__lte=before.scheduled_at)
    latest = held.order_by("-scheduled_at").first()
    return timezone.localdate(latest.scheduled_at) if latest else None


def team_agenda(
    care_team: CareTeam, today: date, *, meeting: Meeting | None = None
) -> tuple[date, list[domain.Entry]]:
    """The first day whose news counts, and the care team's patients in the program who need
    discussion, in the agenda's order, from every registered source."""
    team = in_program().filter(care_team=care_team).only("family_name", "given_name")
    names = {patient.pk: patient.name for patient in team}
    since = domain.facts_since(last_held(care_team, meeting), today)
    window = Window(tuple(sorted(names)), since, today)
    needs = domain.merged(source(window) for source in AGENDA_SOURCES)
    return since, domain.agenda(needs, names)
