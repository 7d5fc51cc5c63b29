"""Batch scoring: 100,000 PHQ-9 questionnaires through the command line, against a plain loop.

`osteorehab score phq9 --csv IN.csv --out OUT.csv` reads the file, scores every row (bands,
flags, the missing-item rule, the syndrome) and writes the scored file. The floor is a plain
Python loop that reads the same file with the csv module, sums each row's items (an empty one
as 0) and writes the sums: the reading, parsing and writing any scorer must do, and the least
arithmetic. Both run as a fresh process, so both pay for starting Python; the best of three runs
each, by wall time (the CPU time is noted: the other sessions on this machine move it less).
"""

import random
import resource
import subprocess
import tempfile
from pathlib import Path

from bench.harness import PYTHON, ROOT, SEED, Result, log, stopwatch

ROWS = 100_000
REPEAT = 3
ITEMS = [f"q{n}" for n in range(1, 10)]

FLOOR = """
import csv, sys
with open(sys.argv[1], newline="") as source, open(sys.argv[2], "w", newline="") as target:
    rows = csv.reader(source)
    items = [n for n, name in enumerate(next(rows)) if name.startswith("q")]
    out = csv.writer(target)
    out.writerow(["id", "total"])
    for row in rows:
        out.writerow([row[0], sum(int(row[n] or 0) for n in items)])
"""


def write_answers(path: Path) -> None:
    """ROWS answer sets as a research data set holds them: mostly complete, a few with one or
    two items left empty (prorated), a very few with more (not computable)."""
    rng = random.Random(SEED)  # noqa: S311  (reproducible data, not secrets)
    with path.open("w", encoding="utf-8") as file:
        file.write(",".join(["id", *ITEMS]) + "\n")
        for n in range(ROWS):
            answers = [str(rng.choice((0, 0, 1, 1, 1, 2, 2, 3))) for _ in ITEMS]
            for _ in range(rng.choice((0,) * 96 + (1, 1, 2, 4))):
                answers[rng.randrange(len(ITEMS))] = ""
            file.write(f"R{n:06d}," + ",".join(answers) + "\n")


def timed(command: list[str], repeat: int = REPEAT) -> tuple[float, float]:
    """The best wall time and the best CPU time (user and system) of `repeat` runs, seconds."""
    walls, cpus = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with stopwatch() as elapsed:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if done.returncode not in (0, 2):  # 2: some rows not computable, as written
            raise RuntimeError(done.stderr)
        walls.append(elapsed())
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return min(walls), min(cpus)


def run() -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-scoring-") as folder:
        answers, out = Path(folder, "in.csv"), Path(folder, "out.csv")
        write_answers(answers)
        floor, floor_cpu = timed([PYTHON, "-c", FLOOR, str(answers), str(out)])
        cli = [PYTHON, "-m", "osteorehab.cli", "score", "phq9", "--csv", str(answers)]
        ours, ours_cpu = timed([*cli, "--out", str(out)])
        scored = sum(1 for _ in out.open()) - 1
    log(f"CLI {ours:.2f} s ({ours_cpu:.2f} s CPU), floor {floor:.2f} s ({floor_cpu:.2f} s CPU)")
    if scored != ROWS:
        raise RuntimeError(f"{scored} rows scored of {ROWS}")
    return [
        Result(
            "batch scoring: 100,000 PHQ-9 (CLI)",
            ours,
            "s",
            floor=floor,
            target="≤ 5 × floor",
            passed=ours <= 5 * floor,
            note=(
                f"{ROWS / ours:,.0f} rows/s; CPU {ours_cpu:.2f} s against {floor_cpu:.2f} s "
                f"({ours_cpu / floor_cpu:.1f} ×)"
            ),
        )
    ]
