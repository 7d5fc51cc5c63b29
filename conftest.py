import pytest
from huey.contrib.djhuey import HUEY


@pytest.fixture(autouse=True)
def _jobs_run_inline():
    """Background jobs run at once in tests, except where a test uses the real queue."""
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that are not about hashing use a fast hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team(db):
    """A care team with one clinician of each role, in its own organisation."""
    from tests.factories import make_org, make_team

    return make_team(make_org())
