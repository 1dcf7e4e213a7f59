"""The engine's parts for many workers: the transcription processes, queues on SQLite, logs,
the shared Notion pace and the shared spending limits on Postgres."""

from __future__ import annotations

import json
import logging
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from tests.postgres import postgres_cluster, postgres_url  # noqa: F401 (fixtures)
from young_production.ai.ledger import CostLedger
from young_production.ai.shared_budget import SharedBudget
from young_production.config import LimitsConfig, TranscriptionConfig
from young_production.errors import BudgetExceeded
from young_production.media.scrape import ScrapedContent
from young_production.records import DNAStatus, SourceType, TranscriptSource, ViralDNA
from young_production.runtime import open_store
from young_production.tools.sample_server import SampleServer, samples_dir
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.workflows.engine import logs
from young_production.workflows.engine.cpu_pool import CpuPool, needs_cpu
from young_production.workflows.engine.inspect import show_run
from young_production.workflows.engine.pacing import SharedPacer
from young_production.workflows.engine.runs import sqlalchemy_url
from young_production import workspace_files
from young_production.workflows import enqueue_run, registry, run_workflow, wf1
from young_production.workflows.engine.worker import run_worker

from .faults.rig import PageServer, child_env, fresh_workspace, start_child, step_records, yp


# ---- transcription processes -----------------------------------------------------------------


@pytest.mark.slow
def test_the_pool_transcribes_in_two_single_thread_processes() -> None:
    pool = CpuPool(TranscriptionConfig(), size=2)
    speech = ScrapedContent("story", SourceType.MEDIA, audio_path=samples_dir() / "speech" / "story.mp4")
    assert needs_cpu(speech) and not pool.started
    try:
        with threading_pool(2) as run:
            transcripts = run(lambda: pool.transcribe(speech), lambda: pool.transcribe(speech))
        processes = list(pool._pool._processes.values())  # type: ignore[union-attr]
        assert len(processes) == 2 and all(p.pid != os.getpid() for p in processes)
    finally:
        pool.close()
    assert all(p.exitcode is not None for p in processes)  # closed: none left behind
    for transcript in transcripts:
        assert transcript.source is TranscriptSource.WHISPER
        assert len(" ".join(s.text for s in transcript.segments).split()) > 20


def test_captions_and_article_text_never_start_a_process() -> None:
    pool = CpuPool(TranscriptionConfig(), size=2)
    article = ScrapedContent("a", SourceType.ARTICLE, article_text="Some text.", image_path=Path("x.png"))
    assert not needs_cpu(article) and not pool.started
    pool.close()


def threading_pool(size: int):  # noqa: ANN201
    from concurrent.futures import ThreadPoolExecutor
    from contextlib import contextmanager

    @contextmanager
    def opened():  # noqa: ANN202
        with ThreadPoolExecutor(size) as executor:
            yield lambda *calls: [f.result() for f in [executor.submit(c) for c in calls]]

    return opened()


@pytest.mark.slow
def test_ctrl_c_during_a_long_transcription_stops_in_seconds_and_the_next_run_resumes(tmp_path: Path) -> None:
    workspace = fresh_workspace(tmp_path / "ws", {}, workers=1, engine={"cpu_processes": 1})
    with SampleServer() as server:
        store = open_store(workspace)
        add_dna(store, server.url("speech/story.mp4"), title="speech")
        store.close()
        command = [os.sys.executable, "-m", "young_production", "-w", str(workspace.root), "run", "wf1"]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env(),
                                   start_new_session=True)
        try:
            _wait_for_child_process(process.pid)  # the transcription process has started
            time.sleep(1.0)
            children = _children_of(process.pid)
            stopped_at = time.monotonic()
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
            _, err = process.communicate(timeout=30)
            took = time.monotonic() - stopped_at
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 130, err[-1500:]
        assert "interrupted" in err and "Traceback" not in err
        print(f"[engine] Ctrl-C to exit: {took:.2f} s")
        assert took < 5.0
        time.sleep(1.5)  # a child whose parent is gone notices within half a second
        assert not [pid for pid in children if Path(f"/proc/{pid}").exists() and "multiprocessing.spawn" in _cmdline(pid)]
        entry = next(iter(_entries(workspace)))
        assert entry.status is DNAStatus.NEW and not entry.perspective  # nothing half-written

        again = yp(workspace, "run", "wf1", "--json")
        assert again.returncode == 0, again.stderr[-1500:]
    entry = next(iter(_entries(workspace)))
    assert entry.status is DNAStatus.ENCODED and entry.transcript_source is TranscriptSource.WHISPER
    processed = json.loads((workspace.state_dir / "processed_entries.json").read_text())
    assert processed["viral_dna"] == [entry.id]


