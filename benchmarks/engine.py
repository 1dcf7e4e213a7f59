"""The durable engine's costs and gains, in one run (issue 8).

1. Overhead: WF1 on N caption-only entries (captioned HTML5 video pages on 127.0.0.1,
   read by the real yt-dlp; rule-based analysis; SQLite store and engine) through the
   engine, against the same skills called directly in the same threads. Reported per
   entry in CPU time of this process (the machine is shared with other work, so wall
   time is noisy; wall time is printed too). The two are timed in `--rounds` pairs, one
   right after the other and in alternating order, so that a change in the machine's load
   falls on both sides of a pair; the ratio is the median of the pairs' ratios ->
   `overhead_ratio` (and `wall_ratio`).
2. Two cores: Whisper-bound entries (the bundled 36 s speech clip under distinct URLs)
   with 2 transcription processes and 2 entries at once, against 1 and 1 -> wall time
   throughput ratio `two_core_speedup` (both include loading the model in the children).
3. Two workers on a throwaway Postgres cluster, 300 entries on the Notion emulator, as
   in tests/workflows/faults/test_two_workers.py but without the kill: duplicated entries
   and the most Notion requests that arrived within one second.

    .venv/bin/python benchmarks/engine.py [--entries 200] [--rounds 7] [--whisper-entries 8]
        [--notion-entries 300] [--parts overhead,two-core,workers]

Last line: overhead_ratio=X wall_ratio=W two_core_speedup=Y duplicates=N peak_notion_rps=Z
(a part left out prints "-")
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from tests.postgres import PostgresCluster, server_binaries  # noqa: E402
from tests.workflows.faults.rig import (  # noqa: E402
    PageServer,
    TimedNotionEmulator,
    child_env,
    WRITE_STEPS,
    finished_steps,
    fresh_workspace,
    step_records,
    yp,
)
from young_production.config import Workspace  # noqa: E402
from young_production.records import DNAStatus, ViralDNA  # noqa: E402
from young_production.runtime import Runtime, open_store  # noqa: E402
from young_production.tools.sample_server import SampleServer, samples_dir  # noqa: E402
from young_production.skills.dna.decode import analyse_dna  # noqa: E402
from young_production.skills.dna.classify import classify_info_type  # noqa: E402
from young_production.skills.crud import add_dna, fetch_unprocessed_dna, update_entry  # noqa: E402
from young_production.media.guard import AddressGuard  # noqa: E402
from young_production.media.scrape import scrape  # noqa: E402
from young_production.store.base import iter_records  # noqa: E402
from young_production.store.notion.client import Pacer  # noqa: E402
from young_production.store.notion.setup import init_workspace  # noqa: E402
from young_production.store.notion.store import NotionStore  # noqa: E402
from young_production.workflows.engine.base import RunOptions  # noqa: E402
from young_production.workflows import open_engine  # noqa: E402
from young_production.workflows.wf1 import decoded_changes  # noqa: E402

WORKERS = 2


def captioned_site(root: Path, count: int) -> Path:
    """`count` copies of the bundled captioned page (links to one shared clip and captions)."""
    source = samples_dir() / "captioned"
    for n in range(count):
        folder = root / "c" / str(n)
        folder.mkdir(parents=True)
        for name in ("index.html", "habits.en.vtt", "habits.mp4"):
            (folder / name).symlink_to(source / name)
    return root


def new_workspace(root: Path, **pipeline: object) -> Workspace:
    return fresh_workspace(root, {}, workers=WORKERS, **pipeline)


def add_entries(workspace: Workspace, urls: list[str]) -> None:
    store = open_store(workspace)
    try:
        for url in urls:
            add_dna(store, url)
    finally:
        store.close()


def encoded(workspace: Workspace) -> int:
    store = open_store(workspace)
    try:
        return sum(1 for e in iter_records(store, ViralDNA) if e.status is DNAStatus.ENCODED)
    finally:
        store.close()


def timed(run: object) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    run()  # type: ignore[operator]
    return time.process_time() - cpu, time.perf_counter() - wall


def through_engine(workspace: Workspace) -> None:
    with open_engine(workspace) as engine:
        result = engine.run("wf1", RunOptions(workers=WORKERS))
    assert result.failed == 0 and result.successful == result.selected, result.summary()


def directly(workspace: Workspace) -> None:
    """The same skills WF1's steps call, in the same number of threads, with no engine."""
    with Runtime(workspace) as runtime:
        provider = runtime.provider()
        guard = AddressGuard.from_config(runtime.pipeline.sources)

        def encode(entry: ViralDNA) -> None:
            payload = entry.model_dump(mode="json")
            source_type = classify_info_type(entry.url or "", entry.source_type)
            content = scrape(entry.url or "", source_type, work_dir=runtime.media_dir / (entry.id or "x"),
                             config=runtime.pipeline, guard=guard, workspace_root=runtime.root)
            transcript = runtime.transcriber.transcribe(content)
            analysis = analyse_dna(provider, transcript, title=content.title or entry.title,
                                   source_type=content.source_type, mode=runtime.ai.analysis_mode,
                                   token_budget=runtime.ai.condense_token_budget, workflow="WF1", entry_id=entry.id)
            source = {"source_type": content.source_type.value, "title": content.title, "duration": content.duration,
                      "views": None, "transcript_source": transcript.source.value, "language": transcript.language,
                      "segments": [[s.text, s.start, s.end] for s in transcript.segments]}
            as_dict = {**analysis.__dict__, "usage": analysis.usage.__dict__}
            update_entry(runtime.store, ViralDNA, entry.id or "", decoded_changes(payload, source, as_dict))

        entries = fetch_unprocessed_dna(runtime.store)
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(encode, entries))


