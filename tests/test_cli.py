"""The `yp` command as a user runs it: exit codes, one-line errors, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from young_production.config import Workspace


def yp(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "young_production", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COLUMNS": "160", **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def assert_user_error(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    message = proc.stderr.strip()
    assert message.startswith("error:"), message
    for word in words:
        assert word.lower() in message.lower(), message


@pytest.fixture
def workspace(init_workspace: Path) -> Path:
    return init_workspace


def test_init_makes_a_workspace_with_a_store(tmp_path: Path) -> None:
    proc = yp("init", str(tmp_path / "ws"))
    assert proc.returncode == 0, proc.stderr
    assert "workspace ready" in proc.stdout
    ws = Workspace(tmp_path / "ws")
    assert ws.exists()
    assert (tmp_path / "ws" / "young.db").exists()


def test_dna_add_list_show_and_idempotent_add(workspace: Path, tmp_path: Path) -> None:
    clip = tmp_path / "reel.mp4"
    clip.write_bytes(b"\x00" * 64)
    added = yp("-w", str(workspace), "dna", "add", str(clip), "--tag", "Fitness")
    assert added.returncode == 0 and added.stdout.startswith("added:"), added.stderr
    entry_id = added.stdout.split()[1]
    again = yp("-w", str(workspace), "dna", "add", str(clip))
    assert again.stdout.startswith("already there:") and entry_id in again.stdout
    listing = yp("-w", str(workspace), "dna", "list")
    assert listing.returncode == 0 and f"\n{entry_id[:8]}  " in listing.stdout and "fitness" in listing.stdout
    shown = yp("-w", str(workspace), "dna", "show", entry_id)
    assert shown.returncode == 0 and "media" in shown.stdout and "New" in shown.stdout


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("ftp://example.com/video.mp4", ["unsupported", "http"]),
        ("file:///etc/passwd", ["unsupported"]),
        ("http://10.0.0.1/video.mp4", ["10.0.0.1"]),
        ("http://192.168.1.20/reel", ["192.168.1.20"]),
        ("http://127.0.0.1:8080/clip.mp4", ["127.0.0.1"]),
        ("./no-such-file.mp4", ["no such file"]),
        ("", ["empty"]),
    ],
)
def test_dna_add_refuses_bad_targets(workspace: Path, target: str, words: list[str]) -> None:
    assert_user_error(yp("-w", str(workspace), "dna", "add", target), *words)
    assert "added" not in yp("-w", str(workspace), "dna", "list").stdout


def test_unknown_id_is_a_clear_error(workspace: Path) -> None:
    assert_user_error(yp("-w", str(workspace), "dna", "show", "does-not-exist"), "does-not-exist")


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    assert_user_error(yp("-w", str(tmp_path / "none"), "run", "wf1"), "yp init")


def test_broken_config_is_a_clear_error(workspace: Path) -> None:
    (workspace / "config" / "ai_config.yaml").write_text("provider: [rules\n")
    assert_user_error(yp("-w", str(workspace), "run", "wf1"), "ai_config.yaml", "line")


def test_missing_required_variable_names_it(workspace: Path) -> None:
    (workspace / "config" / "databases.yaml").write_text("store: sqlite\nsqlite_path: ${YP_TEST_DB_FILE}\n")
    proc = yp("-w", str(workspace), "dna", "list", env={"YP_TEST_DB_FILE": "other.db"})
    assert proc.returncode == 0, proc.stderr
    assert (workspace / "other.db").exists()
    env = {k: v for k, v in os.environ.items() if k != "YP_TEST_DB_FILE"}
    proc = subprocess.run(
        [sys.executable, "-m", "young_production", "-w", str(workspace), "dna", "list"],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert_user_error(proc, "YP_TEST_DB_FILE", "databases.yaml")


def test_run_wf1_dry_run_on_empty_workspace(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "run", "wf1", "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert "selected 0" in proc.stdout
    assert not (workspace / "state" / "wf1_last_run.json").exists()


def test_db_sample_inspect_and_clear(workspace: Path) -> None:
    first = yp("-w", str(workspace), "db", "sample")
    assert first.returncode == 0 and "viral_dna 6" in first.stdout, first.stdout + first.stderr
    second = yp("-w", str(workspace), "db", "sample")
    assert "viral_dna 0" in second.stdout
    inspect = yp("-w", str(workspace), "db", "inspect")
    assert inspect.returncode == 0 and "viral_dna" in inspect.stdout and "perspective" in inspect.stdout
    refused = yp("-w", str(workspace), "db", "clear")  # no terminal to confirm on
    assert_user_error(refused, "--yes")
    assert "Viral DNA (6)" in yp("-w", str(workspace), "dna", "list").stdout
    cleared = yp("-w", str(workspace), "db", "clear", "--yes")
    assert cleared.returncode == 0 and "cleared 12 records" in cleared.stdout
    assert "Viral DNA (0)" in yp("-w", str(workspace), "dna", "list").stdout


def test_doctor_reports_every_part(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "doctor")
    assert "Traceback" not in proc.stderr
    for part in ("workspace", "config", "store", "whisper", "ocr", "AI"):
        assert part in proc.stdout
    assert proc.returncode == 0, proc.stdout


def test_bad_usage_exits_2(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "run", "wf1", "--limit", "0")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_costs_on_a_fresh_workspace(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "costs", "--json")
    assert proc.returncode == 0, proc.stderr
    assert '"total_usd": 0' in proc.stdout


def test_batch_mode_on_the_rule_provider_is_a_clear_error(workspace: Path) -> None:
    assert_user_error(yp("-w", str(workspace), "run", "wf1", "--batch"), "Message Batches", "--provider anthropic")


def test_chosen_provider_without_key_fails_before_any_work(workspace: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    proc = subprocess.run(
        [sys.executable, "-m", "young_production", "-w", str(workspace), "run", "wf1", "--provider", "anthropic"],
        capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60,
    )
    assert_user_error(proc, "ANTHROPIC_API_KEY")
    assert not (workspace / "state" / "wf1_last_run.json").exists()


def test_notion_check_without_databases_is_a_clear_error(workspace: Path) -> None:
    proc = yp("-w", str(workspace), "notion", "check", env={"NOTION_API_KEY": ""})
    assert_user_error(proc, "NOTION_API_KEY")
