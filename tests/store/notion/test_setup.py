"""`yp notion init/check` and their library functions, against the emulator."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import notion_client
import pytest
import yaml
from typer.testing import CliRunner

from young_production.cli.notion import notion_app
from young_production.config import Workspace
from young_production.errors import AccountError, StoreError, YPError
from young_production.records import Empire, ViralDNA
from young_production.store.notion.client import NotionClient, Pacer
from young_production.tools.notion_emulator import NotionEmulator
from young_production.store.notion.store import NotionStore
from young_production.store.notion.setup import DatabaseSetup, check_databases, init_databases, save_database_ids

from .factory import FAST_RATE, NotionRig, template_config


def connect(emulator: NotionEmulator) -> tuple[NotionClient, notion_client.Client]:
    config = template_config(emulator)
    return NotionClient.from_config(config, pacer=Pacer(FAST_RATE)), notion_client.Client(
        auth=emulator.api_key, base_url=emulator.base_url
    )


def test_init_creates_the_four_related_databases_once() -> None:
    with NotionEmulator() as emulator:
        config = template_config(emulator)
        client, sdk = connect(emulator)
        setups = {s.collection: s for s in init_databases(client, emulator.root_page_id, config)}
        assert sorted(setups) == ["empires", "productions", "reports", "viral_dna"]
        assert all(s.created for s in setups.values())

        dna_schema = sdk.data_sources.retrieve(setups["viral_dna"].data_source_id)["properties"]
        assert dna_schema["Empires"]["relation"]["data_source_id"] == setups["empires"].data_source_id
        assert dna_schema["Extracted Perspective"]["type"] == "rich_text"
        assert {o["name"] for o in dna_schema["Status"]["select"]["options"]} == {"New", "Encoded", "Failed"}
        production_schema = sdk.data_sources.retrieve(setups["productions"].data_source_id)["properties"]
        assert production_schema["Viral DNA"]["relation"]["data_source_id"] == setups["viral_dna"].data_source_id

        # Rerun with no ids in the config: the databases under the page are found by title.
        again = init_databases(client, emulator.root_page_id, config)
        assert [(s.collection, s.database_id, s.created) for s in again] == [
            (s.collection, setups[s.collection].database_id, False) for s in again
        ]
        children = sdk.blocks.children.list(emulator.root_page_id)["results"]
        assert sum(1 for b in children if b["type"] == "child_database") == 4
        client.close()
        sdk.close()


def test_init_survives_a_lost_answer_without_a_second_database() -> None:
    with NotionEmulator() as emulator:
        config = template_config(emulator)
        client, sdk = connect(emulator)
        emulator.faults.drop_next_writes(1)
        setups = init_databases(client, emulator.root_page_id, config)
        assert len(setups) == 4
        children = sdk.blocks.children.list(emulator.root_page_id)["results"]
        assert sorted(b["child_database"]["title"] for b in children) == [
            "Empires", "Productions", "Reports", "Viral DNA"
        ]
        client.close()
        sdk.close()


def test_init_names_a_parent_page_it_cannot_see() -> None:
    with NotionEmulator() as emulator:
        client, _ = connect(emulator)
        with pytest.raises(StoreError, match="not shared with the integration"):
            init_databases(client, "0" * 32, template_config(emulator))
        client.close()


def test_check_reports_a_missing_property_and_a_wrong_type(rig: NotionRig) -> None:
    sdk = notion_client.Client(auth=rig.emulator.api_key, base_url=rig.emulator.base_url)
    try:
        source = rig.store.data_source_id(ViralDNA)
        sdk.data_sources.update(source, properties={"Hook": None, "Views": {"rich_text": {}}})
    finally:
        sdk.close()
    infos = {i.collection: i for i in check_databases(rig.store.client, rig.config)}
    problems = {f.name: f.problem for f in infos["viral_dna"].fields if not f.ok}
    assert problems == {
        "hook": "property 'Hook' is missing (expected type rich_text)",
        "views": "property 'Views' is rich_text, expected number",
    }
    assert all(f.ok for c in ("empires", "productions", "reports") for f in infos[c].fields)
    assert {i.collection for i in rig.store.inspect()} == set(infos)


def test_check_reports_unconfigured_and_unreachable_databases(rig: NotionRig) -> None:
    rig.config.databases["reports"].id = ""
    rig.config.databases["productions"].id = "f" * 32
    infos = {i.collection: i for i in check_databases(rig.store.client, rig.config)}
    assert "yp notion init" in (infos["reports"].fields[0].problem or "")
    assert "not shared" in (infos["productions"].fields[0].problem or "")
    assert all(f.ok for f in infos["empires"].fields)


def test_check_refuses_a_bad_key() -> None:
    with NotionEmulator(api_key="the-right-key") as emulator:
        config = template_config(emulator)
        config.api_key = "a-wrong-key"
        client = NotionClient.from_config(config)
        with pytest.raises(AccountError, match="401"):
            check_databases(client, config)
        client.close()


def test_save_database_ids_writes_the_workspace_config(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws", env={})
    workspace.init()
    save_database_ids(workspace, [DatabaseSetup("empires", "e" * 32, "d" * 32, True)])
    config = workspace.store_config()
    assert config.store == "notion" and config.notion.databases["empires"].id == "e" * 32
    assert config.notion.databases["viral_dna"].properties["perspective"].name == "Extracted Perspective"


def test_cli_init_then_check_against_the_emulator(tmp_path: Path) -> None:
    workspace = Workspace(tmp_path / "ws", env={})
    workspace.init()
    workspace.update_yaml("databases.yaml", lambda data: data["notion"].update(rate_limit_per_sec=FAST_RATE))
    runner = CliRunner()
    with NotionEmulator() as emulator:
        env = {"YP_HOME": str(workspace.root), "NOTION_API_KEY": emulator.api_key,
               "NOTION_BASE_URL": emulator.base_url}
        result = runner.invoke(notion_app, ["init", "--parent", emulator.root_page_id], env=env)
        assert result.exit_code == 0, result.output
        assert result.output.count("created") == 4
        saved = yaml.safe_load((workspace.config_dir / "databases.yaml").read_text())
        assert saved["store"] == "notion"
        assert all(len(d["id"]) == 36 for d in saved["notion"]["databases"].values())

        result = runner.invoke(notion_app, ["check"], env=env)
        assert result.exit_code == 0, result.output
        assert "Notion is ready" in result.output

        store_config = Workspace(workspace.root, env=env).store_config().notion
        sdk = notion_client.Client(auth=emulator.api_key, base_url=emulator.base_url)
        source = sdk.databases.retrieve(store_config.databases["empires"].id)["data_sources"][0]["id"]
        sdk.data_sources.update(source, properties={"Tags (niche)": {"name": "Tags"}})
        sdk.close()
        result = runner.invoke(notion_app, ["check"], env=env)
        assert result.exit_code == 1
        assert "Tags (niche)" in result.output and "missing" in result.output

        result = runner.invoke(notion_app, ["check"], env={**env, "NOTION_API_KEY": ""})
        assert isinstance(result.exception, YPError) and "NOTION_API_KEY" in str(result.exception)


def test_cli_emulate_serves_until_interrupted() -> None:
    script = "from young_production.cli.notion import notion_app; notion_app()"
    proc = subprocess.Popen(
        [sys.executable, "-c", script, "emulate", "--port", "0", "--rate", "50", "--latency-ms", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "Notion emulator on http://127.0.0.1:" in first
        base_url = re.search(r"http://127\.0\.0\.1:\d+", first).group(0)
        sdk = notion_client.Client(auth="secret_yp_emulator", base_url=base_url)
        assert sdk.users.me()["object"] == "user"
        sdk.close()
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=20)
    assert "emulator stopped" in output


def test_records_survive_a_store_reopen_on_the_same_databases(rig: NotionRig) -> None:
    empire = rig.store.create(Empire(key="e", name="E"))
    reopened = NotionStore.from_config(rig.config)
    try:
        assert reopened.find_by_key(Empire, "e") == empire
    finally:
        reopened.close()
