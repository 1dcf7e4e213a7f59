"""WF1 end to end on the embedded default: real yt-dlp, trafilatura, Whisper and OCR over 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest

from young_production import workspace_files
from young_production.config import Workspace
from young_production.demo import prepare_demo_workspace
from young_production.runtime import Runtime
from young_production.workflows import plan_workflow
from young_production.records import DNAStatus, RECORD_TYPES, TranscriptSource, ViralDNA
from young_production.runtime import open_store
from young_production.tools.sample_server import SAMPLES, SampleServer
from young_production.skills.crud import add_dna
from young_production.skills.dna.transcribe import Transcriber
from young_production.store.base import Store, iter_records
from young_production.workflows.engine.base import RunOptions, WorkflowResult

from .running import run

pytestmark = pytest.mark.slow


def _dump(store: Store) -> dict[str, list[dict]]:
    return {
        name: [r.model_dump(mode="json") for r in iter_records(store, kind)]
        for name, kind in RECORD_TYPES.items()
    }


def _add_samples(store: Store, server: SampleServer) -> dict[str, str]:
    """Add every bundled sample; returns sample path -> entry id."""
    ids = {}
    for sample in SAMPLES:
        entry, created = add_dna(store, server.url(sample.path), title=sample.title, tags=["test"])
        assert created
        ids[sample.path] = entry.id
    return ids


class Encoded:
    """A workspace where WF1 ran once over the samples plus three bad inputs."""

    def __init__(self, workspace: Workspace, store: Store, result: WorkflowResult, ids: dict[str, str]):
        self.workspace, self.store, self.result, self.ids = workspace, store, result, ids

    def entry(self, key: str) -> ViralDNA:
        return self.store.get(ViralDNA, self.ids[key])


@pytest.fixture(scope="module")
def encoded(
    tmp_path_factory: pytest.TempPathFactory,
    sample_http: SampleServer,
    transcriber: Transcriber,
) -> Encoded:
    workspace = prepare_demo_workspace(tmp_path_factory.mktemp("wf1") / "ws")
    store = open_store(workspace)
    ids = _add_samples(store, sample_http)
    bad = {
        "missing": sample_http.url("no/such/video.mp4"),
        "corrupt": sample_http.url("corrupt.mp4"),
        "refused": "http://127.0.0.1:9/clip.mp4",  # discard port: nothing listens
    }
    for name, url in bad.items():
        ids[name] = add_dna(store, url, title=f"bad input: {name}")[0].id
    result = run(workspace, options=RunOptions(workers=2), transcriber=transcriber)
    return Encoded(workspace, store, result, ids)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.route.value)
def test_each_route_decodes_its_sample(encoded: Encoded, sample) -> None:  # noqa: ANN001
    entry = encoded.entry(sample.path)
    assert entry.status is DNAStatus.ENCODED, entry.error_reason
    assert entry.transcript_source is sample.route
    transcript = (entry.transcript or "").lower()
    for word in sample.key_words:
        assert word.lower() in transcript, f"{word!r} not heard/read in {sample.path}"
    for name in ("perspective", "hook", "hook_pattern"):  # decoded, or left empty and said to be unsure
        assert bool(getattr(entry, name)) is (name not in entry.unsure), name
    assert entry.needs_review is bool(entry.unsure) and set(entry.confidence) >= {"hook", "perspective"}
    assert entry.processed_at is not None and entry.error_reason is None
    assert "test" in entry.niche_tags and (len(entry.niche_tags) > 1 or "niche_tags" in entry.unsure)


def test_captions_route_uses_no_speech_recognition(encoded: Encoded) -> None:
    entry = encoded.entry("captioned/")
    assert entry.transcript_source is TranscriptSource.CAPTIONS
    assert "third" in (entry.open_loop or "").lower()
    assert entry.hook_pattern == "number_list"


def test_bad_inputs_fail_with_readable_reasons_and_the_run_goes_on(encoded: Encoded) -> None:
    assert encoded.result.successful == len(SAMPLES)
    assert encoded.result.failed == 3
    reasons = {name: (encoded.entry(name).error_reason or "").lower() for name in ("missing", "corrupt", "refused")}
    for name, reason in reasons.items():
        assert encoded.entry(name).status is DNAStatus.FAILED
        assert reason and "traceback" not in reason, name
    assert "404" in reasons["missing"] or "not found" in reasons["missing"]
    assert "decode" in reasons["corrupt"] or "corrupt" in reasons["corrupt"] or "not a" in reasons["corrupt"]
    assert "refused" in reasons["refused"] or "connect" in reasons["refused"]


def test_state_files_record_the_run(encoded: Encoded) -> None:
    last = json.loads((encoded.workspace.state_dir / "wf1_last_run.json").read_text())
    assert last["successful"] == len(SAMPLES) and last["failed"] == 3 and last["dry_run"] is False
    processed = json.loads((encoded.workspace.state_dir / "processed_entries.json").read_text())
    assert sorted(processed["viral_dna"]) == sorted(encoded.ids[s.path] for s in SAMPLES)


def test_a_free_analysis_checkpoints_machine_transcription_and_outcomes_only(encoded: Encoded) -> None:
    """With the rule provider, reading captions or an article is redone on resume rather than
    checkpointed, Whisper and OCR are a step of their own, and the write is the entry's final step:
    the workflow's outcome, recorded right after it, is its checkpoint. A failure is a step."""
    with closing(sqlite3.connect(encoded.workspace.path(workspace_files.ENGINE_DB))) as db:
        steps: dict[str, list[str]] = {}
        for workflow_id, name in db.execute(
            "SELECT workflow_uuid, function_name FROM operation_outputs ORDER BY workflow_uuid, function_id"
        ):
            steps.setdefault(workflow_id.split(":")[1], []).append(name)
        outcomes = dict(db.execute("SELECT workflow_uuid, status FROM workflow_status"))
    for sample in SAMPLES:
        machine = sample.route in (TranscriptSource.WHISPER, TranscriptSource.OCR)
        assert steps.get(encoded.ids[sample.path], []) == (["wf1.transcribe"] if machine else []), sample.path
    for name in ("missing", "refused"):  # nothing was read
        assert steps[encoded.ids[name]] == ["wf1.record_failure"], name
    assert steps[encoded.ids["corrupt"]] == ["wf1.transcribe", "wf1.record_failure"]  # the media would not decode
    assert set(outcomes.values()) == {"SUCCESS"}
    logged = [json.loads(line) for path in (encoded.workspace.root / "logs").glob("*.jsonl")
              for line in path.read_text(encoding="utf-8").splitlines()]
    written = {r["entry"] for r in logged if r.get("step") == "wf1.analyse_and_write" and r.get("outcome") == "ok"}
    assert written == {encoded.ids[s.path] for s in SAMPLES}  # still timed and logged like a step


