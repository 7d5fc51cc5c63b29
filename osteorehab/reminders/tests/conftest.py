import pytest

from osteorehab.reminders.sms import OutboxSender


@pytest.fixture(autouse=True)
def _now(time_machine):
    """A Saturday, mid-morning (the settings' time zone is UTC in tests)."""
    time_machine.move_to("2026-11-21 10:00:00+00:00", tick=False)


@pytest.fixture
def sms_outbox(settings):
    """Text messages go to `OutboxSender.outbox` instead of the log."""
    settings.SMS_SENDER = "osteorehab.reminders.sms.OutboxSender"
    OutboxSender.outbox.clear()
    yield OutboxSender.outbox
    OutboxSender.outbox.clear()
