"""Concurrent creates of one key make one record, on both stores, from threads and from processes.

The race `yp dna add URL` x3 runs into: every creator looks the key up, finds nothing,
and creates. SQLite settles it with its UNIQUE index (and new files opened by several
processes at once must not fail); Notion with a per-key file lock on one machine, and by
converging on the earliest page across machines.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from young_production.records import ViralDNA
from young_production.store.base import Filter, Store, iter_records
from young_production.store.key_locks import KeyLocks
from young_production.store.notion.client import NotionClient
from young_production.store.notion.store import NotionStore
from young_production.store.sqlite import SQLiteStore

from .notion.factory import NotionRig, notion_rig

REPO = Path(__file__).resolve().parents[2]
CREATORS = 3
LATENCY_SEC = 0.08  # every emulated request is this slow, so lookups and creates overlap


def run_together(count: int, make: Callable[[int], Any]) -> list[Any]:
    """`make(i)` on `count` threads released at the same moment; results (or exceptions) in order."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = make(i)
        except BaseException as exc:  # reported by the asserts
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def run_processes(tmp_path: Path, specs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One creator process per spec; they start creating together once all are up."""
    go = tmp_path / "go"
    procs = []
    for i, spec in enumerate(specs):
        spec = {**spec, "ready": str(tmp_path / f"ready-{i}"), "go": str(go)}
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.store.concurrent_creators", json.dumps(spec)],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": f"{REPO / 'src'}:{REPO}"},
        ))
    deadline = time.monotonic() + 60
    while not all((tmp_path / f"ready-{i}").exists() for i in range(len(specs))):
        assert time.monotonic() < deadline, "creator processes did not start"
        time.sleep(0.01)
    go.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        outputs.append(json.loads(out.strip().splitlines()[-1]))
    return outputs


def keyed(store: Store, key: str) -> list[ViralDNA]:
    return [r for r in iter_records(store, ViralDNA) if r.key == key]


# --- SQLite ---------------------------------------------------------------------------------


def test_sqlite_threads_opening_a_new_file_and_creating_one_key_make_one_record(tmp_path: Path) -> None:
    path = tmp_path / "young.db"

    def create(i: int) -> str:
        store = SQLiteStore(path)
        try:
            return store.create(ViralDNA(key="dna:same", title=f"thread {i}")).id or ""
        finally:
            store.close()

    ids = run_together(4, create)
    assert all(isinstance(i, str) for i in ids), ids
    assert len(set(ids)) == 1
    with closing(SQLiteStore(path)) as store:
        assert [r.id for r in keyed(store, "dna:same")] == ids[:1]


def test_sqlite_processes_opening_a_new_file_and_creating_one_key_make_one_record(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    outputs = run_processes(tmp_path, [{"backend": "sqlite", "path": str(path), "key": "dna:same"}] * CREATORS)
    assert [o.get("error") for o in outputs] == [None] * CREATORS
    assert len({o["id"] for o in outputs}) == 1
    with closing(SQLiteStore(path)) as store:
        assert [r.id for r in keyed(store, "dna:same")] == [outputs[0]["id"]]


# --- Notion ---------------------------------------------------------------------------------


@pytest.fixture
def slow_rig() -> Any:
    with notion_rig() as rig:
        rig.emulator.faults.configure(latency=LATENCY_SEC)
        yield rig


def pages_with_key(rig: NotionRig, key: str, *, include_trash: bool = False) -> list[dict[str, Any]]:
    source = rig.store.data_source_id(ViralDNA)
    found = rig.emulator.state.pages_in(source, include_trash=include_trash)
    return [p for p in found if "".join(t["plain_text"] for t in p["properties"]["YP Key"]["rich_text"]) == key]


def test_notion_threads_of_one_store_make_one_page(slow_rig: NotionRig) -> None:
    ids = run_together(CREATORS, lambda i: slow_rig.store.create(ViralDNA(key="dna:same", title=f"t{i}")).id)
    assert len(set(ids)) == 1, ids
    assert len(pages_with_key(slow_rig, "dna:same", include_trash=True)) == 1


def test_notion_processes_of_one_machine_make_one_page(slow_rig: NotionRig, tmp_path: Path) -> None:
    spec = {"backend": "notion", "config": slow_rig.config.model_dump(), "lock_dir": str(tmp_path / "locks"),
            "key": "dna:same"}
    outputs = run_processes(tmp_path, [spec] * CREATORS)
    assert [o.get("error") for o in outputs] == [None] * CREATORS
    assert len({o["id"] for o in outputs}) == 1
    # one page ever made: the lock kept the others from creating at all
    assert [p["id"] for p in pages_with_key(slow_rig, "dna:same", include_trash=True)] == [outputs[0]["id"]]


def test_notion_creators_on_two_machines_converge_on_the_earliest_page(slow_rig: NotionRig, tmp_path: Path) -> None:
    """Two machines (no shared lock folder) both find no page, both create, then both look again."""
    machines = [
        NotionStore(slow_rig.config, NotionClient.from_config(slow_rig.config), key_locks=KeyLocks(tmp_path / f"m{i}"))
        for i in range(2)
    ]
    both_looked, both_created = threading.Barrier(2), threading.Barrier(2)
    for store in machines:
        send = store.client.create_page

        def in_step(body: dict, landed: Any, send: Any = send) -> dict:
            both_looked.wait()  # each has looked the key up and found nothing
            page = send(body, landed)
            both_created.wait()  # each page exists before either looks again
            return page

        store.client.create_page = in_step  # type: ignore[method-assign]
    try:
        ids = run_together(2, lambda i: machines[i].create(ViralDNA(key="dna:same", title=f"machine {i}")).id)
    finally:
        for store in machines:
            store.close()
    assert len(set(ids)) == 1, ids
    made = pages_with_key(slow_rig, "dna:same", include_trash=True)
    alive = pages_with_key(slow_rig, "dna:same")
    assert len(made) == 2
    assert [p["id"] for p in alive] == ids[:1]
    assert ids[0] == min(made, key=lambda p: (p["created_time"], p["id"]))["id"]
    assert slow_rig.store.find_by_key(ViralDNA, "dna:same").id == ids[0]
    assert [r.id for r in slow_rig.store.query(ViralDNA, [Filter.eq("key", "dna:same")]).items] == ids[:1]
