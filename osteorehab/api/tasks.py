from huey.contrib.djhuey import db_task


@db_task()
def patients_import(job_id: str) -> None:
    """Check and register a patient spreadsheet (`services.patients_import_run`); a job already
    taken up is left as it is."""
    # imported here: the service that enqueues this task lives in that module
    from .services import patients_import_run

    patients_import_run(job_id)
