import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from osteorehab.accounts.models import Organisation
from osteorehab.patients.demo import DEMO_PASSWORD, build_demo


class Command(BaseCommand):
    help = "Load a demo program: a care team with one user per role, patients, a caregiver."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=12, help="how many patients (12)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database holds a program"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The database already holds a program; keeping it.")
        else:
            started = time.perf_counter()
            demo = build_demo(
                patients=options["patients"],
                seed=options["seed"],
                today=timezone.localdate(),
                earlier_year=True,
            )
            self.stdout.write(
                f"Loaded {demo.patients} patients in {time.perf_counter() - started:.1f} s."
            )
        logins = ["counsellor", "therapist", "physician", "nurse", "lead", "patient", "caregiver"]
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username in logins:
            self.stdout.write(f"  {username}")
        self.stdout.write("  admin  (system administrator; sets up two-factor login first)")
