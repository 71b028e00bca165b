"""``make bench``: every benchmark against the running stack, one JSON report.

Runs each benchmark module as a process of its own (as it runs alone), takes the one JSON document
it prints, and writes them together with the date, the commit and the machine to standard output
and to ``bench/results/<date>-<commit>.json``. A benchmark that fails is reported as such (its exit
status and the end of its error output) and the others still run; the exit status is then 1.

    uv run python -m bench.run [--only documents portal]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.open_cases import machine

RESULTS = Path(__file__).parent / "results"
BENCHMARKS = {
    "stack": "casia_local.bench",
    "ceilings": "bench.ceilings",
    "open_cases": "bench.open_cases",
    "cpu_per_case": "bench.cpu_per_case",
    "steady_rate": "bench.steady_rate",
    "emails": "bench.emails",
    "scale_out": "bench.scale_out",
    "actions": "bench.actions",
    "documents": "bench.documents",
    "portal": "bench.portal",
    "seed_cases": "bench.seed_cases",
    "read_paths": "bench.read_paths",
}
"""In the order they run: the seeding comes right before the reads that need its million cases."""


def commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or "unknown"


def run(module: str) -> dict[str, Any]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", module], capture_output=True, text=True, check=False)
    seconds = round(time.monotonic() - started, 1)
    if done.returncode != 0:
        return {"failed": done.returncode, "seconds": seconds, "error": done.stderr[-2000:]}
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except json.JSONDecodeError:
        return {"failed": "no JSON report", "seconds": seconds, "output": done.stdout[-2000:]}
    return {**report, "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHMARKS), help="run only these")
    chosen = parser.parse_args().only or list(BENCHMARKS)
    now = datetime.now(UTC)
    version = commit()
    results = {name: run(module) for name, module in BENCHMARKS.items() if name in chosen}
    report = {
        "date": now.isoformat(timespec="seconds"),
        "commit": version,
        "machine": machine(),
        "benchmarks": results,
    }
    RESULTS.mkdir(exist_ok=True)
    saved = RESULTS / f"{now:%Y-%m-%dT%H%M}-{version}.json"
    saved.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"saved: {saved}", file=sys.stderr)
    return 1 if any("failed" in b for b in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
