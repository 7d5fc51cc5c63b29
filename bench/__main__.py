"""`python -m bench [MEASURE ...]`: run the measures, print the table, write results/latest.json.

With no names it runs every module in bench/measures; `--list` names them.
"""

import argparse
import json
import pkgutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import measures
from bench.harness import PYTHON, RESULT_PREFIX, ROOT, Result, last_result

RESULTS = Path(__file__).resolve().parent / "results"


def names() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(measures.__path__))


def run_one(name: str) -> list[Result]:
    """The measure in its own process; a failure becomes a row that says so."""
    code = (
        "import json\n"
        "from bench.harness import RESULT_PREFIX\n"
        f"from bench.measures.{name} import run\n"
        "print(RESULT_PREFIX + json.dumps([r.as_dict() for r in run()]))\n"
    )
    started = time.perf_counter()
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False
    )
    seconds = time.perf_counter() - started
    print(f"  · {name}: {seconds:.0f} s", file=sys.stderr, flush=True)
    if done.returncode or RESULT_PREFIX not in done.stdout:
        return [Result(name, float("nan"), "", passed=False, note="the measure failed; see above")]
    rows = last_result(done.stdout)
    return [Result(**{k: v for k, v in row.items() if k != "ratio"}) for row in rows]


def figure(value: float | None) -> str:
    if value is None:
        return "—"
    if value != value:  # NaN
        return "failed"
    return f"{value:,.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def table(results: list[Result]) -> str:
    header = ("measure", "ours", "floor", "ratio", "target", "pass")
    rows = [
        (
            r.measure,
            f"{figure(r.ours)} {r.unit}".strip(),
            figure(r.floor),
            figure(r.ratio),
            r.target,
            {True: "yes", False: "NO", None: "—"}[r.passed],
        )
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("measures", nargs="*", help="which measures (all when none are named)")
    parser.add_argument("--list", action="store_true", help="name the measures and stop")
    options = parser.parse_args()
    if options.list:
        print("\n".join(names()))
        return 0
    unknown = set(options.measures) - set(names())
    if unknown:
        parser.error(f"unknown measures: {', '.join(sorted(unknown))}; known: {', '.join(names())}")
    started = time.perf_counter()
    results = [row for name in options.measures or names() for row in run_one(name)]
    print()
    print(table(results))
    RESULTS.mkdir(exist_ok=True)
    report = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started),
        "results": [r.as_dict() for r in results],
    }
    (RESULTS / "latest.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(
        f"\n{len(results)} figures in {report['seconds']} s; written to bench/results/latest.json"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
