"""Text messages through a pluggable sender: no provider is built in. A deployment names its
sender class in the SMS_SENDER setting (a dotted path); it needs only `send(phone, text)`.

What goes in a text is the reminder's own words, which carry no clinical detail (no diagnosis,
score or band), and a link behind login.
"""

import logging
from typing import ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsSender(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def masked(phone: str) -> str:
    """The last two digits only: enough to tell two phones apart in a log, no more."""
    digits = [c for c in phone if c.isdigit()]
    return "…" + "".join(digits[-2:])


class ConsoleSender:
    """Sends nothing: writes the text to the log (the phone masked). A warning, so that a
    deployment still on this sender sees that no text message leaves."""

    def send(self, phone: str, text: str) -> None:
        logger.warning("SMS not sent (console sender) to %s: %s", masked(phone), text)


class OutboxSender:
    """Keeps each text in `outbox`, as (phone, text), for tests."""

    outbox: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        OutboxSender.outbox.append((phone, text))


def sms_sender() -> SmsSender:
    sender: SmsSender = import_string(settings.SMS_SENDER)()
    return sender
