"""benchmarks/patterns.py as a user runs it: topic lift on the real Studio exports, and its replication."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.slow  # the whole benchmark
def test_the_patterns_benchmark_prints_findings_and_replication_per_real_channel() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "patterns.py")], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    last = re.fullmatch(r"replicated_old=(\d+)/(\d+) replicated_new=(\d+)/(\d+) channels=(\d+)", lines[-1])
    assert last, lines[-1]
    old_hit, old_tested, new_hit, new_tested, channels = map(int, last.groups())
    assert channels >= 5 and len(lines) == channels + 2
    assert 0 < new_tested <= old_tested and new_hit <= new_tested and old_hit <= old_tested
    rows = [line.split() for line in lines[1:-1]]
    assert all(int(row[1]) > 0 and float(row[6]) < 10 for row in rows)  # every channel scored, lift in seconds
