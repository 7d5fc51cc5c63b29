from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import reminders_send


@db_periodic_task(crontab(minute="*/15"))
def send_reminders() -> None:
    """Every quarter of an hour: the reminders due now, by each recipient's preferences. Each
    reminder is recorded before it is sent, under a unique key, so a run that overlaps another
    (two workers, a retry) sends nothing twice."""
    reminders_send(now=timezone.now())