RUNNERS = {"direct": directly, "engine": through_engine}


def overhead(count: int, work: Path, rounds: int) -> tuple[float, float]:
    site = captioned_site(work / "site", count)
    ratios: list[tuple[float, float]] = []
    with SampleServer(root=site) as server:
        urls = [server.url(f"c/{n}/") for n in range(count)]
        for name, runner in RUNNERS.items():  # a first pass warms yt-dlp's imports and caches
            workspace = new_workspace(work / f"{name}-warm-up")
            add_entries(workspace, urls[:10])
            runner(workspace)
        for number in range(rounds):
            figures = {}
            for name in ("direct", "engine") if number % 2 == 0 else ("engine", "direct"):
                workspace = new_workspace(work / f"{name}-{number}")
                add_entries(workspace, urls)
                cpu, wall = timed(partial(RUNNERS[name], workspace))
                assert encoded(workspace) == count
                figures[name] = (cpu / count, wall / count)
            (direct_cpu, direct_wall), (engine_cpu, engine_wall) = figures["direct"], figures["engine"]
            ratios.append((engine_cpu / direct_cpu, engine_wall / direct_wall))
            print(f"  round {number + 1}: direct {direct_cpu * 1000:5.1f} ms CPU, {direct_wall * 1000:5.1f} ms wall; "
                  f"engine {engine_cpu * 1000:5.1f} ms CPU, {engine_wall * 1000:5.1f} ms wall per entry "
                  f"({count} entries, load {os.getloadavg()[0]:.1f}): CPU ratio {ratios[-1][0]:.3f}, "
                  f"wall ratio {ratios[-1][1]:.3f}")
    ratio, wall_ratio = statistics.median(r[0] for r in ratios), statistics.median(r[1] for r in ratios)
    print(f"  overhead (median of {rounds} rounds): CPU ratio {ratio:.3f}, wall ratio {wall_ratio:.3f}")
    return ratio, wall_ratio


def two_cores(count: int, work: Path) -> float:
    with SampleServer() as server:
        urls = [server.url(f"speech/story.mp4?copy={n}") for n in range(count)]
        walls = {}
        for processes in (1, 2):
            workspace = fresh_workspace(work / f"whisper-{processes}", {}, workers=processes,
                                        engine={"cpu_processes": processes})
            add_entries(workspace, urls)
            load = os.getloadavg()[0]
            _, wall = timed(lambda: through_engine_with(workspace, processes))
            assert encoded(workspace) == count
            walls[processes] = wall
            print(f"  {processes} process(es), {processes} entr(y/ies) at once: {wall:6.1f} s for {count} entries "
                  f"({count * 36 / wall:5.1f}x real time of speech; load before {load:.1f})")
    speedup = walls[1] / walls[2]
    print(f"  two-core speedup: {speedup:.2f}")
    return speedup


def through_engine_with(workspace: Workspace, workers: int) -> None:
    with open_engine(workspace) as engine:
        result = engine.run("wf1", RunOptions(workers=workers))
    assert result.failed == 0, result.summary()


