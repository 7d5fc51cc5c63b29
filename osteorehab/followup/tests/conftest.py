import pytest


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Saturday 21 November 2026, mid-morning (the settings' time zone is UTC in tests)."""
    time_machine.move_to("2026-11-21 10:00:00+00:00", tick=False)
