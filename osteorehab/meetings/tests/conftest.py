import pytest

from osteorehab.accounts.domain import Role
from tests.factories import make_org, make_team, member


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Saturday 21 November 2026, 09:00 UTC: agendas, due dates and meetings are compared with
    today."""
    time_machine.move_to("2026-11-21 09:00:00+00:00", tick=False)


@pytest.fixture
def team():
    return make_team(make_org(), "Bone Health Team")


@pytest.fixture
def nurse(team):
    return member(team, Role.NURSE)
