"""Tables of the embedded store, derived from the record models, and their migrations.

Layout of the database:

    <collection>  one table per record type (`Record.collection`): `seq` (creation order,
                  never reused), `id` (uuid4 text), `created_at` (ISO-8601 UTC text) and one
                  column per non-relation field, typed by the field's kind; UNIQUE index on `key`
    relations     (record_id, field, target_id, position): every relation field of every record
    blocks        page bodies: one row per block, `parent_id` for nesting, `position` among its
                  siblings, and `section` / `section_heading` marking the sections we write

Structural changes are the ordered steps in `MIGRATIONS`, numbered by `PRAGMA user_version`.
Field columns are not listed anywhere: they follow the models. After the migrations,
`sync_record_tables` creates the table or adds the column that a model has and the database
lacks, so a later release that adds a field needs no migration of its own. It only ever adds;
it never drops or retypes a column (`inspect_collection` reports such mismatches instead).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable, Sequence

from ..errors import StoreError
from ..records import FieldKind, Record
from .base import FieldInfo

COLUMN_TYPES: dict[FieldKind, str] = {
    "title": "TEXT",
    "text": "TEXT",
    "url": "TEXT",
    "select": "TEXT",
    "multi_select": "TEXT",
    "date": "TEXT",
    "number": "REAL",
    "checkbox": "INTEGER",
}
"""Column type per field kind; `relation` fields live in the relations table instead."""

_STORED_AS_NOTE: dict[FieldKind, str] = {
    "multi_select": " (JSON list)",
    "date": " (ISO-8601 UTC)",
    "checkbox": " (0/1)",
}
CORE_COLUMNS = ("seq", "id", "created_at")
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")

Migration = Callable[[sqlite3.Connection], None]


def _v1_relations_and_blocks(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE relations (
            record_id TEXT NOT NULL,
            field TEXT NOT NULL,
            target_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (record_id, field, target_id)
        )"""
    )
    conn.execute("CREATE INDEX relations_by_target ON relations (target_id)")
    conn.execute(
        """CREATE TABLE blocks (
            id INTEGER PRIMARY KEY,
            record_id TEXT NOT NULL,
            parent_id INTEGER REFERENCES blocks (id),
            position INTEGER NOT NULL,
            type TEXT NOT NULL,
            text TEXT NOT NULL,
            section TEXT,
            section_heading INTEGER NOT NULL DEFAULT 0
        )"""
    )
    conn.execute("CREATE INDEX blocks_by_record ON blocks (record_id, parent_id, position)")


MIGRATIONS: tuple[Migration, ...] = (_v1_relations_and_blocks,)
"""Structural steps in order; step i brings `user_version` from i to i + 1. Append, never edit."""


def quoted(name: str) -> str:
    """A table or column name for SQL; names come from the models, checked to be plain."""
    if not _IDENTIFIER.match(name):
        raise StoreError(f"{name!r} cannot be used as a table or column name")
    return f'"{name}"'


def column_kinds(record_type: type[Record]) -> dict[str, FieldKind]:
    """The fields of a record type kept as columns of its table, with their kinds."""
    return {n: k for n, k in record_type.field_kinds().items() if k != "relation"}


def relation_fields(record_type: type[Record]) -> list[str]:
    return [n for n, k in record_type.field_kinds().items() if k == "relation"]


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    record_types: Iterable[type[Record]],
    migrations: Sequence[Migration] = MIGRATIONS,
) -> None:
    """Bring the database to the latest version: pending steps, then the model-derived tables.

    Each step runs in its own transaction together with its version bump, so an
    interrupted upgrade resumes at the step that did not finish. The version is read
    again inside each step's transaction: processes opening a new workspace at the same
    moment each find the steps another one already made, and skip them. `conn` must be
    in autocommit mode (isolation_level=None).
    """
    _refuse_newer(schema_version(conn), migrations)
    while True:
        with write_transaction(conn):
            version = schema_version(conn)
            _refuse_newer(version, migrations)
            if version == len(migrations):
                break
            migrations[version](conn)
            conn.execute(f"PRAGMA user_version = {version + 1}")
    with write_transaction(conn):
        for record_type in record_types:
            _sync_record_table(conn, record_type)


def _refuse_newer(version: int, migrations: Sequence[Migration]) -> None:
    if version > len(migrations):
        raise StoreError(
            f"the database is at schema version {version}, newer than this release knows "
            f"({len(migrations)}); upgrade young-production to open it"
        )


def live_columns(conn: sqlite3.Connection, table: str) -> dict[str, str]:
    """Column name -> declared type of a table; empty when the table does not exist."""
    rows = conn.execute(f"PRAGMA table_info({quoted(table)})").fetchall()
    return {row[1]: str(row[2]).upper() for row in rows}


def _sync_record_table(conn: sqlite3.Connection, record_type: type[Record]) -> None:
    table = quoted(record_type.collection)
    conn.execute(
        f"""CREATE TABLE IF NOT EXISTS {table} (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL
        )"""
    )
    existing = live_columns(conn, record_type.collection)
    for name, field_kind in column_kinds(record_type).items():
        if name not in existing:
            conn.execute(
                f"ALTER TABLE {table} ADD COLUMN {quoted(name)} {COLUMN_TYPES[field_kind]}"
            )
    if "key" in record_type.field_kinds():
        index = quoted(f"{record_type.collection}_key")
        conn.execute(f"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {table} (key)")


def _has_unique_index(conn: sqlite3.Connection, table: str, column: str) -> bool:
    for index in conn.execute(f"PRAGMA index_list({quoted(table)})").fetchall():
        name, unique = index[1], index[2]
        if unique:
            columns = [row[2] for row in conn.execute(f'PRAGMA index_info("{name}")').fetchall()]
            if columns == [column]:
                return True
    return False


def inspect_collection(conn: sqlite3.Connection, record_type: type[Record]) -> list[FieldInfo]:
    """Every model field with how it is stored, flagging what the live table gets wrong."""
    live = live_columns(conn, record_type.collection)
    infos: list[FieldInfo] = []
    for name, field_kind in record_type.field_kinds().items():
        if field_kind == "relation":
            infos.append(FieldInfo(name, field_kind, "relations table"))
            continue
        expected = COLUMN_TYPES[field_kind]
        stored_as = expected + _STORED_AS_NOTE.get(field_kind, "")
        if name not in live:
            infos.append(FieldInfo(name, field_kind, stored_as, False, "column missing"))
        elif live[name] != expected:
            problem = f"column is {live[name] or 'untyped'}, expected {expected}"
            infos.append(FieldInfo(name, field_kind, live[name], False, problem))
        elif name == "key" and not _has_unique_index(conn, record_type.collection, name):
            problem = "no UNIQUE index, so creates by key are not idempotent"
            infos.append(FieldInfo(name, field_kind, stored_as, False, problem))
        else:
            infos.append(FieldInfo(name, field_kind, stored_as))
    known = set(record_type.field_kinds()) | set(CORE_COLUMNS)
    for column, declared in live.items():
        if column not in known:
            problem = "column has no field in the model (ignored)"
            infos.append(FieldInfo(column, "unknown", declared, False, problem))
    return infos


class write_transaction:
    """BEGIN IMMEDIATE ... COMMIT on an autocommit connection; ROLLBACK on any exception."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._conn.execute("COMMIT")
        elif self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
