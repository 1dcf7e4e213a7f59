"""WF1 on the Notion emulator at the rate-limit bound (the speed target of issue 3).

200 Viral DNA entries point at small captioned HTML5 video pages served on
127.0.0.1; the emulator enforces 3 requests/s with ~150 ms latency per request and
our pacer runs at the same 3 requests/s; the rule provider analyses. Setup (databases,
entries) runs with limits off; only the WF1 run is measured, then again with one worker.

    .venv/bin/python benchmarks/wf1_notion.py [--entries 200] [--workers 6] [--skip-serial]

Prints Notion requests per entry, wall time and wall time / (requests / rate), the
rate-limit lower bound. Last line (machine-readable):
    requests_per_entry=X ratio_to_bound=Y serial_ratio_to_bound=Z
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from young_production.config import Workspace
from young_production.tools.sample_server import SampleServer, samples_dir
from young_production.skills.crud import add_dna
from young_production.store.notion.client import Pacer
from young_production.tools.notion_emulator import NotionEmulator
from young_production.store.notion.setup import init_workspace
from young_production.store.notion.store import NotionStore
from young_production.workflows.engine.base import RunOptions
from young_production.workflows import open_engine

SETUP_RATE = 1000.0
INITIAL_OPERATIONS = ("databases.retrieve", "data_sources.query")  # finding and paging the unprocessed DNA

TOPICS = [
    "saving money", "morning routines", "learning to code", "running a marathon", "cooking at home",
    "public speaking", "starting a podcast", "growing tomatoes", "reading more books", "sleeping better",
]
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="description" content="{title}: a short about {topic}."></head>
<body><main><h1>{title}</h1>
<video controls width="480" height="270" preload="metadata">
  <source src="../clip.mp4" type="video/mp4">
  <track kind="subtitles" srclang="en" label="English" src="captions.en.vtt" default>
</video></main></body></html>
"""


def captions(index: int, topic: str) -> str:
    lines = [
        f"Did you know that {index % 9 + 2} out of 10 people give up on {topic} in the first week?",
        "Stay until the end, because the last tip is the one nobody tells you.",
        f"Most people think {topic} is about motivation. It is not.",
        f"The real reason is that the plan is too vague, so start with {index % 5 + 1} minutes a day.",
        "Write it down, make it small, and do it at the same time every day.",
        f"And the last tip, the one nobody tells you: tell one friend about {topic} today.",
    ]
    cues = [f"{n + 1}\n00:00:{n * 5:02d}.000 --> 00:00:{n * 5 + 4:02d}.500\n{line}\n" for n, line in enumerate(lines)]
    return "WEBVTT\n\n" + "\n".join(cues)


def make_pages(root: Path, count: int) -> list[str]:
    """`count` captioned video pages sharing one small clip; returns their paths."""
    shutil.copyfile(samples_dir() / "captioned" / "habits.mp4", root / "clip.mp4")
    paths = []
    for i in range(count):
        topic = TOPICS[i % len(TOPICS)]
        folder = root / f"v{i:03d}"
        folder.mkdir()
        (folder / "index.html").write_text(PAGE.format(title=f"Tip {i}: {topic}", topic=topic), "utf-8")
        (folder / "captions.en.vtt").write_text(captions(i, topic), "utf-8")
        paths.append(f"v{i:03d}/index.html")
    return paths


def notion_workspace(root: Path, emulator: NotionEmulator, rate: float) -> Workspace:
    """A workspace on the emulator's Notion, databases created, loopback sources allowed."""
    env = {"NOTION_API_KEY": emulator.api_key, "NOTION_BASE_URL": emulator.base_url}
    workspace = Workspace(root, env=env)
    workspace.init()
    workspace.update_yaml("pipeline.yaml", lambda d: d.setdefault("sources", {}).update(allow_private_addresses=True))
    workspace.update_yaml("databases.yaml", lambda d: d["notion"].update(rate_limit_per_sec=rate))
    init_workspace(workspace, emulator.root_page_id, pacer=Pacer(SETUP_RATE))
    return workspace


