"""Paid calls across interruptions: every request the provider received has one ledger row, and no
answer that came back is bought again.

- WF3 drafts a production in one step of four Claude calls (script S15, scenes S19,
  packaging S20, metadata S21). The run is stopped with Ctrl-C or kill -9 while the
  emulator holds the packaging request (the provider has it; its answer never comes
  back), and run again.
- Two workers on Postgres encode entries with Claude (each machine its own emulator);
  worker B is killed with -9 while its emulator holds one of its requests, and worker A
  finishes B's entry.

Counted at the end: the requests the emulators received against the ledgers' rows, and
what the shared budget on Postgres holds against what the ledgers say was spent.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.fakes import AnthropicEmulator
from young_production.ai.ledger import CostLedger
from young_production.config import Workspace
from young_production.records import ProductionStatus
from young_production.workflows.args import LinkArgs
from young_production.workflows.engine.base import RunOptions

import shutil

import sqlalchemy as sa

from tests.postgres import postgres_cluster, postgres_url  # noqa: F401 (fixtures)
from young_production.records import DNAStatus, ViralDNA
from young_production.skills.crud import add_dna
from young_production.store.base import iter_records
from young_production.store.notion.client import Pacer
from young_production.store.notion.setup import init_workspace
from young_production.store.notion.store import NotionStore
from young_production.workflows.engine.runs import sqlalchemy_url

from ..loop_data import make_workspace, production
from ..running import run
from .rig import PYTHON, PageServer, TimedNotionEmulator, child_env, fresh_workspace, report, write_env, yp

pytestmark = pytest.mark.slow  # each test starts and stops `yp` processes

MODEL = "claude-haiku-5-5"
TARGET = "Hook viewers in the first 30 seconds"
PACKAGING = 3  # the third request of a draft: S15, S19, then S20


class HoldingClaude(AnthropicEmulator):
    """The Claude emulator, holding the `hold_at`-th message request until `release` is set."""

    def __init__(self, hold_at: int):
        super().__init__()
        self.hold_at = hold_at
        self.holding = threading.Event()
        self.release = threading.Event()

    def answer(self, body: Any) -> dict[str, Any]:
        if len(self.message_requests()) == self.hold_at and not self.release.is_set():
            self.holding.set()
            self.release.wait(120)
        return super().answer(body)


def _claude_config() -> dict[str, Any]:
    return {
        "provider": "anthropic",
        "prices": {MODEL: {"input": 1.0, "output": 5.0}},
        "anthropic": {"api_key": "${ANTHROPIC_API_KEY}", "base_url": "${ANTHROPIC_BASE_URL}",
                      "default_model": MODEL, "max_retries": 0},
        "skills": {},
        "limits": {"per_run_usd": None, "daily_usd": 50.0, "monthly_usd": None},
    }


def _scripting_workspace(root: Path, claude: AnthropicEmulator) -> tuple[Workspace, str]:
    """A SQLite workspace whose target production has its references (linked by the free rules),
    drafted by Claude from here on."""
    workspace, ids = make_workspace(root)
    linked = run(workspace, "wf2", RunOptions(args=LinkArgs(auto=True, min_score=0.2, top=2,
                                                     production=ids[TARGET])))
    assert linked.successful == 1, [e.error for e in linked.entries]
    write_env(workspace, {"ANTHROPIC_API_KEY": claude.api_key, "ANTHROPIC_BASE_URL": claude.base_url})
    workspace = Workspace(root)
    workspace.update_yaml("ai_config.yaml", lambda d: d.update(_claude_config()))
    return workspace, ids[TARGET]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_a_draft_stopped_mid_call_buys_no_answer_twice_and_books_every_request(
    tmp_path: Path, stop: signal.Signals
) -> None:
    with HoldingClaude(hold_at=PACKAGING) as claude:
        workspace, target = _scripting_workspace(tmp_path / "ws", claude)
        command = [PYTHON, "-m", "young_production", "-w", str(workspace.root), "run", "wf3", "--production", target]
        first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=child_env())
        try:
            assert claude.holding.wait(120), "the packaging request never arrived"
            first.send_signal(stop)
            _, err = first.communicate(timeout=60)
        finally:
            claude.release.set()
            if first.poll() is None:
                first.kill()
        assert first.returncode in (130, -signal.SIGKILL), err[-2000:]

        again = yp(workspace, "run", "wf3", "--production", target, "--json")
        assert again.returncode == 0, again.stderr[-2000:]
        received = len(claude.message_requests())

    rows = CostLedger(workspace.state_dir).calls()
    per_skill = Counter(r["skill"] for r in rows)
    report(f"WF3 stopped by {stop.name} mid-call", 0, 0, requests=received, ledger_rows=len(rows),
           per_skill=dict(sorted(per_skill.items())))
    assert production(workspace, target).status is ProductionStatus.DNA_MATCHING
    assert received == len(rows)  # every request the provider got is in the ledger
    # the script and scenes came back before the stop: bought once; the packaging call cut off
    # in flight is booked as lost (at its most) and asked again; metadata once, after
    assert per_skill == {"S15": 1, "S19": 1, "S20": 2, "S21": 1}
    assert sorted(r["outcome"] for r in rows if r["skill"] == "S20") == ["lost", "ok"]
    assert {r["outcome"] for r in rows if r["skill"] != "S20"} == {"ok"}


ENTRIES = 12
ENGINE = {"heartbeat_sec": 1, "executor_timeout_sec": 4, "notion_writes_per_sec": 3.0}


def test_a_killed_workers_call_in_flight_is_booked_and_settled_by_the_survivor(
    tmp_path: Path, postgres_url: str  # noqa: F811
) -> None:
    with PageServer() as pages, TimedNotionEmulator() as notion, AnthropicEmulator() as claude_a, \
            HoldingClaude(hold_at=2) as claude_b:
        claude_a.latency_sec = 0.3  # A answers slowly enough that B gets entries too
        machines = []
        for name, claude in (("a", claude_a), ("b", claude_b)):
            env = {"NOTION_API_KEY": notion.api_key, "NOTION_BASE_URL": notion.base_url,
                   "YP_ENGINE_DATABASE_URL": postgres_url, "ANTHROPIC_API_KEY": claude.api_key,
                   "ANTHROPIC_BASE_URL": claude.base_url}
            machine = fresh_workspace(tmp_path / f"machine-{name}", env, workers=1, engine=ENGINE)
            machine.update_yaml("ai_config.yaml", lambda d: d.update(_claude_config()))
            machines.append(machine)
        a, b = machines
        init_workspace(a, notion.root_page_id, pacer=Pacer(1000.0))
        shutil.copy(a.config_dir / "databases.yaml", b.config_dir / "databases.yaml")
        a, b = Workspace(a.root), Workspace(b.root)
        store = NotionStore.from_config(a.store_config().notion, pacer=Pacer(1000.0))
        try:
            for n in range(ENTRIES):
                add_dna(store, pages.url(n), title=f"note {n}")
        finally:
            store.close()

        queued = yp(a, "run", "wf1", "--enqueue", "--json")
        assert queued.returncode == 0, queued.stderr[-2000:]
        command = [PYTHON, "-m", "young_production", "-w", "ROOT", "worker", "--until-idle", "--grace", "0"]
        workers = [subprocess.Popen([*command[:4], str(w.root), *command[5:]], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=child_env()) for w in (a, b)]
        try:
            assert claude_b.holding.wait(180), "worker B never sent its second request"
            workers[1].kill()  # kill -9 with B's request at the provider, its answer not back
            workers[1].communicate(timeout=30)
            claude_b.release.set()
            _, a_err = workers[0].communicate(timeout=300)
            assert workers[0].returncode == 0, a_err[-3000:]
        finally:
            claude_b.release.set()
            for process in workers:
                if process.poll() is None:
                    process.kill()
        received = len(claude_a.message_requests()) + len(claude_b.message_requests())

        reader = NotionStore.from_config(a.store_config().notion, pacer=Pacer(1000.0))
        try:
            entries = list(iter_records(reader, ViralDNA))
        finally:
            reader.close()

    rows = CostLedger(a.state_dir).calls() + CostLedger(b.state_dir).calls()
    engine = sa.create_engine(sqlalchemy_url(postgres_url))
    try:
        with engine.connect() as db:
            budget = db.execute(sa.text("SELECT amount_nusd, expires_at, note FROM yp_ai_budget")).all()
    finally:
        engine.dispose()
    report("two workers with Claude on Postgres, one killed mid-call", ENTRIES - sum(
        1 for e in entries if e.status is DNAStatus.ENCODED), 0, requests=received, ledger_rows=len(rows),
        lost_calls=sum(1 for *_, note in budget if (note or "").startswith("lost")))
    assert all(e.status is DNAStatus.ENCODED for e in entries) and len(entries) == ENTRIES
    assert received == len(rows)  # the ledgers hold every request the provider received ...
    assert sorted(r["outcome"] for r in rows).count("in_flight") == 1  # B's, on B's machine
    assert received == ENTRIES + 1  # ... and only the answer that never came back was asked again
    # the limits see what the ledgers show: the lost call settled at its most, nothing left reserved
    assert [expires for _, expires, _ in budget if expires is not None] == []
    assert sum(1 for *_, note in budget if (note or "").startswith("lost")) == 1
    assert sum(amount for amount, _, _ in budget) == round(sum(r["cost_usd"] for r in rows) * 1e9)
