from huey.contrib.djhuey import db_task

from .exports import export_run


@db_task()
def fhir_export(job_id: str) -> None:
    """Write a bulk export's files (`exports.export_run`); a job already done is left as it is."""
    export_run(job_id)
