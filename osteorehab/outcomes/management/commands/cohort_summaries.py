import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from osteorehab.outcomes.summary import CHUNK, summaries_refresh
from osteorehab.patients.models import Episode


class Command(BaseCommand):
    help = (
        "Sum up every program episode's figures for the cohort dashboard now (as the hourly "
        "job does); print the progress and the time."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--chunk", type=int, default=CHUNK, help="patients at a time")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()

        def progress(done: int) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} episodes")

        done = summaries_refresh(
            episodes=Episode.objects.all(),
            today=timezone.localdate(),
            chunk=options["chunk"],
            progress=progress,
        )
        self.stdout.write(f"{done} episodes summed up in {time.perf_counter() - started:.1f} s.")
