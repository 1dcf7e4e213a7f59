"""Run bookkeeping shared by every workflow: state files."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from young_production.config import Workspace
from young_production.errors import TransientError, YPError
from young_production.runtime import Runtime
from young_production.workflows.args import DecodeArgs, LinkArgs
from young_production.workflows.engine import durable, logs
from young_production.workflows.engine.base import EntryOutcome, Outcome, RunOptions, StateFiles, new_result
from young_production.workflows.engine.runs import RunRecords, finish_and_write_last_run


def test_last_run_file_has_the_seed_shape_and_is_written_from_the_run_record(tmp_path: Path) -> None:
    state = StateFiles(tmp_path)
    records = RunRecords(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    result = new_result("WF1", dry_run=False)
    records.start_run(result.run_id, "WF1", "executor-0", {}, "running")
    result.successful, result.failed, result.completed_at = 3, 1, "2026-11-23T10:00:00+00:00"
    finish_and_write_last_run(records, state, result, "finished")
    saved = json.loads((tmp_path / "wf1_last_run.json").read_text())
    for key in ("last_run", "total_processed", "successful", "failed", "total_cost_usd", "dry_run"):
        assert key in saved
    assert saved["total_processed"] == 4 and saved["dry_run"] is False
    assert state.load_last_run("WF1") == saved
    recorded = records.get_run(result.run_id)
    assert recorded is not None and recorded["status"] == "finished" and recorded["summary"] == saved
    records.close()


def test_processed_entries_file_is_written_from_the_records_idempotently_and_across_threads(tmp_path: Path) -> None:
    state = StateFiles(tmp_path)
    records = RunRecords(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    result = new_result("WF1", dry_run=False)
    records.start_run(result.run_id, "WF1", "executor-0", {}, "running")
    ids = [f"id-{i}" for i in range(40)]
    threads = [threading.Thread(target=lambda i=i: records.mark_finished("viral_dna", "WF1", result.run_id, i))
               for i in ids * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    records.mark_finished("productions", "WF3", result.run_id, "p-1")
    assert not state.processed_path.exists()  # written at the run's end, from the records
    finish_and_write_last_run(records, state, result, "finished")
    data = state.processed()
    assert sorted(data["viral_dna"]) == sorted(ids) and data["productions"] == ["p-1"]
    records.close()


def test_an_older_workspaces_processed_file_is_adopted_once(tmp_path: Path) -> None:
    state = StateFiles(tmp_path)
    state.write_processed({"viral_dna": ["old-1", "old-2"], "productions": ["p-old"]})
    records = RunRecords(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    records.adopt_processed_file(state)
    records.adopt_processed_file(state)  # a second launch adds nothing
    records.mark_finished("viral_dna", "WF1", "run-1", "new-1")
    result = new_result("WF1", dry_run=False)
    records.start_run(result.run_id, "WF1", "executor-0", {}, "running")
    finish_and_write_last_run(records, state, result, "finished")
    assert state.processed() == {"viral_dna": ["old-1", "old-2", "new-1"], "productions": ["p-old"]}
    records.close()


def test_an_unreadable_processed_file_is_left_to_be_rewritten_not_a_failure_at_launch(tmp_path: Path) -> None:
    state = StateFiles(tmp_path)
    state.processed_path.write_text('{"viral_dna": ["a", ', encoding="utf-8")  # cut short by a crash or an editor
    records = RunRecords(f"sqlite:///{tmp_path / 'engine.sqlite'}")
    records.adopt_processed_file(state)
    records.mark_finished("viral_dna", "WF1", "run-1", "new-1")
    result = new_result("WF1", dry_run=False)
    records.start_run(result.run_id, "WF1", "executor-0", {}, "running")
    finish_and_write_last_run(records, state, result, "finished")
    assert state.processed() == {"viral_dna": ["new-1"], "productions": []}
    records.close()


def test_an_outcome_status_is_one_of_the_enum_and_checkpoints_hold_plain_strings() -> None:
    outcome = EntryOutcome(id="e1", title="t", status="done")
    assert outcome.status is Outcome.DONE and outcome.status == "done"
    outcome.status = "waiting"
    assert outcome.status is Outcome.WAITING
    with pytest.raises(ValueError):
        outcome.status = "finished"  # not an outcome: refused where it is set, not found later in a count
    data = outcome.to_dict()
    assert type(data["status"]) is str and EntryOutcome.from_dict(data) == outcome


def test_a_run_reads_its_own_typed_arguments_and_refuses_another_workflows() -> None:
    assert RunOptions().args_as(LinkArgs) == LinkArgs()  # none given: the defaults
    options = RunOptions(args=LinkArgs(auto=True, top=5))
    assert options.args_as(LinkArgs).top == 5
    assert options.durable_args()["auto"] is True and options.durable_args()["min_score"] == 0.5
    with pytest.raises(YPError, match="takes DecodeArgs, not LinkArgs"):
        options.args_as(DecodeArgs)


def test_a_final_step_gets_the_runtime_is_retried_on_transient_errors_only_and_logged_per_attempt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(tmp_path / "ws")
    workspace.init()
    monkeypatch.setattr(durable, "RETRY_INTERVAL_SEC", 0.0)
    calls: list[object] = []

    @durable.final_step("test.final", attempts=3)
    def flaky(runtime: Runtime, fails: int) -> str:
        calls.append(runtime)
        if len(calls) <= fails:
            raise TransientError("the store is busy")
        return "written"

    @durable.final_step("test.broken")
    def broken(runtime: Runtime) -> None:
        calls.append(runtime)
        raise ValueError("not a transient failure")

    handlers = logs.attach(tmp_path / "logs")
    try:
        with Runtime(workspace) as runtime:
            durable.bind(runtime, None)
            try:
                assert flaky(2) == "written" and calls == [runtime] * 3  # two failures, then the third attempt
                calls.clear()
                with pytest.raises(TransientError):
                    flaky(5)
                assert len(calls) == 3  # gave up after its attempts, with the last error as it was
                calls.clear()
                with pytest.raises(ValueError):
                    broken()
                assert len(calls) == 1  # never retried
            finally:
                durable.unbind()
    finally:
        logs.detach(handlers)
    records = [json.loads(line) for path in (tmp_path / "logs").glob("*.jsonl") for line in path.read_text().splitlines()]
    assert [(r["step"], r["outcome"]) for r in records] == (
        [("test.final", "error")] * 2 + [("test.final", "ok")] + [("test.final", "error")] * 3 + [("test.broken", "error")]
    )
