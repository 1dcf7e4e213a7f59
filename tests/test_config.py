"""Workspace creation and config loading: ${ENV} substitution and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from young_production.config import Workspace, load_yaml, substitute_env
from young_production.errors import ConfigError, WorkspaceError


def test_init_creates_layout_and_default_config(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws", env={})
    written = ws.init()
    assert {p.name for p in written} == {"databases.yaml", "ai_config.yaml", "pipeline.yaml"}
    assert ws.state_dir.is_dir() and ws.media_dir.is_dir()
    assert ws.store_config().store == "sqlite"
    assert ws.ai_config().provider == "rules"
    assert ws.pipeline_config().sources.allow_private_addresses is False
    # The seed's Notion property names are the defaults of the mapping.
    props = ws.store_config().notion.databases["viral_dna"].properties
    assert props["niche_tags"].name == "Tags (niche)"
    assert props["perspective"].name == "Extracted Perspective"


def test_init_keeps_existing_files(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, env={})
    ws.init()
    (ws.config_dir / "pipeline.yaml").write_text("workers: 7\n")
    assert ws.init() == []
    assert ws.pipeline_config().workers == 7


def test_env_substitution_with_default_and_required() -> None:
    data = {"a": "${KEY}", "b": "x-${MISSING:-fallback}", "c": ["${KEY}"], "d": 3}
    assert substitute_env(data, {"KEY": "v"}) == {"a": "v", "b": "x-fallback", "c": ["v"], "d": 3}


def test_missing_variable_names_file_field_and_variable(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, env={})
    ws.init()
    (ws.config_dir / "ai_config.yaml").write_text("anthropic:\n  api_key: ${ANTHROPIC_API_KEY}\n")
    with pytest.raises(ConfigError) as err:
        ws.ai_config()
    message = str(err.value)
    assert "ai_config.yaml" in message and "anthropic.api_key" in message and "ANTHROPIC_API_KEY" in message


def test_variable_value_cannot_break_yaml(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, env={"ANTHROPIC_API_KEY": "sk: [not yaml"})
    ws.init()
    assert ws.ai_config().anthropic.api_key == "sk: [not yaml"  # the template's ${VAR:-} form
    (ws.config_dir / "ai_config.yaml").write_text("anthropic:\n  api_key: ${ANTHROPIC_API_KEY}\n")
    assert ws.ai_config().anthropic.api_key == "sk: [not yaml"


def test_malformed_yaml_reports_line(tmp_path: Path) -> None:
    path = tmp_path / "databases.yaml"
    path.write_text("store: sqlite\nnotion: [unclosed\n")
    with pytest.raises(ConfigError, match=r"databases.yaml is not valid YAML at line \d+"):
        load_yaml(path, {})


def test_wrong_value_type_is_a_config_error(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, env={})
    ws.init()
    (ws.config_dir / "pipeline.yaml").write_text("workers: many\n")
    with pytest.raises(ConfigError, match="pipeline.yaml: workers"):
        ws.pipeline_config()
    (ws.config_dir / "databases.yaml").write_text("store: mongo\n")
    with pytest.raises(ConfigError, match="databases.yaml: store"):
        ws.store_config()


def test_unknown_key_is_rejected(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, env={})
    ws.init()
    (ws.config_dir / "pipeline.yaml").write_text("wrokers: 2\n")
    with pytest.raises(ConfigError, match="wrokers"):
        ws.pipeline_config()


def test_missing_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="yp init"):
        Workspace(tmp_path / "nowhere", env={}).require()


def test_resolve_prefers_argument_then_yp_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YP_HOME", str(tmp_path / "home"))
    assert Workspace.resolve(tmp_path / "arg").root == (tmp_path / "arg").resolve()
    assert Workspace.resolve(None).root == (tmp_path / "home").resolve()
    monkeypatch.delenv("YP_HOME")
    monkeypatch.chdir(tmp_path)
    assert Workspace.resolve(None).root == (tmp_path / "young-workspace").resolve()


def test_workspace_dotenv_fills_variables_under_the_environment(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ws = Workspace(tmp_path, env={})
    ws.init()
    (tmp_path / ".env").write_text("ANTHROPIC_API_KEY=from-dotenv\nNOTION_API_KEY=dotenv-notion\n")
    monkeypatch.setenv("NOTION_API_KEY", "from-environment")
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    loaded = Workspace(tmp_path)
    assert loaded.ai_config().anthropic.api_key == "from-dotenv"
    assert loaded.store_config().notion.api_key == "from-environment"


def test_update_yaml_keeps_comments_and_variables(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, env={})
    ws.init()

    def use_notion(data: dict) -> None:
        data["store"] = "notion"
        data["notion"]["databases"]["empires"]["id"] = "abc123"

    ws.update_yaml("databases.yaml", use_notion)
    text = (ws.config_dir / "databases.yaml").read_text()
    assert "# Where Young Production keeps" in text  # the template's comments survive
    assert "${NOTION_API_KEY:-}" in text and "${NOTION_VIRAL_DNA_DB_ID:-}" in text
    config = ws.store_config()
    assert config.store == "notion" and config.notion.databases["empires"].id == "abc123"
    assert config.notion.databases["viral_dna"].properties["niche_tags"].name == "Tags (niche)"
