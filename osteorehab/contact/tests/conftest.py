import pytest


@pytest.fixture(autouse=True)
def _now(time_machine):
    """Follow-ups are compared with now: fix it (a Saturday, 09:00 UTC)."""
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)
