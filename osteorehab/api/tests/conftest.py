"""Fixed day, API tokens and JSON clients for the API and import tests."""

from typing import Any

import pytest
from django.test import Client

from osteorehab.accounts.domain import Role
from osteorehab.accounts.models import User
from osteorehab.accounts.services import api_token_create
from tests.factories import make_user

TODAY = "2026-11-21"


@pytest.fixture(autouse=True)
def _today(time_machine):
    """Registration and the log compare dates with today: fix it (a Saturday)."""
    time_machine.move_to(f"{TODAY} 09:00:00+00:00", tick=False)


def token_client(user: User, **headers: Any) -> Client:
    """A client sending an API token that acts as `user`, made by an administrator."""
    admin = make_user(Role.ADMIN, user.organisation)
    _token, key = api_token_create(by=admin, user=user, name="Test integration")
    return Client(headers={"Authorization": f"Bearer {key}", **headers})