def add_entries(workspace: Workspace, urls: list[str]) -> None:
    store = NotionStore.from_config(workspace.store_config().notion, pacer=Pacer(SETUP_RATE))
    try:
        for url in urls:
            add_dna(store, url, tags=["benchmark"])
    finally:
        store.close()


@dataclass
class Measurement:
    workers: int
    entries: int
    wall: float
    requests: int
    initial: int
    rate_limited: int
    rate: float
    successful: int
    by_operation: dict[str, int]

    @property
    def per_entry(self) -> float:
        return (self.requests - self.initial) / self.entries

    @property
    def bound(self) -> float:
        return self.requests / self.rate

    @property
    def ratio(self) -> float:
        return self.wall / self.bound


def measure(urls: list[str], workers: int, rate: float, latency: float) -> Measurement:
    """One WF1 run over fresh entries on a fresh emulator."""
    with NotionEmulator() as emulator, tempfile.TemporaryDirectory(prefix="yp-bench-ws-") as ws:
        workspace = notion_workspace(Path(ws) / "ws", emulator, rate)
        add_entries(workspace, urls)
        emulator.limiter.configure(rate)
        emulator.faults.configure(latency=latency)
        emulator.reset_counts()
        with open_engine(workspace) as engine:
            began = time.perf_counter()
            result = engine.run("wf1", RunOptions(workers=workers))
            wall = time.perf_counter() - began
        counts = dict(emulator.requests)
        failures = [e.error for e in result.entries if e.status != "done"]
        if failures:
            print(f"  {len(failures)} entries failed, first: {failures[0]}")
        return Measurement(
            workers=workers, entries=len(urls), wall=wall, requests=sum(counts.values()),
            initial=sum(counts.get(op, 0) for op in INITIAL_OPERATIONS), rate_limited=emulator.rate_limited,
            rate=rate, successful=result.successful, by_operation=counts,
        )


def report(label: str, m: Measurement) -> None:
    print(f"{label}: {m.successful}/{m.entries} encoded with {m.workers} worker(s)")
    print(f"  Notion requests: {m.requests} ({', '.join(f'{k} {v}' for k, v in sorted(m.by_operation.items()))}),"
          f" 429 answers: {m.rate_limited}")
    print(f"  requests per entry after the initial query pages: {m.per_entry:.2f}")
    print(f"  wall time: {m.wall:.1f} s; rate-limit bound: {m.requests} / {m.rate:g} rps = {m.bound:.1f} s;"
          f" ratio: {m.ratio:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=200)
    parser.add_argument("--workers", type=int, default=6)
    parser.add_argument("--rate", type=float, default=3.0, help="emulator limit and pacer, requests/s")
    parser.add_argument("--latency-ms", type=float, default=150.0)
    parser.add_argument("--skip-serial", action="store_true", help="skip the one-worker comparison run")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="yp-bench-pages-") as tmp, SampleServer(Path(tmp)) as server:
        urls = [server.url(path) for path in make_pages(Path(tmp), args.entries)]
        print(f"{args.entries} captioned pages on {server.base_url}; emulator at {args.rate:g} rps, "
              f"{args.latency_ms:g} ms latency; pacer at {args.rate:g} rps")
        concurrent = measure(urls, args.workers, args.rate, args.latency_ms / 1000)
        report("concurrent", concurrent)
        serial_ratio = float("nan")
        if not args.skip_serial:
            serial = measure(urls, 1, args.rate, args.latency_ms / 1000)
            report("serial", serial)
            serial_ratio = serial.ratio
    print(f"requests_per_entry={concurrent.per_entry:.2f} ratio_to_bound={concurrent.ratio:.2f} "
          f"serial_ratio_to_bound={serial_ratio:.2f}")


if __name__ == "__main__":
    main()
