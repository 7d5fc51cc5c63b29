"""Ids as they arrive in a query string, a form or a reference: text to be checked."""

MAX_ID = 2**63 - 1  # the largest integer the databases store (bigint)


def id_from(text: str) -> int | None:
    """The id the text names, or None. `str.isdigit` also takes "²", which `int` refuses,
    and a number past the databases' integers names nothing (`int` refuses 4,300 digits)."""
    if not text.isdecimal() or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
