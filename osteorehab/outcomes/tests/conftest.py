import pytest

from osteorehab.accounts.domain import Role
from tests.factories import make_org, make_patient, make_team, member

from .helpers import history


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Friday 15 January 2027: a year after the test patients started the program."""
    time_machine.move_to("2027-01-15 09:00:00+00:00", tick=False)


@pytest.fixture
def team():
    return make_team(make_org(), "Bone Health Team")


@pytest.fixture
def nurse(team):
    return member(team, Role.NURSE)


@pytest.fixture
def patient(team):
    """Enrolled 5 January 2026, started 12 January, a year of history (`helpers.history`)."""
    found = make_patient(team, login=True, family_name="Progress", given_name="Pat")
    history(found)
    return found
