"""What the chaos run does inside the app's own environment (Django set up against the throwaway
cluster), one subcommand per step, each printing JSON:

    python -m chaos.inside prepare    tokens, logins, reminder choices; the run's facts
    python -m chaos.inside consumer   the Huey consumer (one thread worker, no schedule)
    python -m chaos.inside enqueue NAME   the job NAME (rules_sweep, send_reminders) queued
    python -m chaos.inside flush      the queue emptied (the log's rules_soon tasks)
    python -m chaos.inside jobs       what the jobs stored: sweeps, proposals, reminders
    python -m chaos.inside again      a full sweep and a reminder run, at once: what they added
"""

import json
import os
import sys
from datetime import time
from typing import Any

# The rules sweep of the chaos program's few patients, two a batch, each batch taking as long
# as a full one of a large program would: so that a kill lands mid-sweep, between batches or
# inside one (deployments keep SWEEP_BATCH).
CHAOS_SWEEP_BATCH = 2
CHAOS_BATCH_SECONDS = 0.3


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def prepare() -> dict[str, Any]:
    """An API token acting as the demo nurse (who enters the log on the patients' behalf); a
    login for each demo patient, with reminders by text message and in the app at any hour; and
    the demo's proposals and sweeps removed, so that the chaos run's sweep finds them anew."""
    from django.utils import timezone

    from osteorehab.accounts.domain import Role
    from osteorehab.accounts.models import User
    from osteorehab.accounts.services import api_token_create
    from osteorehab.logbook.selectors import approved_version
    from osteorehab.patients.models import Patient
    from osteorehab.plans.domain import items_of
    from osteorehab.reminders.domain import MAX_PER_DAY_RANGE
    from osteorehab.reminders.models import ReminderPreference
    from osteorehab.rules.models import Proposal, SweepRun

    admin = User.objects.get(username="admin")
    nurse = User.objects.get(username="nurse")
    _token, key = api_token_create(by=admin, user=nurse, name="chaos run")
    patients = list(Patient.objects.filter(care_team__memberships__user=nurse).order_by("pk"))
    for patient in patients:
        if patient.user_id is None:
            patient.user = User.objects.create_user(
                username=f"chaos-patient-{patient.pk}",
                password=None,
                full_name=patient.name,
                role=Role.PATIENT,
                organisation=patient.organisation,
            )
            patient.save(update_fields=["user"])
        ReminderPreference.objects.update_or_create(
            user=patient.user,
            defaults={
                "by_email": False,
                "by_sms": True,
                "in_app": True,
                "quiet_start": time(0),
                "quiet_end": time(0),  # equal: no quiet hours
                "max_per_day": MAX_PER_DAY_RANGE[1],
                "phone": f"+155501{patient.pk:05d}",
            },
        )
    Proposal.objects.all().delete()
    SweepRun.objects.all().delete()
    plans = {}
    for patient in patients:
        version = approved_version(patient)
        items = items_of(version.content) if version else []
        if version and items:
            plans[patient.pk] = [version.number, items[0].exercise]
    return {
        "token": key,
        "patients": [p.pk for p in patients],
        "plans": plans,
        "today": timezone.localdate().isoformat(),
        "local_time": timezone.localtime().strftime("%H:%M"),
    }


def consumer() -> None:
    """The consumer as `manage.py run_huey` runs it, one thread worker, no periodic schedule
    (the run queues each job itself), the sweep in small, slow batches."""
    import time

    from django.core.management import call_command

    from osteorehab.rules import services

    find = services.proposals_find

    def slow_find(**arguments: Any) -> Any:
        time.sleep(CHAOS_BATCH_SECONDS)
        return find(**arguments)

    defaults = services.sweep_run.__kwdefaults__ or {}  # its keyword-only arguments' defaults
    defaults["batch"] = CHAOS_SWEEP_BATCH
    services.sweep_run.__kwdefaults__ = defaults
    services.proposals_find = slow_find
    call_command("run_huey", workers=1, worker_type="thread", periodic=False, initial_delay=0.05)


def enqueue(name: str) -> dict[str, Any]:
    from osteorehab.reminders.tasks import send_reminders
    from osteorehab.rules.tasks import rules_sweep

    jobs = {"rules_sweep": rules_sweep, "send_reminders": send_reminders}
    jobs[name]()
    return {"queued": name}


def flush() -> dict[str, Any]:
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
    return {"flushed": True}


def jobs() -> dict[str, Any]:
    """What the jobs stored, and anything stored twice."""
    from django.db.models import Count
    from django.utils import timezone

    from osteorehab.reminders.models import Notification, SentReminder
    from osteorehab.reminders.sources import due_now
    from osteorehab.rules.models import Proposal, SweepRun

    def twice(rows: Any, *fields: str) -> int:
        return rows.values(*fields).annotate(n=Count("pk")).filter(n__gt=1).count()

    sweep = SweepRun.objects.filter(day=timezone.localdate()).order_by("-pk").first()
    return {
        "sweep": None
        if sweep is None
        else {
            "done": sweep.done,
            "total": sweep.total,
            "finished": sweep.finished_at is not None,
            "proposals": sweep.proposals,
        },
        "sweeps": SweepRun.objects.count(),
        "proposals": Proposal.objects.count(),
        "proposals_twice": twice(Proposal.objects.all(), "patient", "fingerprint"),
        "reminders_due": len({(d.recipient_id, d.key) for d in due_now(timezone.now())}),
        "reminders": SentReminder.objects.count(),
        "reminders_twice": twice(SentReminder.objects.all(), "user", "key"),
        "notifications": Notification.objects.count(),
        "notifications_twice": twice(Notification.objects.all(), "user", "text_en", "url"),
    }


def again() -> dict[str, Any]:
    """Both jobs once more, to the end, in this process: what a finished job leaves to do."""
    from django.utils import timezone

    from osteorehab.reminders.services import reminders_send
    from osteorehab.rules.services import sweep_run

    run = sweep_run(today=timezone.localdate(), again=True)
    return {"new_proposals": run.proposals, "new_reminders": reminders_send(now=timezone.now())}


def main(argv: list[str]) -> int:
    _django()
    command = argv[0]
    if command == "consumer":
        consumer()
        return 0
    steps = {"prepare": prepare, "flush": flush, "jobs": jobs, "again": again}
    result = enqueue(argv[1]) if command == "enqueue" else steps[command]()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