def test_rerun_processes_nothing_and_duplicates_nothing(encoded: Encoded, transcriber: Transcriber) -> None:
    before = _dump(encoded.store)
    again = run(encoded.workspace, transcriber=transcriber)
    assert again.selected == 0 and again.total_processed == 0
    assert _dump(encoded.store) == before


def test_retry_failed_reprocesses_only_failed_entries(encoded: Encoded, transcriber: Transcriber) -> None:
    encoded_before = {e.id: e.model_dump() for e in iter_records(encoded.store, ViralDNA)
                      if e.status is DNAStatus.ENCODED}
    retry = run(encoded.workspace, options=RunOptions(retry_failed=True), transcriber=transcriber)
    assert retry.selected == 3 and retry.failed == 3
    after = {e.id: e.model_dump() for e in iter_records(encoded.store, ViralDNA)
             if e.status is DNAStatus.ENCODED}
    assert after == encoded_before
    assert sum(1 for _ in iter_records(encoded.store, ViralDNA)) == len(SAMPLES) + 3


def test_dry_run_writes_nothing(tmp_path: Path, sample_http: SampleServer, transcriber: Transcriber) -> None:
    workspace = prepare_demo_workspace(tmp_path / "ws")
    store = open_store(workspace)
    _add_samples(store, sample_http)
    before = _dump(store)
    with Runtime(workspace) as runtime:
        result = plan_workflow(runtime, "wf1", RunOptions(dry_run=True))
    assert result.selected == len(SAMPLES)
    assert {e.status for e in result.entries} == {"planned"}
    assert {e.detail["source_type"] for e in result.entries} >= {"media", "article", "image"}
    assert _dump(store) == before
    assert list(workspace.state_dir.iterdir()) == []
    assert list(workspace.media_dir.iterdir()) == []


