"""What a person sees of fields the rules left unsure: `dna show` (text and --json) and `run wf1 --unsure`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.test_cli import assert_user_error, yp
from young_production.config import Workspace
from young_production.records import DNAStatus, ViralDNA
from young_production.runtime import open_store


def _unsure_entry(root: Path) -> str:
    store = open_store(Workspace(root))
    try:
        entry = store.create(ViralDNA(
            title="Why some videos get 10x the views", key="k1", status=DNAStatus.ENCODED,
            transcript="Why do some videos get ten times more views?\nThe thumbnail is not the real reason.",
            hook="Why do some videos get ten times more views?", hook_pattern="question",
            confidence={"perspective": 0.59, "hook": 0.97, "hook_pattern": 0.97, "open_loop": 0.43, "payoff": 0.22},
            unsure=["perspective", "open_loop", "payoff"], needs_review=True,
        ))
        return entry.id or ""
    finally:
        store.close()


def test_dna_show_says_unsure_and_offers_a_model_with_its_cost(init_workspace: Path) -> None:
    root = init_workspace
    entry_id = _unsure_entry(root)

    shown = yp("-w", str(root), "dna", "show", entry_id)
    assert shown.returncode == 0, shown.stderr
    text = " ".join(shown.stdout.split())
    assert "Perspective unsure (ask a model: anthropic (claude-haiku-5-5), at most $" in text
    assert "Open loop unsure (ask a model:" in text and "yp run wf1 --unsure" in text
    assert "(question) Why do some videos" in text  # what the rules asserted is shown as it is

    as_json = json.loads(yp("-w", str(root), "dna", "show", entry_id, "--json").stdout)
    assert as_json["unsure"] == ["perspective", "open_loop", "payoff"] and as_json["needs_review"] is True
    assert as_json["confidence"]["perspective"] == 0.59 and as_json["perspective"] is None


@pytest.mark.slow  # six `yp run` processes, each loading the engine and every workflow
def test_run_wf1_unsure_dry_run_counts_entries_fields_and_cost(init_workspace: Path) -> None:
    root = init_workspace
    entry_id = _unsure_entry(root)

    assert_user_error(yp("-w", str(root), "run", "wf1", "--unsure", "--dry-run"), "for a model", "--provider")
    planned = yp("-w", str(root), "run", "wf1", "--unsure", "--dry-run", "--provider", "anthropic",
                 env={"ANTHROPIC_API_KEY": "sk-test-not-used"})
    assert planned.returncode == 0, planned.stderr
    line = " ".join(planned.stdout.split())
    assert "1 entries, 3 unsure fields to anthropic (claude-haiku-5-5)" in line
    assert "estimated AI cost at most $0.0" in line and "perspective, open_loop, payoff" in line
    shown = " ".join(yp("-w", str(root), "dna", "show", entry_id).stdout.split())
    offered = re.search(r"at most \$([0-9.]+)", shown)
    assert offered and float(offered.group(1)) == _estimate(line)  # the price `dna show` offers is the run's
    assert_user_error(yp("-w", str(root), "run", "wf1", "--unsure", "--resume"), "only one of")
    assert_user_error(yp("-w", str(root), "run", "wf1", "--unsure", "--batch", "--dry-run"), "Message Batches")
    batched = yp("-w", str(root), "run", "wf1", "--unsure", "--batch", "--dry-run", "--provider", "anthropic",
                 "--json", env={"ANTHROPIC_API_KEY": "sk-test-not-used"})
    assert batched.returncode == 0, batched.stderr
    plan = json.loads(batched.stdout)
    assert plan["entries"][0]["detail"]["ask_model"] == ["perspective", "open_loop", "payoff"]
    assert plan["entries"][0]["detail"]["batch"] is True
    assert plan["estimated_cost_usd"] == pytest.approx(_estimate(line) / 2, abs=1e-4)


def _estimate(line: str) -> float:
    found = re.search(r"estimated AI cost at most \$([0-9.]+)", line)
    assert found, line
    return float(found.group(1))
