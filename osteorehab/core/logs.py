"""Log lines without patient data.

Our own log calls name records by id, never by a patient's words. What remains is the message
of an exception: Python's and the database's messages quote the values they choke on
(`invalid literal for int() with base 10: '王芳'`, PostgreSQL's `Key (record_number)=(RH100007)
already exists`, a template's failed lookup in the repr of a patient), and Django logs every
500 with its exception. So exceptions are written as their traceback (files, lines, functions
and code) and their type, without their message.
"""

import logging
import traceback
from types import TracebackType

UNSAID = "(message not logged: it may quote patient data)"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]


def _chain(error: BaseException) -> list[BaseException]:
    """The exception and those it arose from, the first cause first."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return chain[::-1]


class NoDataFormatter(logging.Formatter):
    def formatException(self, ei: ExcInfo | tuple[None, None, None]) -> str:
        if ei[1] is None:
            return ""
        parts: list[str] = []
        for error in _chain(ei[1]):
            if parts:
                parts.append("\nThe exception above led to this one:\n\n")
            parts.append("Traceback (most recent call last):\n")
            parts += traceback.format_list(traceback.extract_tb(error.__traceback__))
            parts.append(f"{type(error).__module__}.{type(error).__qualname__}: {UNSAID}")
        return "".join(parts)

    def format(self, record: logging.LogRecord) -> str:
        # Another handler may have cached the exception with its message on the record first.
        record.exc_text = None
        return super().format(record)
