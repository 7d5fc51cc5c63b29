import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from osteorehab.accounts.models import Organisation
from osteorehab.patients.demo import DEMO_PASSWORD, build_demo
from osteorehab.patients.synthetic import build_synthetic

# Above this many patients the demo is the synthetic program (the demo's own generator writes
# row by row through the services' rules and would take hours).
LARGEST_DEMO = 200
DAYS = 180
CASELOADS_SHOWN = 3


class Command(BaseCommand):
    help = (
        "Load a demo program: a care team with one user per role, patients, a caregiver. "
        f"With --days, or more than {LARGEST_DEMO} patients, the large synthetic program for "
        "benchmarks instead (osteorehab.patients.synthetic): patients across four sites and "
        "care teams of set sizes, with D days of history (plans, daily logs, check-ins, "
        "check-ups, falls), written by COPY on PostgreSQL, deterministic for a seed and a day; "
        "e.g. `load_demo --patients 10000 --days 180 --seed 2026`. From 1,800 patients on, the "
        "nurses `nurse`, `nurse2` and `nurse3` have caseloads of 200, 50 and 500 patients "
        "(the command prints each nurse's caseload). The same logins and password as the demo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, default=12, help="how many patients (12)")
        parser.add_argument(
            "--days",
            type=int,
            help=f"days of history: the synthetic program ({DAYS} when only --patients is over "
            f"{LARGEST_DEMO})",
        )
        parser.add_argument("--seed", type=int, default=2026, help="random seed (2026)")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if the database holds a program"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        patients, days = options["patients"], options["days"]
        if patients < 1 or (days is not None and days < 1):
            raise CommandError("--patients and --days must be at least 1.")
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("The database already holds a program; keeping it.")
        elif days is not None or patients > LARGEST_DEMO:
            if Organisation.objects.exists():
                raise CommandError(
                    "The database already holds a program: load the synthetic program into an "
                    "empty database (migrated, nothing loaded)."
                )
            self._synthetic(patients, days or DAYS, options["seed"])
        else:
            started = time.perf_counter()
            demo = build_demo(
                patients=patients,
                seed=options["seed"],
                today=timezone.localdate(),
                earlier_year=True,
            )
            self.stdout.write(
                f"Loaded {demo.patients} patients in {time.perf_counter() - started:.1f} s."
            )
        self._logins()

    def _synthetic(self, patients: int, days: int, seed: int) -> None:
        program = build_synthetic(
            patients=patients, days=days, seed=seed, today=timezone.localdate()
        )
        rows = sum(program.rows.values())
        self.stdout.write(
            f"Loaded {program.patients} patients with {program.days} days of history in "
            f"{program.seconds:.1f} s: {rows:,} rows, {rows / program.seconds:,.0f} a second."
        )
        for table, count in sorted(program.rows.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {table:32} {count:>12,}")
        caseloads = list(program.caseloads.items())
        shown = ", ".join(f"{username} {count}" for username, count in caseloads[:CASELOADS_SHOWN])
        more = len(caseloads) - CASELOADS_SHOWN
        self.stdout.write(
            f"Caseloads: {shown}" + (f" (and {more} more teams)" if more > 0 else "") + "."
        )

    def _logins(self) -> None:
        logins = ["counsellor", "therapist", "physician", "nurse", "lead", "patient", "caregiver"]
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username in logins:
            self.stdout.write(f"  {username}")
        self.stdout.write("  admin  (system administrator; sets up two-factor login first)")
