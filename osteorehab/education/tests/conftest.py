import pytest


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Ages, due dates and check dates are compared with today: fix it."""
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)
