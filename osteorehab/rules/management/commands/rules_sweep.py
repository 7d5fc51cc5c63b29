import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from osteorehab.rules.models import SweepRun
from osteorehab.rules.services import SWEEP_BATCH, sweep_run, sweep_shares
from osteorehab.rules.tasks import rules_for_patients


class Command(BaseCommand):
    help = (
        "Run the adjustment rules over every patient in the program now (as the hourly job "
        "does), resuming today's sweep if it stopped half-way; print the progress and the time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--again", action="store_true", help="sweep again even if today's sweep finished"
        )
        parser.add_argument("--batch", type=int, default=SWEEP_BATCH, help="patients per batch")
        parser.add_argument(
            "--date", type=date.fromisoformat, help="the day to run the rules on (YYYY-MM-DD)"
        )
        parser.add_argument(
            "--fan-out",
            action="store_true",
            help="queue the sweep as one task per batch for the running workers to share, today",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["fan_out"]:
            if options["date"] or options["again"]:
                raise CommandError(
                    "--fan-out sweeps today, stores only what is new: no --date or --again"
                )
            shares = sweep_shares(batch=options["batch"])
            for share in shares:
                rules_for_patients(share)
            patients = sum(map(len, shares))
            self.stdout.write(f"Queued {len(shares)} tasks for {patients} patients.")
            return
        started = time.perf_counter()
        batches = []

        def progress(run: SweepRun) -> None:
            batches.append(run.done)
            if options["verbosity"] > 1:
                self.stdout.write(f"{run.done}/{run.total} patients")

        run = sweep_run(
            today=options["date"] or timezone.localdate(),
            batch=options["batch"],
            again=options["again"],
            progress=progress,
        )
        summary = f"{run.done}/{run.total} patients, {run.proposals} new proposals"
        if not batches:
            self.stdout.write(
                f"The sweep of {run.day} had finished already ({summary}); --again sweeps anew."
            )
            return
        self.stdout.write(
            f"Sweep of {run.day}: {summary}, in {time.perf_counter() - started:.1f} s."
        )
