import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Plans, codes and messages are dated: fix today (a Saturday)."""
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


@pytest.fixture(autouse=True)
def _no_earlier_tries(settings):
    """The join page counts wrong codes in the cache; these tests count in a cache of their own,
    starting empty. Not the run's Redis (when REDIS_URL is set): Redis expires keys by its own
    clock, out of reach of the tests' time travel, and clearing it would clear every other
    test's keys too."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "family-tests",
        }
    }
    cache.clear()
