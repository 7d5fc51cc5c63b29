import os

import pytest
from django.core import mail
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from osteorehab.accounts.tasks import send_email


@pytest.mark.django_db
def test_an_email_job_travels_through_the_configured_queue():
    """Redis when REDIS_URL is set (shared by several machines' workers), SQLite otherwise."""
    HUEY.immediate = False  # the tests' default is inline, with in-memory storage
    expected = RedisStorage if os.environ.get("REDIS_URL") else SqliteStorage
    assert isinstance(HUEY.storage, expected)
    HUEY.flush()
    send_email("Reset your password", "Open the link", "ann@example.org")
    assert HUEY.pending_count() == 1
    assert mail.outbox == []  # queued, not sent
    HUEY.execute(HUEY.dequeue())
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Reset your password", ["ann@example.org"])
    ]
    assert HUEY.pending_count() == 0
