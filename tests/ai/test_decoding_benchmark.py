"""benchmarks/decoding.py with a workspace: the labelled set decoded by a connected provider.

The benchmark runs as a user runs it (a subprocess), against the OpenAI-compatible emulator
on loopback; the real SDK and our provider, router, ledger and limits answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.fakes import OpenAIEmulator
from young_production.ai.ledger import CostLedger
from young_production.config import Workspace

from .conftest import PRICES

ROOT = Path(__file__).resolve().parents[2]
BENCHMARK = ROOT / "benchmarks" / "decoding.py"
DATA = ROOT / "benchmarks" / "data" / "decoding"
ITEMS = ["3b1b-clacks", "article-bbc-assange-investigation"]  # development items: nothing held out is read
MODEL = "gpt-local-priced"


def _workspace(tmp_path: Path, emu: OpenAIEmulator, **limits: float) -> Workspace:
    workspace = Workspace(tmp_path / "ws")
    workspace.init()
    ai = {
        "provider": "openai",
        "prices": PRICES,
        "openai": {"api_key": emu.api_key or "", "base_url": emu.base_url + "/v1", "default_model": MODEL},
    }
    if limits:
        ai["limits"] = limits
    workspace.update_yaml("ai_config.yaml", lambda data: data.update(ai))
    return workspace


def _benchmark(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BENCHMARK), "--split", "dev", "--only", *ITEMS, *args],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)


def test_a_workspace_provider_decodes_each_item_once_and_prints_its_cost(tmp_path: Path,
                                                                         openai_emu: OpenAIEmulator) -> None:
    workspace = _workspace(tmp_path, openai_emu)
    done = _benchmark("--workspace", str(workspace.root))
    assert done.returncode == 0, done.stderr
    assert "Development set (tuned on): 2 items" in done.stdout
    assert f"Provider openai ({MODEL}): 2 items" in done.stdout
    assert "Speed:" not in done.stdout  # the 50 ms budget is the rule provider's, not a server's
    requests = openai_emu.completion_requests()
    assert len(requests) == 2 and {r["model"] for r in requests} == {MODEL}
    titles = [json.loads((DATA / f"{item}.json").read_text(encoding="utf-8"))["title"] for item in ITEMS]
    for request, title in zip(requests, titles, strict=True):
        assert title in json.dumps(request["messages"])
    spent = CostLedger.for_workspace(workspace).totals()
    assert spent.calls == 2 and spent.total_usd > 0  # priced and recorded like any run's calls
    printed = float(done.stdout.splitlines()[-1].rsplit("usd=", 1)[1])
    assert abs(printed - spent.total_usd) < 0.0001  # the cost it prints is what the ledger holds


def test_an_exhausted_quota_stops_the_benchmark_with_one_line(tmp_path: Path, openai_emu: OpenAIEmulator) -> None:
    openai_emu.quota_exhausted = True
    done = _benchmark("--workspace", str(_workspace(tmp_path, openai_emu).root))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "stopped after 0 of 2 items" in done.stderr
    assert len(openai_emu.completion_requests()) == 1  # not one failed call per item


def test_the_workspace_spending_limit_holds(tmp_path: Path, openai_emu: OpenAIEmulator) -> None:
    done = _benchmark("--workspace", str(_workspace(tmp_path, openai_emu, daily_usd=0.000001).root))
    assert done.returncode == 2 and done.stderr.startswith("error: "), done.stderr
    assert "stopped after 0 of 2 items" in done.stderr
    assert openai_emu.completion_requests() == []  # refused before anything was sent


def test_an_entry_without_a_valid_answer_is_scored_as_a_miss(tmp_path: Path, openai_emu: OpenAIEmulator) -> None:
    openai_emu.invalid_answers.set(2)  # both attempts of the first item get an answer that breaks the schema
    done = _benchmark("--workspace", str(_workspace(tmp_path, openai_emu).root))
    assert done.returncode == 0, done.stderr
    assert f"{ITEMS[0]}: no answer, scored as a miss" in done.stderr
    assert f"1 of 2 items got no answer (scored as misses): {ITEMS[0]}" in done.stdout
    assert "Development set (tuned on): 2 items" in done.stdout


def test_a_missing_workspace_or_a_provider_without_one_is_one_line(tmp_path: Path) -> None:
    done = _benchmark("--workspace", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and done.stderr.startswith("error: no workspace at"), done.stderr
    done = _benchmark("--provider", "openai")
    assert done.returncode == 2 and "--provider needs --workspace" in done.stderr


def test_the_rules_report_asserted_accuracy_coverage_and_the_calibration_bands() -> None:
    done = _benchmark("--calibrate")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    rows = {line.strip().split("  ")[0]: line for line in out.split("asserted only")[1].splitlines()[1:6]}
    assert set(rows) == {"hook span", "hook pattern", "open loop and pay-off", "perspective", "junk tags kept"}
    # the clacks hook has a cue (asserted, right); the BBC article's plain opening fired none (unsure)
    assert "(1 of 1)" in rows["hook pattern"] and "50%" in rows["hook pattern"]  # right, then coverage
    assert "asserted only" in out and "junk tags kept" in out and "Calibration (dev)" in out
    per_group = out.split("Asserted answers per group")[1]
    hook_row = next(line for line in per_group.splitlines() if line.strip().startswith("hook pattern"))
    assert "3b1b 1/1 of 1" in hook_row and "article 0/0 of 1" in hook_row  # each band and field split by group
    logo = {line.strip().split("  ")[0]: line for line in out.split("Leave one group out")[1].splitlines()[1:4]}
    # each item's bands are chosen on the other group alone: the two hooks' bands are not seen there, so
    # nothing is asserted; both perspectives fall in the same band, so each is asserted on the other's evidence
    assert "-" in logo["hook pattern"] and "3b1b 0/0 of 1, article 0/0 of 1" in logo["hook pattern"]
    assert "100%" in logo["perspective"] and "3b1b 1/1 of 1, article 1/1 of 1" in logo["perspective"]
    assert "Held-out" not in out  # the blind set is neither decoded nor reported
