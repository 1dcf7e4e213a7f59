"""Workspace layout, settings and config files.

A workspace is a folder:

    config/                 databases.yaml, ai_config.yaml, pipeline.yaml
    .env                    optional secrets (NOTION_API_KEY=...), under the process environment
    state/                  engine checkpoints, state.db (costs, quota, snapshots), last-run files
    media/                  per-entry download cache, local files added to Viral DNA
    young.db                the embedded SQLite store

`workspace_files.py` lists every file with its purpose; `Workspace.path` hands them out.

YAML values may use `${VAR}` (required) or `${VAR:-default}`; substitution happens
on parsed string values, so a secret can never break the YAML syntax. Nothing is
read at import time: callers build `Settings` and `Workspace` explicitly.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any, Literal, NamedTuple

import yaml
from dotenv import dotenv_values
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from . import workspace_files
from .errors import ConfigError, WorkspaceError
from .workspace_files import WorkspaceFile

CONFIG_FILES = tuple(f.filename for f in (workspace_files.DATABASES_YAML, workspace_files.AI_CONFIG_YAML,
                                          workspace_files.PIPELINE_YAML))
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class Settings(BaseSettings):
    """Process settings from the environment and an optional .env file."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    yp_home: Path | None = None


def substitute_env(value: Any, env: Mapping[str, str], where: str = "") -> Any:
    """Replace `${VAR}` / `${VAR:-default}` in every string of a parsed YAML tree."""
    if isinstance(value, dict):
        return {k: substitute_env(v, env, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute_env(v, env, f"{where}[{i}]") for i, v in enumerate(value)]
    if not isinstance(value, str):
        return value

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise ConfigError(f"{where or 'value'} needs environment variable {name}, which is not set")

    return _VAR.sub(replace, value)


def load_yaml(path: Path, env: Mapping[str, str]) -> dict[str, Any]:
    """Parse one config file and substitute variables; clear errors for every failure."""
    if not path.exists():
        raise ConfigError(f"config file not found: {path} (run `yp init` to create it)")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path.name} is not UTF-8 text (was it overwritten by a binary file?)") from None
    except OSError as exc:
        raise ConfigError(f"{path.name} cannot be read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{path.name} is not valid YAML{at}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name} must hold a mapping at the top level")
    try:
        return substitute_env(data, env)
    except ConfigError as exc:
        raise ConfigError(f"{path.name}: {exc}") from None


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PropertyMap(_Section):
    """Where one record field lives in a Notion database."""

    name: str
    type: str


class NotionDatabase(_Section):
    id: str = ""
    properties: dict[str, PropertyMap] = Field(default_factory=dict)
    # fields whose mapping came from the shipped template, not from the user's file
    _from_template: set[str] = PrivateAttr(default_factory=set)

    @property
    def from_template(self) -> frozenset[str]:
        return frozenset(self._from_template)


class NotionConfig(_Section):
    api_key: str = ""
    base_url: str = "https://api.notion.com"
    rate_limit_per_sec: float = 2.5
    timeout_sec: float = 60.0
    databases: dict[str, NotionDatabase] = Field(default_factory=dict)


class StoreConfig(_Section):
    store: Literal["sqlite", "notion"] = "sqlite"
    sqlite_path: str = workspace_files.STORE_DB.relpath
    notion: NotionConfig = Field(default_factory=NotionConfig)


def shipped_notion_template() -> NotionConfig:
    """The Notion section of the shipped databases.yaml (variables at their defaults)."""
    text = (resources.files("young_production") / "config_templates" / "databases.yaml").read_text("utf-8")
    raw = substitute_env(yaml.safe_load(text) or {}, {})
    return StoreConfig.model_validate(raw).notion


def with_template_defaults(notion: NotionConfig, template: NotionConfig) -> NotionConfig:
    """`notion` with every field mapping it lacks taken from `template`, marked as such.

    A release that adds record fields ships their mapping in the template; a workspace
    made by an earlier release has no entry for them and keeps working (`yp notion
    check` reports them, `yp notion init` creates the properties and writes the entries).
    """
    filled = notion.model_copy(deep=True)
    for collection, shipped in template.databases.items():
        database = filled.databases.setdefault(collection, NotionDatabase())
        for name, prop in shipped.properties.items():
            if name not in database.properties:
                database.properties[name] = prop.model_copy()
                database._from_template.add(name)
    return filled


class ModelPrice(_Section):
    """USD per million tokens."""

    input: float = 0.0
    output: float = 0.0
    cache_read: float | None = None
    cache_write: float | None = None


