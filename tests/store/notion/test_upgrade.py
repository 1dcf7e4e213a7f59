"""A workspace made before records gained fields keeps working after the upgrade.

Its config/databases.yaml has no entries for the new fields and its Notion databases no
properties for them. The mapping falls back to the shipped template's names and types;
`yp notion check` reports the missing properties, `yp notion init` adds them and writes
the entries, and then the new fields round-trip.
"""

from __future__ import annotations

import notion_client
import yaml
from typer.testing import CliRunner

from young_production.cli.notion import notion_app
from young_production.config import Workspace
from young_production.records import Production, ViralDNA
from young_production.store.notion.store import NotionStore
from young_production.tools.notion_emulator import NotionEmulator

from .factory import FAST_RATE, template_config, with_databases

NEW_FIELDS = {
    "viral_dna": ["duration_seconds", "confidence", "unsure", "needs_review"],
    "productions": ["notes", "video_id", "duration_seconds", "likes", "comments", "outlier_basis"],
}


def test_an_old_workspace_reads_checks_and_upgrades(tmp_path) -> None:
    runner = CliRunner()
    with NotionEmulator() as emulator:
        # The Notion side as an earlier release made it: databases without the new properties.
        config = with_databases(emulator, template_config(emulator))
        sdk = notion_client.Client(auth=emulator.api_key, base_url=emulator.base_url)
        for collection, fields in NEW_FIELDS.items():
            database = config.databases[collection]
            source = sdk.databases.retrieve(database.id)["data_sources"][0]["id"]
            sdk.data_sources.update(source, properties={database.properties[f].name: None for f in fields})
        sdk.close()
        # The workspace side: a databases.yaml without entries for the new fields.
        workspace = Workspace(tmp_path / "ws", env={})
        workspace.init()

        def as_before(data: dict) -> None:
            data["store"] = "notion"
            data["notion"]["rate_limit_per_sec"] = FAST_RATE
            for collection, database in data["notion"]["databases"].items():
                database["id"] = config.databases[collection].id
                for name in NEW_FIELDS.get(collection, []):
                    del database["properties"][name]

        workspace.update_yaml("databases.yaml", as_before)
        env = {"YP_HOME": str(workspace.root), "NOTION_API_KEY": emulator.api_key, "NOTION_BASE_URL": emulator.base_url}
        loaded = Workspace(workspace.root, env=env).store_config().notion
        assert loaded.databases["viral_dna"].properties["duration_seconds"].name == "Duration (s)"

        store = NotionStore.from_config(loaded)
        try:  # reading and writing the old fields works before any upgrade step
            old = store.create(ViralDNA(key="old", title="made before"))
            assert store.get(ViralDNA, old.id).duration_seconds is None
        finally:
            store.close()

        result = runner.invoke(notion_app, ["check"], env={**env, "COLUMNS": "200"})
        assert result.exit_code == 1
        assert "Duration (s)" in result.output and "notion init" in result.output
        assert "Needs review" in result.output and "Confidence" in result.output

        result = runner.invoke(notion_app, ["init", "--parent", emulator.root_page_id], env=env)
        assert result.exit_code == 0, result.output
        saved = yaml.safe_load((workspace.config_dir / "databases.yaml").read_text())
        assert saved["notion"]["databases"]["productions"]["properties"]["likes"] == {"name": "Likes", "type": "number"}
        result = runner.invoke(notion_app, ["check"], env={**env, "COLUMNS": "200"})
        assert result.exit_code == 0, result.output

        store = NotionStore.from_config(Workspace(workspace.root, env=env).store_config().notion)
        try:
            dna = store.update(ViralDNA, old.id, {"duration_seconds": 42.0})
            assert dna.duration_seconds == 42.0
            dna = store.update(ViralDNA, old.id, {"needs_review": True, "unsure": ["perspective"],
                                                  "confidence": {"perspective": 0.59}})
            assert store.get(ViralDNA, old.id) == dna and dna.needs_review and dna.confidence == {"perspective": 0.59}
            made = store.create(Production(key="p", title="P", likes=7, video_id="abc123", outlier_basis="median"))
            again = store.get(Production, made.id)
            assert (again.likes, again.video_id, again.outlier_basis) == (7, "abc123", "median")
        finally:
            store.close()
