"""Demo log: three weeks of the demo patient's sessions and check-ins, done on most days,
effort easing as the weeks go by, a few sessions skipped (tired, no time) — so that Today, the
log overview and the plan's proposals have something to show. Made-up data, no safety signal."""

import random
import uuid
from datetime import date, timedelta

from django.utils import timezone

from osteorehab.accounts.models import User
from osteorehab.patients.models import Patient
from osteorehab.plans import domain
from osteorehab.plans.exercises import Category
from osteorehab.plans.models import CarePlan, Exercise

from .domain import due_on
from .models import CheckIn, EnteredAs, ExerciseLog

DAYS = 21


def demo_log(patient: Patient, *, today: date, rng: random.Random) -> None:
    plan = CarePlan.objects.filter(patient=patient).first()
    version = plan.latest if plan else None
    if version is None or patient.user is None:
        return
    items = domain.items_of(version.content)
    logs, check_ins = [], []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        easing = back / DAYS  # effort falls from about 6 to about 4 of 10
        for item in items:
            if day.weekday() not in item.days:
                continue
            skipped = rng.random() < 0.12
            logs.append(
                ExerciseLog(
                    patient=patient,
                    day=day,
                    exercise=item.exercise,
                    plan_version=version.number,
                    completion="skipped" if skipped else "done",
                    sets=None if skipped else item.dose.sets,
                    reps=None if skipped else item.dose.reps,
                    minutes=None if skipped else item.dose.minutes,
                    effort=None if skipped else round(4 + 2 * easing + rng.uniform(-0.5, 0.5)),
                    pain=None if skipped else rng.choice([0, 1, 1, 2]),
                    skip_reason=rng.choice(["fatigue", "no_time"]) if skipped else "",
                    entered_by=patient.user,
                    entered_as=EnteredAs.PATIENT,
                    client_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
        check_ins.append(
            CheckIn(
                patient=patient,
                day=day,
                mood=rng.choice([3, 4, 4, 5]),
                confidence=round(5 + 3 * (1 - easing)),
                fatigue=rng.choice([2, 3, 4]),
                sleep=rng.choice(["fair", "good", "good"]),
                pain=rng.choice([1, 2, 2, 3]),
                back_pain_new=False,
                falls=0,
                near_falls=0,
                entered_by=patient.user,
                entered_as=EnteredAs.PATIENT,
                client_key=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
    ExerciseLog.objects.bulk_create(logs)
    CheckIn.objects.bulk_create(check_ins)


def demo_fatigued_log(patient: Patient, *, today: date, nurse: User) -> None:
    """The program's own example (issue #6): up to three weeks of sessions entered from the
    paper diary, every planned one done since the plan began; the aerobic work at effort 9 of 10
    (above the aerobic target) in the last nine days; everything else at a moderate 5 to 6;
    pain steady at 1; tiredness in the check-ins 3, then 7 in the last week.
    Only marked exercise fatigue shows."""
    plan = CarePlan.objects.filter(patient=patient).first()
    version = plan.latest if plan else None
    if version is None:
        return
    items = domain.items_of(version.content)
    aerobic = set(
        Exercise.objects.filter(
            code__in=[i.exercise for i in items], category=Category.AEROBIC
        ).values_list("code", flat=True)
    )
    rng = random.Random(patient.pk)  # noqa: S311  # nosec B311  # reproducible demo data
    started = timezone.localdate(version.created_at)  # logged from the day the plan began
    logs, check_ins = [], []
    for back in range(DAYS, 0, -1):
        day = today - timedelta(days=back)
        for item in due_on(items, day) if day >= started else ():
            hard = item.exercise in aerobic and back <= 9
            logs.append(
                ExerciseLog(
                    patient=patient,
                    day=day,
                    exercise=item.exercise,
                    plan_version=version.number,
                    completion="done",
                    sets=item.dose.sets,
                    reps=item.dose.reps,
                    minutes=item.dose.minutes,
                    effort=9 if hard else rng.choice([5, 6]),
                    pain=1,
                    entered_by=nurse,
                    entered_as=EnteredAs.NURSE_PAPER,
                    client_key=uuid.UUID(int=rng.getrandbits(128)),
                )
            )
        check_ins.append(
            CheckIn(
                patient=patient,
                day=day,
                mood=3,
                confidence=5,
                fatigue=7 if back <= 7 else 3,
                sleep="fair",
                pain=1,
                back_pain_new=False,
                falls=0,
                near_falls=0,
                entered_by=nurse,
                entered_as=EnteredAs.NURSE_PAPER,
                client_key=uuid.UUID(int=rng.getrandbits(128)),
            )
        )
    ExerciseLog.objects.bulk_create(logs)
    CheckIn.objects.bulk_create(check_ins)
