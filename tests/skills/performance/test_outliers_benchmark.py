"""benchmarks/outliers.py as a user runs it: per real export what was read and who tops it; and a small
synthetic export imported and reviewed through WF4 with its rows, seconds and peak memory."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow  # the whole benchmark: three processes, an engine run, 2,000 resamples per scored video
def test_the_outliers_benchmark_reads_every_real_export_and_times_a_synthetic_one() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "outliers.py"), "--scale-mb", "0.3"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    rows: dict[str, str] = {}
    for line in done.stdout.splitlines():
        if line.strip():
            rows.setdefault(line.split()[0], line)  # the first table: per export
    kenjee = re.match(r"kenjee\s+224\s+223\s+0\s+2\s+(\d+)\s+How I Would Learn Data Science", rows["kenjee"])
    assert kenjee and int(kenjee.group(1)) > 200, rows["kenjee"]  # the 1.25M-view video heads it
    assert re.match(r"krishp1010\s+502\s+310\s+191\s+30\s", rows["krishp1010"]), rows["krishp1010"]
    imported = re.search(r"import: (\d+) rows in [\d.]+ s, peak memory \d+ MB", done.stdout)
    reviewed = re.search(r"review: (\d+) rows in [\d.]+ s, peak memory \d+ MB, (\d+) scored \(done\)", done.stdout)
    assert imported and reviewed, done.stdout[-1500:]
    assert imported.group(1) == reviewed.group(1) and int(reviewed.group(2)) > 0.9 * int(reviewed.group(1))
