import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Plans, codes and messages are dated: fix today (a Saturday)."""
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


@pytest.fixture(autouse=True)
def _no_earlier_tries():
    """The join page counts wrong codes in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()