THINKING_MIN_BUDGET = 1024  # the smallest thinking budget the Messages API accepts
ThinkingSetting = str | int  # "off", "adaptive" or a token budget; checked by _thinking_setting
Effort = Literal["low", "medium", "high", "xhigh", "max"]


def _thinking_setting(value: Any) -> Any:
    """`off`, `adaptive` or a budget of at least 1024 tokens (YAML reads a bare `off` as false)."""
    if value is None:
        return None
    if value is False:
        return "off"
    if value in ("off", "adaptive"):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= THINKING_MIN_BUDGET:
        return value
    raise ValueError(f"thinking must be off, adaptive or a token budget of at least {THINKING_MIN_BUDGET}, got {value!r}")


class SkillAIConfig(_Section):
    """Per-skill overrides. `thinking`/`effort`/`thinking_tokens` apply on Claude (see ProviderConfig)."""

    provider: str | None = None
    model: str | None = None
    max_output_tokens: int | None = Field(None, ge=1)
    thinking: ThinkingSetting | None = None
    effort: Effort | None = None
    thinking_tokens: int | None = Field(None, ge=1)

    _thinking = field_validator("thinking", mode="before")(_thinking_setting)


class ProviderConfig(_Section):
    """One provider's connection and defaults.

    Claude only: `thinking` is `off` (no thinking), `adaptive` (the model decides how much,
    steered by `effort`) or a token budget (fixed, for models that still take one);
    `thinking_tokens` is what an adaptive call may spend on thinking. Thinking counts
    toward the output limit, so each call's `max_tokens` is the answer's budget plus this.

    `connect_timeout_sec` bounds opening a connection; `read_timeout_sec` bounds the wait
    for the answer, which arrives whole (not streamed), so it must cover the longest
    answer. A server that refuses the connection or stays silent past these, after the
    `max_retries` retries, stops the run. `timeout_sec` (the name before) is read as
    `read_timeout_sec`.
    """

    api_key: str = ""
    base_url: str | None = None
    default_model: str = ""
    max_retries: int = Field(2, ge=0)
    connect_timeout_sec: float = Field(10.0, gt=0)
    read_timeout_sec: float = Field(180.0, gt=0, validation_alias=AliasChoices("read_timeout_sec", "timeout_sec"))
    thinking: ThinkingSetting = "adaptive"
    effort: Effort | None = None
    thinking_tokens: int = Field(4096, ge=1)

    _thinking = field_validator("thinking", mode="before")(_thinking_setting)


class LimitsConfig(_Section):
    per_run_usd: float | None = None
    daily_usd: float | None = None
    monthly_usd: float | None = None


class AIConfig(_Section):
    provider: Literal["rules", "anthropic", "openai"] = "rules"
    analysis_mode: Literal["combined", "per_skill"] = "combined"
    # cascade: the free rules decode first; only the fields they are unsure of go to `provider`
    analysis: Literal["direct", "cascade"] = "direct"
    condense_token_budget: int = 1500
    skills: dict[str, SkillAIConfig] = Field(default_factory=dict)
    anthropic: ProviderConfig = Field(default_factory=ProviderConfig)
    openai: ProviderConfig = Field(default_factory=ProviderConfig)
    prices: dict[str, ModelPrice] = Field(default_factory=dict)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)


class AllowedAddress(NamedTuple):
    """One entry of `sources.allow_private_addresses`: a host (any port), a host:port, or a CIDR range."""

    host: str | None = None
    port: int | None = None
    network: IPNetwork | None = None


