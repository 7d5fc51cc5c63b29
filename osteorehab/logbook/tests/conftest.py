import pytest


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Saturday 21 November 2026: log dates are compared with today, and today's session is the
    plan's Saturday."""
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)
