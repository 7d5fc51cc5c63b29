from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .exports import export_run, exports_prune


@db_task()
def fhir_export(job_id: str) -> None:
    """Write a bulk export's files (`exports.export_run`); a job already done is left as it is."""
    export_run(job_id)


@db_periodic_task(crontab(hour="3", minute="30"))
def fhir_exports_prune() -> int:
    """Daily: remove the exports kept long enough (`exports.KEEP`)."""
    return exports_prune()