@pytest.mark.slow
def test_a_free_run_killed_after_whisper_resumes_without_transcribing_again(tmp_path: Path) -> None:
    """With the rule provider the read is not checkpointed, but a machine transcription is: a process
    killed between the transcription and the write reads the page again on resume, not the audio."""
    workspace = fresh_workspace(tmp_path / "ws", {}, workers=1, engine={"cpu_processes": 1})
    with SampleServer() as server:
        store = open_store(workspace)
        entry_id = add_dna(store, server.url("speech/story.mp4"), title="speech")[0].id
        store.close()
        child = start_child({"workspace": str(workspace.root), "mode": "run", "kill_before_analyse": 1})
        _, err = child.communicate(timeout=300)
        assert child.returncode == -signal.SIGKILL, err[-2000:]
        assert next(iter(_entries(workspace))).status is DNAStatus.NEW  # nothing written
        media = sorted(p.name for p in (workspace.root / "media").rglob("media-*"))

        again = yp(workspace, "run", "wf1", "--json")
        assert again.returncode == 0, again.stderr[-1500:]
    entry = next(iter(_entries(workspace)))
    assert entry.status is DNAStatus.ENCODED and entry.transcript_source is TranscriptSource.WHISPER
    finished = Counter(r["step"] for r in step_records(workspace) if r.get("outcome") == "ok" and r["entry"] == entry_id)
    assert finished == {"wf1.read": 2, "wf1.transcribe": 1, "wf1.analyse_and_write": 1}
    assert media and sorted(p.name for p in (workspace.root / "media").rglob("media-*")) == media  # the same file


