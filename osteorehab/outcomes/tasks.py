from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, lock_task

from osteorehab.patients.models import Episode

# One refresh at a time: two would both replace the same summaries.
LOCK = "outcomes-cohort-summaries"


@db_periodic_task(crontab(minute="45"), retries=2, retry_delay=300)
@lock_task(LOCK)
def cohort_summaries() -> None:
    """Every hour: every episode's summary of today, the figures the cohort dashboard sums up
    (`summary.summaries_refresh`)."""
    from django.utils import timezone

    from .summary import summaries_refresh

    summaries_refresh(episodes=Episode.objects.all(), today=timezone.localdate())


@db_task(retries=2, retry_delay=60)
@lock_task(LOCK)
def cohort_summaries_missing(organisation_id: int) -> None:
    """The summaries of today an organisation's dashboard found missing (new episodes, or the
    first view of a day the hourly job has not reached yet)."""
    from django.utils import timezone

    from .summary import summaries_refresh, unsummarised

    today = timezone.localdate()
    episodes = Episode.objects.filter(patient__organisation_id=organisation_id)
    summaries_refresh(episodes=unsummarised(episodes, today), today=today)
