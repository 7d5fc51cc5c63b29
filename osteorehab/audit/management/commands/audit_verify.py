"""Check the audit trail against its seals (osteorehab.audit.domain):

    manage.py audit_verify          (or: osteorehab audit verify)

Exit status 0 when every row is as the application wrote it, 1 naming the first row that is
not. The head printed (seq and hash of the last sealed row) is worth keeping outside the
database: a later head that does not extend it means the newest rows were deleted.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from osteorehab.audit.services import audit_verify


class Command(BaseCommand):
    help = "Check the audit trail's hash chain and row MACs; name the first broken row."

    def handle(self, *args: Any, **options: Any) -> None:
        verdict = audit_verify()
        if verdict.broken is not None:
            raise CommandError(
                f"Audit trail broken at {verdict.broken}. "
                f"{verdict.sealed} rows before it are intact."
            )
        self.stdout.write(
            f"Audit trail intact: {verdict.sealed} rows sealed "
            f"(head: seq {verdict.head_seq}, hash {verdict.head_hash}); "
            f"{verdict.unsealed} rows not yet sealed, their MACs correct."
        )