def two_workers(count: int, work: Path) -> tuple[int, int]:
    binaries = server_binaries()
    if binaries is None:
        raise SystemExit("PostgreSQL server binaries not found: install the Debian package `postgresql`")
    cluster = PostgresCluster(binaries).start()
    try:
        url = cluster.create_database()
        with PageServer() as pages, TimedNotionEmulator() as notion:
            env = {"NOTION_API_KEY": notion.api_key, "NOTION_BASE_URL": notion.base_url, "YP_ENGINE_DATABASE_URL": url}
            engine = {"heartbeat_sec": 1, "executor_timeout_sec": 4, "notion_writes_per_sec": 2.0}
            a = fresh_workspace(work / "machine-a", env, workers=1, engine=engine)
            init_workspace(a, notion.root_page_id, pacer=Pacer(1000.0))
            b = fresh_workspace(work / "machine-b", env, workers=1, engine=engine)
            shutil.copy(a.config_dir / "databases.yaml", b.config_dir / "databases.yaml")
            seeding = NotionStore.from_config(Workspace(a.root).store_config().notion, pacer=Pacer(1000.0))
            for n in range(count):
                add_dna(seeding, pages.url(n))
            seeding.close()
            notion.arrivals.clear()
            queued = yp(Workspace(a.root), "run", "wf1", "--enqueue", "--json")
            assert queued.returncode == 0, queued.stderr
            started = time.perf_counter()
            command = [sys.executable, "-m", "young_production", "worker", "--until-idle", "--grace", "0"]
            workers = [subprocess.Popen([*command[:3], "-w", str(w.root), *command[3:]], env=child_env(),
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for w in (a, b)]
            for process in workers:
                _, err = process.communicate(timeout=1800)
                assert process.returncode == 0, err[-2000:]
            wall = time.perf_counter() - started
            peak = notion.peak_per_second()
            reads = finished_steps(step_records(Workspace(a.root), Workspace(b.root)), "wf1.read")
            split = [sum(finished_steps(step_records(Workspace(w.root)), WRITE_STEPS).values()) for w in (a, b)]
            twice = {e for e, c in reads.items() if c > 1} | {p for p, c in notion.page_updates.items() if c > 1}
            duplicates = len(twice) + sum(1 for n in range(count) if pages.gets[f"/note/{n}.html"] > 1)
            print(f"  {count} entries in {wall:.1f} s, split {split[0]}/{split[1]}, duplicates {duplicates}, "
                  f"peak Notion requests in one second {peak} (pace 2.0/s)")
            return duplicates, peak
    finally:
        cluster.stop()


PARTS = ("overhead", "two-core", "workers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=7, help="direct/engine pairs timed for the overhead")
    parser.add_argument("--whisper-entries", type=int, default=8)
    parser.add_argument("--notion-entries", type=int, default=300)
    parser.add_argument("--parts", default=",".join(PARTS), help=f"which parts to run, of {', '.join(PARTS)}")
    args = parser.parse_args()
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if not parts or parts - set(PARTS):
        parser.error(f"--parts takes a comma-separated list of {', '.join(PARTS)}")
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    work = Path(tempfile.mkdtemp(prefix="yp-bench-engine-"))
    figures = dict.fromkeys(("overhead_ratio", "wall_ratio", "two_core_speedup", "duplicates", "peak_notion_rps"), "-")
    try:
        if "overhead" in parts:
            print(f"1. engine overhead, {args.entries} caption-only entries, {WORKERS} at once")
            ratio, wall_ratio = overhead(args.entries, work / "overhead", max(1, args.rounds))
            figures.update(overhead_ratio=f"{ratio:.3f}", wall_ratio=f"{wall_ratio:.3f}")
        if "two-core" in parts:
            print(f"2. Whisper-bound entries, 2 processes against 1 ({os.cpu_count()} cores)")
            figures["two_core_speedup"] = f"{two_cores(args.whisper_entries, work / 'whisper'):.2f}"
        if "workers" in parts:
            print(f"3. two workers on Postgres, {args.notion_entries} entries on the Notion emulator")
            duplicates, peak = two_workers(args.notion_entries, work / "notion")
            figures.update(duplicates=str(duplicates), peak_notion_rps=str(peak))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(" ".join(f"{k}={v}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
