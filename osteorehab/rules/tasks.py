from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, task

from osteorehab.patients.models import Patient


@task(retries=3, retry_delay=60)
def rules_for_patient(patient_id: int) -> None:
    """The rules on one patient's history, after new data: idempotent (what was proposed on the
    same data is not proposed again)."""
    # imported here: the services that enqueue this task are imported by the rules' services
    from .selectors import in_program
    from .services import proposals_find

    patient = in_program().filter(pk=patient_id).first()
    if patient is not None:
        proposals_find(patients=[patient], today=timezone.localdate())


@task(retries=3, retry_delay=60)
def rules_for_patients(patient_ids: list[int]) -> int:
    """The rules on these patients' histories: one share of a sweep that several workers run at
    once (`services.sweep_fan_out`). Idempotent, whoever runs it and however often: what was
    proposed on the same data is stored once (the database's constraints). How many new."""
    from .selectors import in_program
    from .services import proposals_find

    patients = list(in_program().filter(pk__in=patient_ids).order_by("pk"))
    return len(proposals_find(patients=patients, today=timezone.localdate())) if patients else 0


def rules_soon(patient: Patient) -> None:
    """Run the rules on the patient once the transaction that brought new data commits."""
    transaction.on_commit(lambda: rules_for_patient(patient.pk))


@db_periodic_task(crontab(minute="15"), retries=3, retry_delay=300)
def rules_sweep() -> None:
    """Every hour: the first run of a day sweeps every patient in the program; a later one
    resumes a sweep that stopped half-way, or does nothing."""
    from .services import sweep_run

    sweep_run(today=timezone.localdate())