def parse_allowed_address(entry: str) -> AllowedAddress:
    """`localhost`, `127.0.0.1:8000`, `[::1]:8000`, `::1` or `10.0.0.0/8` -> an AllowedAddress."""
    text = entry.strip().lower()
    if not text:
        raise ValueError("an empty entry")
    if "/" in text:
        try:
            return AllowedAddress(network=ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not a CIDR range like 10.0.0.0/8") from None
    host, port = text, None
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        if rest and not rest.startswith(":"):
            raise ValueError(f"{entry!r} is not [IPv6 address]:port")
        port = rest[1:] or None
    elif text.count(":") == 1:
        host, port = text.split(":")
    if port is not None:
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError(f"{entry!r} has no valid port (1-65535)")
    host = host.rstrip(".")
    if ":" in host:
        try:
            host = str(ipaddress.IPv6Address(host))
        except ValueError:
            raise ValueError(f"{entry!r} is not a host, host:port or CIDR range") from None
    elif not host or not re.fullmatch(r"[a-z0-9_.-]+", host):
        raise ValueError(f"{entry!r} is not a host, host:port or CIDR range")
    return AllowedAddress(host=host, port=int(port) if port is not None else None)


class SourcesConfig(_Section):
    # false, true (every private range except link-local and cloud metadata), or a list of
    # host, host:port and CIDR entries (the only way to allow a link-local address).
    allow_private_addresses: bool | list[str] = False
    max_download_mb: int = 200
    request_timeout_sec: float = 30.0
    user_agent: str = "YoungProduction/0.1 (+https://github.com/young-production)"

    @field_validator("allow_private_addresses")
    @classmethod
    def _entries_parse(cls, value: bool | list[str]) -> bool | list[str]:
        if isinstance(value, list):
            for entry in value:
                parse_allowed_address(entry)
        return value


class TranscriptionConfig(_Section):
    whisper_model: str = "bundled:tiny.en"
    compute_type: str = "int8"
    vad: bool = True
    language: str | None = "en"
    beam_size: int = 1
    ocr_video_frames: int = 3
    max_ocr_video_sec: float = 90.0
    # Longer media fails with a clear reason before any transcription work.
    max_media_minutes: float = Field(default=240.0, gt=0)
    # Whisper reads long media this many seconds at a time, so memory does not grow with duration
    # (faster-whisper holds the spectrogram of its whole input: ~25 MB per minute of audio).
    chunk_seconds: float = Field(default=120.0, ge=30)


class EngineConfig(_Section):
    # Where the durable engine keeps its checkpoints: empty = SQLite in state/ (one machine);
    # a postgresql:// URL lets several `yp worker` processes share the work.
    database_url: str | None = None
    # Notion requests started per second across all workers sharing the Postgres database
    # (each process also keeps the store's own pace, notion.rate_limit_per_sec).
    notion_writes_per_sec: float = Field(default=2.0, gt=0, le=3)
    # Processes that transcribe and OCR (one model each, one thread each); empty: one per core.
    cpu_processes: int | None = Field(default=None, ge=1, le=64)
    # Every process of the engine says it is alive this often; one silent for
    # `executor_timeout_sec` is taken for dead and its unfinished entries are finished by others.
    heartbeat_sec: float = Field(default=5.0, gt=0, le=60)
    executor_timeout_sec: float = Field(default=30.0, gt=0, le=3600)

    @model_validator(mode="after")
    def _timeout_outlasts_heartbeats(self) -> EngineConfig:
        if self.executor_timeout_sec < 3 * self.heartbeat_sec:
            raise ValueError(
                f"executor_timeout_sec ({self.executor_timeout_sec:g}) must be at least three heartbeats "
                f"({3 * self.heartbeat_sec:g} s), or live workers would be taken for dead"
            )
        return self


class LinkingConfig(_Section):
    # WF2 suggests references for productions in this status.
    from_status: str = "Researching"
    # How many suggestions each production shows.
    suggestions: int = Field(default=5, ge=1, le=20)


class ScriptingConfig(_Section):
    # WF3 scripts productions in `from_status` that have linked DNA, then moves them on.
    from_status: str = "Researching"
    next_status: str = "DNA matching"
    scenes: bool = True  # S19 scene breakdown
    packaging: bool = True  # S20 titles and thumbnail concepts
    metadata: bool = True  # S21 description, chapters and tags
    # A run of more than this many words shared with a reference is flagged as copied.
    max_run_words: int = Field(default=12, ge=4, le=100)


class YouTubeConfig(_Section):
    """S10: the Data API (with a key) or the keyless yt-dlp route (without one)."""

    api_key: str = ""  # empty: read public counts through yt-dlp instead
    base_url: str = "https://www.googleapis.com/youtube/v3/"
    daily_quota_budget: int = Field(default=10_000, ge=0)
    # Newest videos per format read per review on the keyless route (one page request each).
    ytdlp_video_limit: int = Field(default=30, ge=1, le=500)
    # An imported Studio export younger than this is used instead of yt-dlp (the Data API is still preferred).
    snapshot_max_age_days: float = Field(default=7.0, ge=0)


class OutlierConfig(_Section):
    """S11 settings (see docs/outliers.md); the same names as `OutlierSettings`."""

    method: Literal["median_ratio", "median_ratio_minus_one", "surrounding_average"] = "median_ratio"
    window: int = Field(default=25, ge=1, le=200)
    min_peers: int = Field(default=5, ge=1)
    min_age_days: float = Field(default=7.0, ge=0)
    confidence: float = Field(default=0.9, ge=0.5, lt=1)


class PipelineConfig(_Section):
    workers: int = Field(default=2, ge=1, le=32)
    sources: SourcesConfig = Field(default_factory=SourcesConfig)
    transcription: TranscriptionConfig = Field(default_factory=TranscriptionConfig)
    engine: EngineConfig = Field(default_factory=EngineConfig)
    linking: LinkingConfig = Field(default_factory=LinkingConfig)
    scripting: ScriptingConfig = Field(default_factory=ScriptingConfig)
    youtube: YouTubeConfig = Field(default_factory=YouTubeConfig)
    outliers: OutlierConfig = Field(default_factory=OutlierConfig)


def _parse(model: type[BaseModel], data: dict[str, Any], filename: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise ConfigError(f"{filename}: {loc}: {first['msg']}") from None


class Workspace:
    """Paths of one workspace, and its parsed config."""

    def __init__(self, root: Path, env: Mapping[str, str] | None = None):
        """`env` defaults to the workspace's `.env` file overlaid by the process environment."""
        self.root = Path(root).expanduser().resolve()
        self.env: Mapping[str, str] = self._default_env() if env is None else env

    def _default_env(self) -> dict[str, str]:
        dotenv_file = self.root / ".env"
        found = dotenv_values(dotenv_file) if dotenv_file.is_file() else {}
        return {**{k: v for k, v in found.items() if v is not None}, **os.environ}

    config_dir = property(lambda self: self.root / workspace_files.CONFIG_DIR)
    state_dir = property(lambda self: self.root / workspace_files.STATE_DIR)
    media_dir = property(lambda self: self.path(workspace_files.MEDIA_DIR))

    def path(self, file: WorkspaceFile, workflow: str | None = None) -> Path:
        """Where `file` (one of `workspace_files`) lives in this workspace; `workflow` for per-workflow files.

        The store's path is the `sqlite_path` setting of databases.yaml when that file can be read.
        """
        if file is workspace_files.STORE_DB and self.exists():
            try:
                return self.root / self.store_config().sqlite_path
            except ConfigError:
                pass
        return self.root / file.relative(workflow)

    @classmethod
    def resolve(cls, root: Path | str | None, settings: Settings | None = None) -> Workspace:
        """The workspace at `root`, else $YP_HOME, else ./young-workspace."""
        if root is None:
            settings = settings or Settings()
            root = settings.yp_home or Path("young-workspace")
        return cls(Path(root))

    def exists(self) -> bool:
        return all((self.config_dir / name).exists() for name in CONFIG_FILES)

    def require(self) -> Workspace:
        if not self.exists():
            raise WorkspaceError(
                f"no workspace at {self.root} (run `yp init {self.root}` or set YP_HOME)"
            )
        return self

    def init(self, overwrite: bool = False) -> list[Path]:
        """Create folders and default config files; existing files are kept unless `overwrite`."""
        written: list[Path] = []
        for folder in (self.config_dir, self.state_dir, self.media_dir):
            folder.mkdir(parents=True, exist_ok=True)
        templates = resources.files("young_production") / "config_templates"
        for name in CONFIG_FILES:
            target = self.config_dir / name
            if target.exists() and not overwrite:
                continue
            with resources.as_file(templates / name) as src:
                shutil.copyfile(src, target)
            written.append(target)
        return written

    def _load(self, filename: str, model: type[BaseModel]) -> Any:
        return _parse(model, load_yaml(self.config_dir / filename, self.env), filename)

    def store_config(self) -> StoreConfig:
        """The store config; Notion field mappings missing from the file come from the shipped template."""
        config: StoreConfig = self._load("databases.yaml", StoreConfig)
        config.notion = with_template_defaults(config.notion, shipped_notion_template())
        return config

    def ai_config(self) -> AIConfig:
        return self._load("ai_config.yaml", AIConfig)

    def pipeline_config(self) -> PipelineConfig:
        return self._load("pipeline.yaml", PipelineConfig)

    def update_yaml(self, filename: str, mutate: Callable[[dict[str, Any]], None]) -> None:
        """Apply `mutate(mapping)` to a config file's raw (unsubstituted) YAML and save it.

        A round-trip load keeps the user's comments, key order and `${VAR}` references.
        """
        from ruamel.yaml import YAML

        path = self.config_dir / filename
        editor = YAML()  # round-trip mode
        editor.preserve_quotes = True
        editor.width = 4096
        data = editor.load(path.read_text(encoding="utf-8"))
        if data is None:
            data = {}
        mutate(data)
        with path.open("w", encoding="utf-8") as fh:
            editor.dump(data, fh)
