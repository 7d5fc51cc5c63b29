from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab())  # every minute: a row waits at most a minute for its seal
def audit_seal_pending() -> None:
    """Chain the audit rows written since the last run (idempotent: none, nothing done)."""
    from .services import audit_seal  # imported here, as the other apps' tasks do

    audit_seal()
