"""Demo case meeting: the first care team's next meeting, tomorrow at 14:00, chaired by the
physician, its agenda built from the demo's facts like any other (so it lists exactly the demo
patients that need discussion). Built last, once every other fact of the demo is in place."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from osteorehab.accounts.models import CareTeam, User

from .models import Meeting
from .services import agenda_build

MEETING_AT = time(14, 0)


def demo_meeting(care_team: CareTeam, chair: User, *, today: date) -> Meeting:
    at = datetime.combine(today + timedelta(days=1), MEETING_AT, timezone.get_current_timezone())
    meeting = Meeting.objects.create(
        care_team=care_team, scheduled_at=at, chair=chair, scheduled_by=chair
    )
    agenda_build(meeting=meeting, by=chair, today=today)
    meeting.refresh_from_db()
    return meeting
