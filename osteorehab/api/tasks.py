from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def patients_import(job_id: str) -> None:
    """Check and register a patient spreadsheet (`services.patients_import_run`); a job already
    taken up is left as it is."""
    # imported here: the service that enqueues this task lives in that module
    from .services import patients_import_run

    patients_import_run(job_id)


@db_periodic_task(crontab(minute="*/10"))
def imports_stalled() -> int:
    """Every ten minutes: the jobs whose worker died are marked failed (`services.STALE`)."""
    from .services import imports_stalled as mark

    return mark()
