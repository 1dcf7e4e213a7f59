"""Paid calls across interruptions: every request the provider received has one ledger row, and no
answer that came back is bought again.

WF3 drafts a production in one step of four Claude calls (script S15, scenes S19,
packaging S20, metadata S21). The run is stopped with Ctrl-C or kill -9 while the
emulator holds the packaging request (the provider has it; its answer never comes back),
and run again. Counted at the end: the requests the emulator received against the
ledger's rows, per skill.
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
from young_production.workflows.base import RunOptions

from ..loop_data import make_workspace, production
from ..running import run
from .rig import PYTHON, child_env, report, write_env, yp

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


def _scripting_workspace(root: Path, claude: AnthropicEmulator) -> tuple[Workspace, str]:
    """A SQLite workspace whose target production has its references (linked by the free rules),
    drafted by Claude from here on."""
    workspace, ids = make_workspace(root)
    linked = run(workspace, "wf2", RunOptions(extra={"auto": True, "min_score": 0.2, "top": 2,
                                                     "production": ids[TARGET]}))
    assert linked.successful == 1, [e.error for e in linked.entries]
    write_env(workspace, {"ANTHROPIC_API_KEY": claude.api_key, "ANTHROPIC_BASE_URL": claude.base_url})
    workspace = Workspace(root)
    workspace.update_yaml("ai_config.yaml", lambda d: d.update({
        "provider": "anthropic",
        "prices": {MODEL: {"input": 1.0, "output": 5.0}},
        "anthropic": {"api_key": "${ANTHROPIC_API_KEY}", "base_url": "${ANTHROPIC_BASE_URL}",
                      "default_model": MODEL, "max_retries": 0},
        "skills": {},
        "limits": {"per_run_usd": None, "daily_usd": None, "monthly_usd": None},
    }))
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