def test_limit_processes_only_n(tmp_path: Path, sample_http: SampleServer, transcriber: Transcriber) -> None:
    workspace = prepare_demo_workspace(tmp_path / "ws")
    store = open_store(workspace)
    ids = _add_samples(store, sample_http)
    result = run(workspace, options=RunOptions(limit=1), transcriber=transcriber)
    assert result.selected == 1 and result.successful == 1
    statuses = [store.get(ViralDNA, i).status for i in ids.values()]
    assert statuses.count(DNAStatus.ENCODED) == 1


def _finished_count(workspace: Workspace) -> int:
    """Entries the engine has recorded as finished (read-only; 0 before its tables exist)."""
    path = workspace.path(workspace_files.ENGINE_DB)
    if not path.exists():
        return 0
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
            return db.execute("SELECT count(*) FROM yp_finished_entries WHERE collection = 'viral_dna'").fetchone()[0]
    except sqlite3.OperationalError:  # the table is not made yet
        return 0


def _yp(*args: str) -> list[str]:
    return [sys.executable, "-m", "young_production", *args]


def test_killed_run_resumes_without_duplicates(tmp_path: Path, sample_http: SampleServer,
                                               transcriber: Transcriber) -> None:
    workspace = prepare_demo_workspace(tmp_path / "ws")
    store = open_store(workspace)
    speech = next(s for s in SAMPLES if s.route is TranscriptSource.WHISPER)
    targets = [sample_http.url(s.path) for s in SAMPLES]
    targets += [sample_http.url(speech.path) + f"?copy={i}" for i in range(4)]  # slow entries after the fast ones
    for url in targets:
        add_dna(store, url)
    store.close()

    proc = subprocess.Popen(
        _yp("-w", str(workspace.root), "run", "wf1", "--workers", "1"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "120"},
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if _finished_count(workspace) > 0:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the run finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    store = open_store(workspace)
    done_before = [e for e in iter_records(store, ViralDNA) if e.status is DNAStatus.ENCODED]
    assert 1 <= len(done_before) < len(targets)

    resumed = run(workspace, options=RunOptions(workers=2), transcriber=transcriber)
    assert resumed.selected == len(targets) - len(done_before)
    assert resumed.failed == 0
    entries = list(iter_records(store, ViralDNA))
    assert len(entries) == len(targets)
    assert all(e.status is DNAStatus.ENCODED for e in entries)
    ids = json.loads((workspace.state_dir / "processed_entries.json").read_text())["viral_dna"]
    assert sorted(ids) == sorted(e.id for e in entries) and len(ids) == len(set(ids))
    # Entries finished before the kill were not touched again.
    for entry in done_before:
        assert store.get(ViralDNA, entry.id or "").processed_at == entry.processed_at


def test_a_whisper_model_that_cannot_load_stops_the_run_instead_of_failing_each_entry(
    tmp_path: Path, sample_http: SampleServer
) -> None:
    workspace = prepare_demo_workspace(tmp_path / "ws")
    workspace.update_yaml("pipeline.yaml", lambda d: d["transcription"].update(whisper_model=str(tmp_path / "gone")))
    store = open_store(workspace)
    speech = next(s for s in SAMPLES if s.route is TranscriptSource.WHISPER)
    for i in range(3):
        add_dna(store, sample_http.url(speech.path) + f"?copy={i}")
    result = run(workspace, options=RunOptions(workers=1))
    assert result.stopped_reason and "model" in result.stopped_reason.lower()
    assert result.failed == 0
    assert all(e.status is DNAStatus.NEW and not e.error_reason for e in iter_records(store, ViralDNA))
    store.close()