def _children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _wait_for_child_process(pid: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any("multiprocessing.spawn" in _cmdline(child) for child in _children_of(pid)):
            return
        time.sleep(0.2)
    raise AssertionError("no transcription process started")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _entries(workspace) -> list[ViralDNA]:  # noqa: ANN001
    store = open_store(workspace)
    try:
        return list(iter_records(store, ViralDNA))
    finally:
        store.close()


# ---- queue and worker on one machine (SQLite) -----------------------------------------------


def test_enqueue_submits_only_and_a_worker_processes_the_run(tmp_path: Path) -> None:
    with PageServer() as pages:
        # A 0.5 s heartbeat: the worker looks for settled runs and an empty queue 4 times as often as at 2 s.
        workspace = fresh_workspace(tmp_path / "ws", {}, workers=2, engine={"heartbeat_sec": 0.5})
        store = open_store(workspace)
        for n in range(3):
            add_dna(store, pages.url(n), title=f"note {n}")
        store.close()

        queued = enqueue_run(workspace, "wf1")
        assert queued.selected == 3 and {e.status for e in queued.entries} == {"queued"}
        assert sum(pages.gets.values()) == 0  # submitting ran nothing
        assert show_run(workspace, queued.run_id)["status"] == "queued"
        again = enqueue_run(workspace, "wf1")  # a second submit attaches to the same workflows
        assert [e.workflow_id for e in again.entries] == [e.workflow_id for e in queued.entries]

        notices: list[str] = []
        run_worker(workspace, registry(), threading.Event(), idle_exit=True, grace_sec=0, on_notice=notices.append)
        assert any("one worker" in n for n in notices)  # SQLite: the supported setup is one worker
        assert all(count == 1 for count in pages.gets.values()) and len(pages.gets) == 3

    # What the workflow fixes for a run (here: the analysis is the free one) reached the queued entries,
    # as it reaches those `yp run` starts: the same steps ran.
    finished = Counter(r["step"] for r in step_records(workspace) if r.get("outcome") == "ok")
    assert finished == {"wf1.read": 3, "wf1.analyse_and_write": 3}
    assert {e.status for e in _entries(workspace)} == {DNAStatus.ENCODED}
    run = show_run(workspace, queued.run_id)
    assert run["status"] == "finished" and run["summary"]["successful"] == 3
    assert {e["state"] for e in run["entries"]} == {"success"}
    last = json.loads((workspace.state_dir / "wf1_last_run.json").read_text())
    assert last["run_id"] in (queued.run_id, again.run_id) and last["successful"] == 3


def test_what_wf1_checkpoints_follows_from_its_inputs_so_an_older_workflow_replays_its_own_steps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entry workflows an older version started have no "checkpoint_read" in their inputs: they
    checkpoint the whole read, as that version did, so one resumed after an upgrade finds its
    recorded steps where it left them (the free route of this version checkpoints no read)."""
    older = wf1.run_args
    monkeypatch.setattr(wf1.WORKFLOW, "run_args", lambda runtime, options: {
        k: v for k, v in older(runtime, options).items() if k != "checkpoint_read"})
    with PageServer() as pages:
        workspace = fresh_workspace(tmp_path / "ws", {}, workers=1)
        store = open_store(workspace)
        add_dna(store, pages.url(0), title="note 0")
        store.close()
        result = run_workflow(workspace, "wf1")
    assert result.successful == 1
    with closing(sqlite3.connect(workspace.path(workspace_files.ENGINE_DB))) as db:
        assert [name for (name,) in db.execute("SELECT function_name FROM operation_outputs")] == ["wf1.read"]


# ---- logs ------------------------------------------------------------------------------------


def test_step_logs_redact_keys_and_tokens(tmp_path: Path) -> None:
    secret = "sk-ant-api03-" + "x" * 30
    handlers = logs.attach(tmp_path, verbose=False)
    try:
        token = logs.current_scope.set(logs.StepScope("run1", "WF1", "entry1"))
        logs.log_step("wf1.analyse", 0.5, "error", f"401 from https://api.example?api_key=abcdef123456 with {secret}")
        logs.log_step("wf1.write", 0.1, "error", "Authorization: Bearer ntn_abcdefghijklmnopqrstuvwx failed")
        logs.current_scope.reset(token)
    finally:
        logs.detach(handlers)
    text = next(tmp_path.glob("*.jsonl")).read_text()
    records = [json.loads(line) for line in text.splitlines()]
    assert [r["step"] for r in records] == ["wf1.analyse", "wf1.write"]
    assert records[0]["run"] == "run1" and records[0]["entry"] == "entry1" and records[0]["seconds"] == 0.5
    for leaked in (secret, "abcdef123456", "ntn_abcdefghijklmnopqrstuvwx"):
        assert leaked not in text
    assert text.count("[redacted]") == 3


def test_step_log_lines_reach_the_file_as_they_are_logged_whole_beside_another_process(tmp_path: Path) -> None:
    """The handler keeps the day's file open: each line is still on disk as soon as it is logged (a
    process killed next loses none), and appends from two writers (two processes) never mix."""
    ours = logs.JsonLinesHandler(tmp_path)
    theirs = logs.JsonLinesHandler(tmp_path)  # another process's handler on the same workspace
    try:
        for n in range(200):
            record = logging.LogRecord("x", logging.INFO, "", 0, "step", None, None)
            record.fields = {"step": "wf1.read", "entry": f"e{n}", "detail": "x" * (n * 40)}  # up to 8 KB a line
            (ours if n % 2 else theirs).emit(record)
        lines = next(tmp_path.glob("*.jsonl")).read_text(encoding="utf-8").splitlines()  # before any close
    finally:
        ours.close()
        theirs.close()
    assert sorted(json.loads(line)["entry"] for line in lines) == sorted(f"e{n}" for n in range(200))


def test_verbose_runs_echo_each_step_record(tmp_path: Path) -> None:
    with PageServer() as pages:
        workspace = fresh_workspace(tmp_path / "ws", {"NOTION_API_KEY": "secret_" + "k" * 30}, workers=1)
        store = open_store(workspace)
        add_dna(store, pages.url(1), title="note")
        store.close()
        result = _yp_verbose(workspace)
    assert result.returncode == 0, result.stderr[-1500:]
    echoed = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{") and '"step"' in line]
    assert [r["step"] for r in echoed] == ["wf1.read", "wf1.analyse_and_write"]  # rules: free analysis
    assert all(r["outcome"] == "ok" and r["run"] and r["entry"] for r in echoed)
    assert "k" * 30 not in result.stderr


def _yp_verbose(workspace) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    command = [os.sys.executable, "-m", "young_production", "-v", "-w", str(workspace.root), "run", "wf1"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, env=child_env(), check=False)


# ---- Postgres: one pace and one budget for every worker --------------------------------------


def test_the_shared_pace_spaces_requests_of_several_processes(postgres_url: str) -> None:  # noqa: F811
    starts: list[float] = []
    lock = threading.Lock()

    def sender() -> None:
        pacer = SharedPacer(postgres_url, 10.0)  # each its own connection, as separate workers have
        for _ in range(5):
            pacer.wait_turn()
            with lock:
                starts.append(time.monotonic())
        pacer.close()

    threads = [threading.Thread(target=sender) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    starts.sort()
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert len(starts) == 15
    # 10/s across all three: turns 0.1 s apart. A stamp is taken after the turn is granted, so a busy
    # machine can delay one stamp and shorten one gap; any five turns in a row still span 0.4 s
    # less that noise, and no two ever come at once.
    assert min(gaps) > 0.02
    assert all(starts[i + 4] - starts[i] > 0.33 for i in range(len(starts) - 4))
    assert starts[-1] - starts[0] >= 1.3


def test_spending_limits_hold_across_machines_on_postgres(tmp_path: Path, postgres_url: str) -> None:  # noqa: F811
    url = sqlalchemy_url(postgres_url)
    machines = [CostLedger(tmp_path / f"machine-{n}", shared=SharedBudget(url)) for n in range(2)]
    limits = LimitsConfig(per_run_usd=None, daily_usd=1.0, monthly_usd=None)
    booked: list[str] = []
    refused: list[str] = []

    def spend(ledger: CostLedger) -> None:
        for _ in range(8):
            try:
                booked.append(ledger.reserve(0.1, limits, "run-x"))
            except BudgetExceeded as exc:
                refused.append(str(exc))

    threads = [threading.Thread(target=spend, args=(ledger,)) for ledger in machines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(booked) == 10 and len(refused) == 6  # $1.00 a day in all, $0.10 each: ten, whoever asks
    assert "daily AI budget of $1.00" in refused[0]
    machines[0].release(booked[0])
    assert machines[1].reserve(0.1, limits, "run-x")  # released money is free again, for any machine
