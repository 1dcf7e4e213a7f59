"""Two workers on Postgres share 300 entries on the Notion emulator; one is killed with -9.

The two workers stand for two machines: two workspace folders with the same Notion
databases and the same engine database (a throwaway Postgres cluster). Entries are
submitted with `yp run wf1 --enqueue`; worker A is the real `yp worker`, worker B a
child that kills itself with -9 as it is about to analyse its 40th entry. A adopts B's
unfinished entry once B's heartbeat has stopped. The analysis is the free rule-based one,
before which an article's read is not checkpointed (redoing it is one page fetch; see
workflows/wf1.py): A reads the orphan's page again, once, and writes it once.

Counted at the end: entries lost and duplicated (page fetched twice, read step
finished twice, Notion page written twice; the orphan's second read excepted), how the
work split, and the most Notion requests that arrived at the emulator within any one
second (the shared pace).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.postgres import postgres_cluster, postgres_url  # noqa: F401 (fixtures)
from young_production.config import Workspace
from young_production.records import DNAStatus, ViralDNA
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.store.notion.client import Pacer
from young_production.store.notion.setup import init_workspace
from young_production.store.notion.store import NotionStore
from young_production.workflows.engine.inspect import show_run

from .rig import (
    PageServer,
    TimedNotionEmulator,
    WRITE_STEPS,
    finished_steps,
    fresh_workspace,
    report,
    start_child,
    step_records,
    yp,
)

pytestmark = pytest.mark.slow

ENTRIES = int(os.environ.get("YP_FAULT_ENTRIES", "300"))
KILL_AT = max(2, ENTRIES // 8)  # worker B dies as it is about to analyse its KILL_AT-th entry
FAST = 1000.0
ENGINE = {"heartbeat_sec": 1, "executor_timeout_sec": 4, "notion_writes_per_sec": 2.0}


def _machine(root: Path, env: dict[str, str]) -> Workspace:
    return fresh_workspace(root, env, workers=1, engine=ENGINE)


def test_two_workers_split_the_queue_and_finish_a_killed_workers_entries(tmp_path: Path, postgres_url: str) -> None:  # noqa: F811
    with PageServer() as pages, TimedNotionEmulator() as notion:
        env = {"NOTION_API_KEY": notion.api_key, "NOTION_BASE_URL": notion.base_url,
               "YP_ENGINE_DATABASE_URL": postgres_url}
        a = _machine(tmp_path / "machine-a", env)
        init_workspace(a, notion.root_page_id, pacer=Pacer(FAST))
        b = _machine(tmp_path / "machine-b", env)
        shutil.copy(a.config_dir / "databases.yaml", b.config_dir / "databases.yaml")
        a, b = Workspace(a.root), Workspace(b.root)

        seeding = NotionStore.from_config(a.store_config().notion, pacer=Pacer(FAST))
        try:
            for n in range(ENTRIES):
                add_dna(seeding, pages.url(n), title=f"note {n}")
        finally:
            seeding.close()
        notion.arrivals.clear()
        notion.operations.clear()

        queued = yp(a, "run", "wf1", "--enqueue", "--json")
        assert queued.returncode == 0, queued.stderr[-2000:]
        run_id = json.loads(queued.stdout)["run_id"]

        started = time.monotonic()
        worker_a = start_worker_a(a)
        worker_b = start_child({"workspace": str(b.root), "mode": "worker", "kill_before_analyse": KILL_AT})
        try:
            _, b_err = worker_b.communicate(timeout=900)
            assert worker_b.returncode == -signal.SIGKILL, b_err[-2000:]
            a_out, a_err = worker_a.communicate(timeout=900)
            assert worker_a.returncode == 0, a_err[-3000:]
        finally:
            for process in (worker_a, worker_b):
                if process.poll() is None:
                    process.kill()
        seconds = time.monotonic() - started
        peak, busiest = notion.peak_per_second(), notion.busiest_second()  # before this test reads the results

        reader = NotionStore.from_config(a.store_config().notion, pacer=Pacer(FAST))
        try:
            entries = list(iter_records(reader, ViralDNA))
        finally:
            reader.close()
        by_a = finished_steps(step_records(a), WRITE_STEPS)
        by_b = finished_steps(step_records(b), WRITE_STEPS)
        reads = finished_steps(step_records(a, b), "wf1.read")
        orphan = set(finished_steps(step_records(b), "wf1.read")) - set(by_b)  # read by B, which died before writing
        orphan_pages = {urlsplit(e.url or "").path for e in entries if e.id in orphan}
        fetched_twice = sum(1 for n in range(ENTRIES)
                            if pages.gets[f"/note/{n}.html"] > (2 if f"/note/{n}.html" in orphan_pages else 1))
        written_twice = sum(1 for e in entries if notion.page_updates[e.id or ""] > 1)
        read_twice = sum(1 for entry, count in reads.items() if count > (2 if entry in orphan else 1))
        lost = sum(1 for e in entries if e.status is not DNAStatus.ENCODED)
        duplicated = len({*(e for e, c in reads.items() if c > (2 if e in orphan else 1)),
                          *(e.id for e in entries if notion.page_updates[e.id or ""] > 1)}) + fetched_twice
        report("two workers on Postgres, one killed", lost, duplicated, entries=ENTRIES, worker_a=sum(by_a.values()),
               worker_b=sum(by_b.values()), peak_notion_rps=peak, seconds=round(seconds, 1))

        assert len(entries) == ENTRIES
        assert (lost, duplicated) == (0, 0), (read_twice, written_twice, fetched_twice)
        assert peak <= 3, busiest
        assert sum(by_b.values()) == KILL_AT - 1  # B wrote the entries before the one it died on
        assert sum(by_a.values()) == ENTRIES - (KILL_AT - 1)  # A did the rest, the orphan included
        assert len(orphan) == 1 and orphan <= set(by_a)  # adopted and written by A
        (orphan_id,) = orphan
        assert reads[orphan_id] == 2 and [pages.gets[path] for path in orphan_pages] == [2]  # read again, once

        run = show_run(a, run_id)
        assert run["status"] == "finished", run["status"]
        assert {e["state"] for e in run["entries"]} == {"success"}
        assert run["summary"]["successful"] == ENTRIES


def start_worker_a(workspace: Workspace):  # noqa: ANN201
    import subprocess

    from .rig import PYTHON, child_env

    command = [PYTHON, "-m", "young_production", "-w", str(workspace.root), "worker", "--until-idle", "--grace", "0"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
