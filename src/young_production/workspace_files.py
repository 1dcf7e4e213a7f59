"""Every file and folder a workspace holds: where it lives, what it is for, whether it can be rebuilt.

This is the one list of them. `Workspace` hands out their paths (`workspace.path(STATE_DB)`),
`yp doctor` lists them with their sizes, and `yp backup` copies them (SQLite files through
SQLite's backup API). A module that keeps something in the workspace names it here and
receives its path; none spells a file name of its own.

A file that "can be rebuilt" holds nothing that exists nowhere else: a cache, or a copy
written from another file. Losing one costs time (a download, a model run), never data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["config", "sqlite", "json", "folder", "text"]


@dataclass(frozen=True)
class WorkspaceFile:
    """One file or folder of a workspace, relative to its root."""

    relpath: str  # `{workflow}` stands for a workflow's lower-case name in per-workflow files
    kind: Kind
    purpose: str
    rebuilt_from: str | None = None  # what it is rebuilt from; None: it holds data found nowhere else
    optional: bool = True  # absent in a fresh workspace until something writes it

    @property
    def rebuildable(self) -> bool:
        return self.rebuilt_from is not None

    @property
    def filename(self) -> str:
        """The last part of its path (for modules handed the folder that holds it)."""
        return self.relpath.rsplit("/", 1)[-1]

    @property
    def per_workflow(self) -> bool:
        return "{workflow}" in self.relpath

    def relative(self, workflow: str | None = None) -> str:
        if self.per_workflow:
            if not workflow:
                raise ValueError(f"{self.relpath} needs a workflow name")
            return self.relpath.format(workflow=workflow.lower())
        return self.relpath


# ---- configuration ---------------------------------------------------------------------------
DATABASES_YAML = WorkspaceFile("config/databases.yaml", "config", "where records live (sqlite | notion) and the "
                               "Notion mapping", optional=False)
AI_CONFIG_YAML = WorkspaceFile("config/ai_config.yaml", "config", "AI provider, models, prices, spending limits",
                               optional=False)
PIPELINE_YAML = WorkspaceFile("config/pipeline.yaml", "config", "sources guard, transcription, engine, workflows",
                              optional=False)
DOTENV = WorkspaceFile(".env", "text", "optional secrets (API keys), under the process environment")

# ---- records and state -----------------------------------------------------------------------
# The store's file name is a setting (`sqlite_path` in databases.yaml); this is its default.
STORE_DB = WorkspaceFile("young.db", "sqlite", "the SQLite store: Empires, Viral DNA, Productions, Reports")
ENGINE_DB = WorkspaceFile("state/engine.sqlite", "sqlite", "the durable engine: step checkpoints, run records, "
                          "WF2 decisions (unused when engine.database_url points at Postgres)")
STATE_DB = WorkspaceFile("state/state.db", "sqlite", "AI calls and their costs, Message Batches, YouTube API quota "
                         "used per day, dated view counts of every video read")
LAST_RUN_JSON = WorkspaceFile("state/{workflow}_last_run.json", "json", "the seed's summary of each workflow's "
                              "last run", rebuilt_from="the run records in the engine database")
AI_COSTS_JSON = WorkspaceFile("state/ai_costs.json", "json", "the seed's AI cost totals (daily, monthly, per skill, "
                              "per workflow)", rebuilt_from="the AI calls in state.db")
PROCESSED_JSON = WorkspaceFile("state/processed_entries.json", "json", "the seed's list of entries each workflow "
                               "finished, written at each run's end", rebuilt_from="the finished entries in the engine database")
EMBEDDINGS_DB = WorkspaceFile("state/embeddings/embeddings.sqlite", "sqlite", "WF2's cache of reference embeddings",
                              rebuilt_from="the references' text, by the bundled embedding model")
LOCKS_DIR = WorkspaceFile("state/locks", "folder", "run locks and Notion create locks (held while a run goes)",
                          rebuilt_from="nothing: empty when nothing runs")
EXECUTORS_DIR = WorkspaceFile("state/executors", "folder", "one lock per engine process (its executor slot)",
                              rebuilt_from="nothing: empty when nothing runs")

# ---- media, logs, reports --------------------------------------------------------------------
LOCAL_FILES_DIR = WorkspaceFile("media/files", "folder", "local files added with `yp dna add ./file`, copied in")
MEDIA_DIR = WorkspaceFile("media", "folder", "per-entry download cache (and media/files)",
                          rebuilt_from="the sources, downloaded again", optional=False)
LOGS_DIR = WorkspaceFile("logs", "folder", "one JSON line per workflow step, a file per UTC day",
                         rebuilt_from="nothing: a record for people, not read back")
REPORTS_DIR = WorkspaceFile("reports", "folder", "WF4/WF5 reports (report.md, report.html, charts/) per Empire and "
                            "period")

# Folders holding the files above are listed through those files.
CONFIG_DIR = "config"
STATE_DIR = "state"

ALL: tuple[WorkspaceFile, ...] = (
    DATABASES_YAML, AI_CONFIG_YAML, PIPELINE_YAML, DOTENV,
    STORE_DB, ENGINE_DB, STATE_DB, LAST_RUN_JSON, AI_COSTS_JSON, PROCESSED_JSON, EMBEDDINGS_DB,
    LOCKS_DIR, EXECUTORS_DIR, LOCAL_FILES_DIR, MEDIA_DIR, LOGS_DIR, REPORTS_DIR,
)

# Files of earlier releases, merged into STATE_DB on first use (see `state_upgrade.py`).
LEGACY_QUOTA_DB = "state/youtube_quota.db"
LEGACY_SNAPSHOTS_DB = "state/youtube_snapshots.db"
