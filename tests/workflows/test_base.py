"""Run bookkeeping shared by every workflow: state files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from young_production.workflows.base import StateFiles, new_result


def test_last_run_file_has_the_seed_shape(tmp_path: Path) -> None:
    state = StateFiles(tmp_path)
    result = new_result("WF1", dry_run=False)
    result.successful, result.failed, result.completed_at = 3, 1, "2026-11-23T10:00:00+00:00"
    state.save_last_run(result)
    saved = json.loads((tmp_path / "wf1_last_run.json").read_text())
    for key in ("last_run", "total_processed", "successful", "failed", "total_cost_usd", "dry_run"):
        assert key in saved
    assert saved["total_processed"] == 4 and saved["dry_run"] is False
    assert state.load_last_run("WF1") == saved


def test_mark_processed_is_idempotent_and_thread_safe(tmp_path: Path) -> None:
    state = StateFiles(tmp_path)
    ids = [f"id-{i}" for i in range(40)]
    threads = [threading.Thread(target=lambda i=i: state.mark_processed("viral_dna", i)) for i in ids * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    data = state.processed()
    assert sorted(data["viral_dna"]) == sorted(ids)
    assert data["productions"] == []
