"""The engine's own records, kept beside DBOS's tables in the system database.

- `yp_runs`: one row per run (its id is the one id shared by the result, the cost
  ledger, the state files and the DBOS workflow attributes), with its options and
  final summary.
- `yp_run_entries`: which durable workflow served which entry in which run.
- `yp_finished_entries`: every entry a workflow finished, by collection, as it finished;
  the seed's `state/processed_entries.json` is written from it at each run's end.
- `yp_executors`: a heartbeat per process, so a worker can tell that another one
  (perhaps on another machine) is gone and adopt its pending work.
- `yp_decisions`: every decision a person made (WF2 approvals), with what was shown.

SQLAlchemy Core over the same URL DBOS uses: SQLite in the workspace by default, or
the shared Postgres database when several workers split the work.
"""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgres_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.schema import CreateIndex, CreateTable

from ...state_db import enable_wal
from .base import StateFiles, WorkflowResult

metadata = sa.MetaData()

runs_table = sa.Table(
    "yp_runs",
    metadata,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("workflow", sa.String(16), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", sa.String(40), nullable=False),
    sa.Column("finished_at", sa.String(40)),
    sa.Column("executor_id", sa.String(120)),
    sa.Column("options", sa.Text),
    sa.Column("summary", sa.Text),
)

run_entries_table = sa.Table(
    "yp_run_entries",
    metadata,
    sa.Column("run_id", sa.String(40), primary_key=True),
    sa.Column("entry_id", sa.String(120), primary_key=True),
    sa.Column("workflow_id", sa.String(300), nullable=False),
    sa.Column("title", sa.Text),
)

finished_table = sa.Table(
    "yp_finished_entries",
    metadata,
    sa.Column("collection", sa.String(32), primary_key=True),  # viral_dna, productions, empires
    sa.Column("entry_id", sa.String(120), primary_key=True),
    sa.Column("workflow", sa.String(16), nullable=False),
    sa.Column("run_id", sa.String(40)),
    sa.Column("finished_ns", sa.BigInteger, nullable=False),  # when, in ns since the epoch (orders the file)
)

executors_table = sa.Table(
    "yp_executors",
    metadata,
    sa.Column("executor_id", sa.String(120), primary_key=True),
    sa.Column("host", sa.String(120)),
    sa.Column("pid", sa.Integer),
    sa.Column("heartbeat_at", sa.String(40), nullable=False),
)

decisions_table = sa.Table(
    "yp_decisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.String(40)),
    sa.Column("workflow", sa.String(16), nullable=False),
    sa.Column("entry_id", sa.String(120), nullable=False),
    sa.Column("action", sa.String(16), nullable=False),
    sa.Column("decided_at", sa.String(40), nullable=False),
    sa.Column("data", sa.Text, nullable=False),
)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def sqlalchemy_url(url: str) -> str:
    """The URL for SQLAlchemy: `postgresql://` gets the psycopg 3 driver that DBOS installs."""
    parsed = sa.make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def create_tables(engine: sa.Engine, tables: sa.MetaData) -> None:
    """Create missing tables, so that processes starting at once do not collide: `CREATE ... IF NOT
    EXISTS` (a check-then-create would race: two `yp run` at once on a new workspace), and on
    Postgres under a lock as well."""
    with engine.begin() as db:
        if engine.dialect.name == "postgresql":
            db.execute(sa.select(sa.func.pg_advisory_xact_lock(_TABLES_LOCK)))
        for table in tables.sorted_tables:
            db.execute(CreateTable(table, if_not_exists=True))
            for index in table.indexes:
                db.execute(CreateIndex(index, if_not_exists=True))


_TABLES_LOCK = 0x79702D7462  # "yp-tb"


def is_postgres(url: str) -> bool:
    return sa.make_url(url).get_backend_name() in ("postgresql", "postgres")


def sqlite_engine(url: str, *, immediate: bool = False) -> sa.Engine:
    """An engine on the workspace's engine database (`state/engine.sqlite`) in WAL mode.

    SQLite's default rollback journal with full sync makes every step checkpoint a
    journalled, fsynced transaction. In WAL mode with `synchronous=NORMAL` a commit is
    an append to the log, synced at checkpoints: a committed step survives a killed
    process; an OS crash or power loss can lose the last commits, whose steps are then
    redone (a paid answer is never bought again: its answer is kept in the cost ledger,
    which syncs every commit; see `ai/ledger.py`). `busy_timeout` and `foreign_keys` are
    what DBOS sets on its own connections; `immediate` also makes every transaction take
    the write lock first, as DBOS's do (its system database needs it).
    """

    def pragmas(dbapi_connection: Any, _record: Any) -> None:
        if immediate:
            dbapi_connection.isolation_level = "IMMEDIATE"
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        enable_wal(dbapi_connection, 30.0)
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    # A local file needs no liveness ping per checkout (a Postgres pool does).
    engine = sa.create_engine(url, pool_size=20, max_overflow=0, pool_timeout=30)
    sa.event.listen(engine, "connect", pragmas)
    return engine


class RunRecords:
    """Reads and writes the engine's tables; safe to share between threads."""

    def __init__(self, url: str):
        if is_postgres(url):
            self.engine = sa.create_engine(sqlalchemy_url(url), future=True, pool_pre_ping=True)
        else:
            self.engine = sqlite_engine(url)
        create_tables(self.engine, metadata)
        # The statements each entry writes, built once: SQLAlchemy then only binds their values,
        # where a statement built per call is constructed and its cache key computed every time.
        insert = postgres_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        upsert = insert(run_entries_table)
        self._add_entry = upsert.on_conflict_do_update(
            index_elements=[run_entries_table.c.run_id, run_entries_table.c.entry_id],
            set_={"workflow_id": upsert.excluded.workflow_id},
        )
        self._mark_finished = insert(finished_table).on_conflict_do_nothing()

    def close(self) -> None:
        self.engine.dispose()

    # ---- runs ---------------------------------------------------------------------------
    def start_run(self, run_id: str, workflow: str, executor_id: str, options: dict[str, Any], status: str) -> None:
        with self.engine.begin() as db:
            db.execute(
                runs_table.insert().values(
                    run_id=run_id,
                    workflow=workflow,
                    status=status,
                    started_at=_iso(_now()),
                    executor_id=executor_id,
                    options=json.dumps(options, default=str),
                )
            )

    def add_entry(self, run_id: str, entry_id: str, workflow_id: str, title: str) -> None:
        """Which workflow serves an entry in a run (a later attempt replaces the first): one upsert."""
        with self.engine.begin() as db:
            db.execute(self._add_entry, {"run_id": run_id, "entry_id": entry_id, "workflow_id": workflow_id,
                                         "title": title})

    def mark_finished(self, collection: str, workflow: str, run_id: str | None, entry_id: str,
                      at_ns: int | None = None) -> None:
        """An entry the workflow finished (idempotent: the first finish is kept)."""
        with self.engine.begin() as db:
            db.execute(self._mark_finished, {"collection": collection, "entry_id": entry_id, "workflow": workflow,
                                             "run_id": run_id, "finished_ns": time.time_ns() if at_ns is None else at_ns})

    def finished_entries(self) -> dict[str, list[str]]:
        """Every finished entry's id by collection, in the order they finished."""
        query = sa.select(finished_table.c.collection, finished_table.c.entry_id).order_by(
            finished_table.c.finished_ns, finished_table.c.entry_id)
        found: dict[str, list[str]] = {"viral_dna": [], "productions": []}
        with self.engine.connect() as db:
            for collection, entry_id in db.execute(query):
                found.setdefault(collection, []).append(entry_id)
        return found

    def adopt_processed_file(self, state: StateFiles) -> None:
        """A workspace from before this table: take the ids its processed_entries.json lists, once.
        The file is only a copy: one that cannot be read is left to be rewritten at the next run's end."""
        with self.engine.connect() as db:
            if db.execute(sa.select(finished_table.c.entry_id).limit(1)).first() is not None:
                return
        try:
            listed = state.processed()
        except (OSError, ValueError):
            return
        rows = [  # numbered in the file's order, before anything finished since
            {"collection": str(collection), "entry_id": str(entry_id), "workflow": "", "run_id": None, "finished_ns": 0}
            for collection, ids in (listed.items() if isinstance(listed, dict) else [])
            for entry_id in (ids if isinstance(ids, list) else [])
        ]
        for order, row in enumerate(rows, start=1):
            row["finished_ns"] = order
        if rows:
            with self.engine.begin() as db:
                db.execute(self._mark_finished, rows)

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        with self.engine.begin() as db:
            db.execute(
                runs_table.update()
                .where(runs_table.c.run_id == run_id)
                .values(status=status, finished_at=_iso(_now()), summary=json.dumps(summary, default=str))
            )

    def claim_run(self, run_id: str, from_status: str, to_status: str) -> bool:
        """Move a run from one status to another; True for the one process whose update took."""
        with self.engine.begin() as db:
            return bool(
                db.execute(
                    runs_table.update()
                    .where(runs_table.c.run_id == run_id, runs_table.c.status == from_status)
                    .values(status=to_status)
                ).rowcount
            )

    def runs_with_status(self, status: str) -> list[str]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(runs_table.c.run_id).where(runs_table.c.status == status))
            return [r[0] for r in rows]

    def repoint_entries(self, old_workflow_id: str, new_workflow_id: str) -> None:
        """An entry's work moved to another attempt (a fork onto a new version): follow it."""
        with self.engine.begin() as db:
            db.execute(
                run_entries_table.update()
                .where(run_entries_table.c.workflow_id == old_workflow_id)
                .values(workflow_id=new_workflow_id)
            )

    def interrupt_runs_of(self, executor_id: str) -> None:
        """Runs a dead process was driving end as "interrupted" (their entries finish elsewhere)."""
        with self.engine.begin() as db:
            db.execute(
                runs_table.update()
                .where(runs_table.c.executor_id == executor_id, runs_table.c.status == "running")
                .values(status="interrupted", finished_at=_iso(_now()))
            )

    def list_runs(self, limit: int | None = 20, workflow: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(runs_table).order_by(runs_table.c.started_at.desc(), runs_table.c.run_id).limit(limit)
        if workflow:
            query = query.where(runs_table.c.workflow == workflow.upper())
        with self.engine.connect() as db:
            return [_run_row(row._mapping) for row in db.execute(query)]

    def run_ids_starting(self, prefix: str, limit: int = 50) -> list[tuple[str, str]]:
        """(run id, workflow) of the runs whose id starts with `prefix`, newest first."""
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = (sa.select(runs_table.c.run_id, runs_table.c.workflow)
                 .where(runs_table.c.run_id.like(escaped + "%", escape="\\"))
                 .order_by(runs_table.c.started_at.desc()).limit(limit))
        with self.engine.connect() as db:
            return [(row.run_id, row.workflow) for row in db.execute(query)]

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(runs_table).where(runs_table.c.run_id == run_id)).first()
            if row is None:
                return None
            run = _run_row(row._mapping)
            entries = db.execute(
                sa.select(run_entries_table).where(run_entries_table.c.run_id == run_id)
            ).fetchall()
            run["entries"] = [dict(e._mapping) for e in entries]
            return run

    # ---- executors ----------------------------------------------------------------------
    def heartbeat(self, executor_id: str, host: str, pid: int) -> None:
        now = _iso(_now())
        with self.engine.begin() as db:
            updated = db.execute(
                executors_table.update()
                .where(executors_table.c.executor_id == executor_id)
                .values(heartbeat_at=now, host=host, pid=pid)
            ).rowcount
            if not updated:
                db.execute(executors_table.insert().values(executor_id=executor_id, host=host, pid=pid, heartbeat_at=now))

    def mark_gone(self, executor_id: str) -> None:
        """A process that stopped: others take it for dead at once, without waiting for silence."""
        with self.engine.begin() as db:
            db.execute(
                executors_table.update()
                .where(executors_table.c.executor_id == executor_id)
                .values(heartbeat_at=_iso(datetime(1970, 1, 1, tzinfo=timezone.utc)))
            )

    def forget_executor(self, executor_id: str) -> None:
        with self.engine.begin() as db:
            db.execute(executors_table.delete().where(executors_table.c.executor_id == executor_id))

    def silent_executors(self, older_than_sec: float) -> list[str]:
        """Executors whose last heartbeat is older than `older_than_sec` (their process is gone)."""
        cutoff = _iso(_now() - timedelta(seconds=older_than_sec))
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(executors_table.c.executor_id).where(executors_table.c.heartbeat_at < cutoff)
            )
            return [r[0] for r in rows]

    # ---- decisions ----------------------------------------------------------------------
    def record_decision(
        self, workflow: str, entry_id: str, action: str, data: dict[str, Any], run_id: str | None = None
    ) -> None:
        with self.engine.begin() as db:
            db.execute(
                decisions_table.insert().values(
                    run_id=run_id,
                    workflow=workflow,
                    entry_id=entry_id,
                    action=action,
                    decided_at=_iso(_now()),
                    data=json.dumps(data, default=str),
                )
            )

    def decisions(self, workflow: str | None = None) -> list[dict[str, Any]]:
        query = sa.select(decisions_table).order_by(decisions_table.c.id)
        if workflow:
            query = query.where(decisions_table.c.workflow == workflow)
        with self.engine.connect() as db:
            return [{**dict(r._mapping), "data": json.loads(r.data)} for r in db.execute(query)]


def finish_and_write_last_run(records: RunRecords, state: StateFiles, result: WorkflowResult, status: str) -> None:
    """Record the run's end, then write the seed's `<wf>_last_run.json` and `processed_entries.json`
    from the records (the files are copies in the seed's shape, never kept beside them)."""
    records.finish_run(result.run_id, status, result.summary())
    run = records.get_run(result.run_id)
    state.write_last_run(result.workflow, run["summary"] if run and run["summary"] else result.summary())
    state.write_processed(records.finished_entries())


def _run_row(row: Any) -> dict[str, Any]:
    data = dict(row)
    data["options"] = json.loads(data["options"]) if data.get("options") else {}
    data["summary"] = json.loads(data["summary"]) if data.get("summary") else None
    return data
