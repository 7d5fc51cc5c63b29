"""Chain the audit rows not yet sealed now, as the every-minute job does:

manage.py audit_seal
"""

from typing import Any

from django.core.management.base import BaseCommand

from osteorehab.audit.services import audit_seal


class Command(BaseCommand):
    help = "Seal the audit rows written since the last sealing into the hash chain."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{audit_seal()} audit rows sealed.")
