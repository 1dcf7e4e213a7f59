"""The embedded default store: one SQLite file in the workspace, no account needed.

Tables follow the record models (see `sqlite_schema`); filters, sorts and cursors are
translated in `sqlite_query`. One connection serves every thread: an RLock serialises
its use (WF1 runs entries on a thread pool), every write is a single BEGIN IMMEDIATE
transaction (a record and its body land together or not at all), WAL mode and a busy
timeout let a second process (say `yp dna list` during a run) read and wait its turn.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import NotFound, StoreError, TransientError
from ..records import RECORD_TYPES, Block, FieldKind, Record, utcnow
from ..state_db import enable_wal
from .base import ClosingStore, CollectionInfo, Filter, Page, R, Sort
from .fields import enum_of
from .resolve import noun
from .checks import (
    check_page_size,
    check_record_type,
    check_relation_targets,
    check_update_fields,
)
from .sqlite_query import (
    CONTAINS_FUNCTION,
    after_condition,
    decode_cursor,
    encode_cursor,
    filter_sql,
    from_column,
    iso_utc,
    order_terms,
    query_signature,
    text_contains,
    to_column,
)
from .sqlite_schema import (
    column_kinds,
    inspect_collection,
    live_columns,
    migrate,
    quoted,
    relation_fields,
    write_transaction,
)

BUSY_TIMEOUT_MS = 10_000
SECTION_HEADING = "heading_2"

_EXPECTED: dict[FieldKind, str] = {
    "title": "text",
    "text": "text",
    "url": "text (a URL or path)",
    "select": "text (an option name)",
    "multi_select": "a list of text values",
    "relation": "a list of record ids",
    "number": "a number",
    "date": "a date-time",
    "checkbox": "true or false",
}


class SQLiteStore(ClosingStore):
    """Records, page bodies and relations in one SQLite file (`":memory:"` for a scratch one)."""

    name = "sqlite"

    def __init__(
        self, path: Path | str, *, record_types: Iterable[type[Record]] = RECORD_TYPES.values()
    ) -> None:
        self.path = str(path)
        self._types: dict[str, type[Record]] = {t.collection: t for t in record_types}
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(
                self.path,
                check_same_thread=False,
                isolation_level=None,
                timeout=BUSY_TIMEOUT_MS / 1000,
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            enable_wal(self._conn, BUSY_TIMEOUT_MS / 1000)
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.create_function(CONTAINS_FUNCTION, 2, text_contains, deterministic=True)
            migrate(self._conn, self._types.values())
        except (sqlite3.Error, OSError, StoreError) as exc:
            self.close()
            if isinstance(exc, StoreError):
                raise
            raise StoreError(f"cannot open the SQLite store at {self.path}: {exc}") from None

    # --- plumbing ---------------------------------------------------------------------------

    @contextmanager
    def _session(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, locked, inside one transaction; sqlite errors become store errors."""
        with self._lock:
            if self._conn is None:
                raise StoreError("the SQLite store is closed")
            conn = self._conn
            try:
                if write:
                    with write_transaction(conn):
                        yield conn
                else:
                    conn.execute("BEGIN")
                    try:
                        yield conn
                    finally:
                        if conn.in_transaction:
                            conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise TransientError(
                        f"the SQLite store at {self.path} is busy: {exc}"
                    ) from None
                raise StoreError(f"SQLite store {self.path}: {exc}") from exc
            except sqlite3.Error as exc:
                raise StoreError(f"SQLite store {self.path}: {exc}") from exc

    def _table(self, kind: type[Record]) -> str:
        check_record_type(self._types, kind)
        return quoted(kind.collection)

    def _load(
        self, conn: sqlite3.Connection, kind: type[R], rows: Sequence[sqlite3.Row]
    ) -> list[R]:
        """Records from their table rows, relation fields filled from the relations table."""
        links: dict[str, dict[str, list[str]]] = {row["id"]: {} for row in rows}
        if rows and relation_fields(kind):
            ids = list(links)
            marks = ",".join("?" * len(ids))
            for link in conn.execute(
                f"SELECT record_id, field, target_id FROM relations WHERE record_id IN ({marks}) "
                "ORDER BY record_id, field, position",
                ids,
            ):
                links[link["record_id"]].setdefault(link["field"], []).append(link["target_id"])
        records = []
        columns = column_kinds(kind)
        for row in rows:
            data: dict[str, Any] = {
                "id": row["id"],
                "created_at": from_column("date", row["created_at"]),
            }
            present = row.keys()
            for name, field_kind in columns.items():
                value = from_column(field_kind, row[name]) if name in present else None
                if value is not None:  # NULL in a column added later: the model's default applies
                    data[name] = value
            data.update({f: links[row["id"]].get(f, []) for f in relation_fields(kind)})
            try:
                records.append(kind.model_validate(data))
            except ValidationError as exc:
                raise StoreError(
                    f"{noun(kind)} {row['id']} holds a value the model refuses: "
                    + _validation_message(kind, exc)
                ) from None
        return records

    def _load_by_key(self, conn: sqlite3.Connection, kind: type[R], key: str) -> R | None:
        rows = conn.execute(f"SELECT * FROM {self._table(kind)} WHERE key = ?", (key,)).fetchall()
        return self._load(conn, kind, rows)[0] if rows else None

    def _load_one(self, conn: sqlite3.Connection, kind: type[R], record_id: str) -> R:
        rows = conn.execute(
            f"SELECT * FROM {self._table(kind)} WHERE id = ?", (record_id,)
        ).fetchall()
        if not rows:
            raise NotFound(f"no {noun(kind)} with id {record_id}")
        return self._load(conn, kind, rows)[0]

    def _require_record(self, conn: sqlite3.Connection, record_id: str) -> None:
        """Raise NotFound unless some collection holds this id (bodies are keyed by id alone)."""
        for collection in self._types:
            if conn.execute(
                f"SELECT 1 FROM {quoted(collection)} WHERE id = ?", (record_id,)
            ).fetchone():
                return
        raise NotFound(f"no record with id {record_id}")

    def _set_relation(
        self, conn: sqlite3.Connection, record_id: str, field: str, targets: Sequence[str]
    ) -> None:
        conn.execute("DELETE FROM relations WHERE record_id = ? AND field = ?", (record_id, field))
        self._add_links(conn, record_id, field, targets)

    def _add_links(
        self, conn: sqlite3.Connection, record_id: str, field: str, targets: Sequence[str]
    ) -> None:
        """Append targets after the existing ones, skipping any already linked."""
        start = conn.execute(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM relations "
            "WHERE record_id = ? AND field = ?",
            (record_id, field),
        ).fetchone()[0]
        conn.executemany(
            "INSERT OR IGNORE INTO relations (record_id, field, target_id, position) "
            "VALUES (?, ?, ?, ?)",
            [
                (record_id, field, target, start + i)
                for i, target in enumerate(dict.fromkeys(targets))
            ],
        )

    def _insert_blocks(
        self,
        conn: sqlite3.Connection,
        record_id: str,
        blocks: Sequence[Block],
        position: int,
        parent_id: int | None = None,
        section: str | None = None,
    ) -> None:
        for offset, block in enumerate(blocks):
            cursor = conn.execute(
                "INSERT INTO blocks (record_id, parent_id, position, type, text, section) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (record_id, parent_id, position + offset, block.type, block.text, section),
            )
            if block.children:
                self._insert_blocks(conn, record_id, block.children, 0, cursor.lastrowid, section)

    @staticmethod
    def _next_top_position(conn: sqlite3.Connection, record_id: str) -> int:
        return conn.execute(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM blocks "
            "WHERE record_id = ? AND parent_id IS NULL",
            (record_id,),
        ).fetchone()[0]

    # --- Store interface ----------------------------------------------------------------------

    def query(
        self,
        kind: type[R],
        filters: Sequence[Filter] = (),
        sorts: Sequence[Sort] = (),
        page_size: int = 100,
        cursor: str | None = None,
    ) -> Page[R]:
        table = self._table(kind)
        check_page_size(page_size)
        conditions: list[str] = []
        params: list[Any] = []
        for flt in filters:
            sql, values = filter_sql(kind, flt, table)
            conditions.append(sql)
            params.extend(values)
        terms = order_terms(kind, sorts, table)
        signature = query_signature(kind, sorts)
        if cursor:
            sql, values = after_condition(terms, decode_cursor(cursor, signature, len(terms)))
            conditions.append(sql)
            params.extend(values)
        keys = ", ".join(f"{term.expr} AS _k{i}" for i, term in enumerate(terms))
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        order = ", ".join(term.sql() for term in terms)
        with self._session() as conn:
            rows = conn.execute(
                f"SELECT {table}.*, {keys} FROM {table}{where} ORDER BY {order} LIMIT ?",
                [*params, page_size + 1],
            ).fetchall()
            items = self._load(conn, kind, rows[:page_size])
        next_cursor = None
        if len(rows) > page_size:
            last = rows[page_size - 1]
            next_cursor = encode_cursor(signature, [last[f"_k{i}"] for i in range(len(terms))])
        return Page(items=items, next_cursor=next_cursor)

    def get(self, kind: type[R], record_id: str) -> R:
        with self._session() as conn:
            return self._load_one(conn, kind, record_id)

    def find_by_key(self, kind: type[R], key: str) -> R | None:
        with self._session() as conn:
            return self._load_by_key(conn, kind, key)

    def create(self, record: R, body: Sequence[Block] = ()) -> R:
        """One row per key: the UNIQUE index on `key` decides between concurrent creators.

        A create whose key is taken (by an earlier call, another thread or another
        process) inserts nothing and returns the record that holds the key.
        """
        kind = type(record)
        table = self._table(kind)
        columns = column_kinds(kind)
        with self._session(write=True) as conn:
            existing = None if record.key is None else self._load_by_key(conn, kind, record.key)
            if existing is not None:
                return existing
            record_id = str(uuid.uuid4())
            values = [record_id, iso_utc(utcnow())]
            values += [to_column(k, getattr(record, n)) for n, k in columns.items()]
            names = ", ".join(["id", "created_at", *(quoted(n) for n in columns)])
            marks = ", ".join("?" * len(values))
            keyed = " ON CONFLICT (key) DO NOTHING" if "key" in columns else ""
            inserted = conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks}){keyed}", values)
            if inserted.rowcount == 0 and record.key is not None:
                return self._load_by_key(conn, kind, record.key)  # type: ignore[return-value]
            for field in relation_fields(kind):
                self._add_links(conn, record_id, field, getattr(record, field))
            self._insert_blocks(conn, record_id, body, 0)
            return self._load_one(conn, kind, record_id)

    def update(self, kind: type[R], record_id: str, changes: Mapping[str, Any]) -> R:
        table = self._table(kind)
        kinds = kind.field_kinds()
        check_update_fields(kind, changes)
        with self._session(write=True) as conn:
            current = self._load_one(conn, kind, record_id)
            try:
                updated = kind.model_validate({**current.model_dump(), **changes})
            except ValidationError as exc:
                raise StoreError(_validation_message(kind, exc)) from None
            columns = [n for n in changes if kinds[n] != "relation"]
            if columns:
                assignments = ", ".join(f"{quoted(n)} = ?" for n in columns)
                values = [to_column(kinds[n], getattr(updated, n)) for n in columns]
                try:
                    conn.execute(
                        f"UPDATE {table} SET {assignments} WHERE id = ?", [*values, record_id]
                    )
                except sqlite3.IntegrityError:
                    raise StoreError(
                        f"another {noun(kind)} already has key {updated.key!r}"
                    ) from None
            for name in changes:
                if kinds[name] == "relation":
                    self._set_relation(conn, record_id, name, getattr(updated, name))
            return self._load_one(conn, kind, record_id)

    def read_body(self, record_id: str) -> list[Block]:
        with self._session() as conn:
            self._require_record(conn, record_id)
            rows = conn.execute(
                "SELECT id, parent_id, type, text FROM blocks "
                "WHERE record_id = ? ORDER BY position, id",
                (record_id,),
            ).fetchall()
        children: dict[int | None, list[sqlite3.Row]] = {}
        for row in rows:
            children.setdefault(row["parent_id"], []).append(row)

        def build(parent_id: int | None) -> list[Block]:
            return [
                Block(type=row["type"], text=row["text"], children=build(row["id"]))
                for row in children.get(parent_id, [])
            ]

        return build(None)

    def write_section(self, record_id: str, section: str, blocks: Sequence[Block]) -> None:
        """A heading (the section name, marked as ours) followed by `blocks`, as top-level blocks.

        The first call appends the section at the end of the body; later calls replace
        the blocks under that heading in place, leaving everything else as it was.
        """
        if not section.strip():
            raise StoreError("a section needs a name")
        with self._session(write=True) as conn:
            self._require_record(conn, record_id)
            heading = conn.execute(
                "SELECT position FROM blocks "
                "WHERE record_id = ? AND section = ? AND section_heading = 1",
                (record_id, section),
            ).fetchone()
            if heading is None:
                position = self._next_top_position(conn, record_id)
                conn.execute(
                    "INSERT INTO blocks "
                    "(record_id, parent_id, position, type, text, section, section_heading) "
                    "VALUES (?, NULL, ?, ?, ?, ?, 1)",
                    (record_id, position, SECTION_HEADING, section, section),
                )
            else:
                position = heading["position"]
                conn.execute(
                    "DELETE FROM blocks "
                    "WHERE record_id = ? AND section = ? AND section_heading = 0",
                    (record_id, section),
                )
                conn.execute(
                    "UPDATE blocks SET position = position + ? "
                    "WHERE record_id = ? AND parent_id IS NULL AND position > ?",
                    (len(blocks), record_id, position),
                )
            self._insert_blocks(conn, record_id, blocks, position + 1, section=section)

    def append_body(self, record_id: str, blocks: Sequence[Block]) -> None:
        with self._session(write=True) as conn:
            self._require_record(conn, record_id)
            self._insert_blocks(conn, record_id, blocks, self._next_top_position(conn, record_id))

    def add_relations(
        self, kind: type[R], record_id: str, field_name: str, target_ids: Sequence[str]
    ) -> R:
        check_record_type(self._types, kind)
        check_relation_targets(kind, field_name, target_ids)
        with self._session(write=True) as conn:
            self._load_one(conn, kind, record_id)
            self._add_links(conn, record_id, field_name, target_ids)
            return self._load_one(conn, kind, record_id)

    def trash(self, kind: type[R], record_id: str) -> None:
        table = self._table(kind)
        with self._session(write=True) as conn:
            if conn.execute(f"DELETE FROM {table} WHERE id = ?", (record_id,)).rowcount == 0:
                raise NotFound(f"no {noun(kind)} with id {record_id}")
            conn.execute(
                "DELETE FROM relations WHERE record_id = ? OR target_id = ?", (record_id, record_id)
            )
            conn.execute("DELETE FROM blocks WHERE record_id = ?", (record_id,))

    def inspect(self) -> list[CollectionInfo]:
        infos = []
        with self._session() as conn:
            for collection, kind in self._types.items():
                fields = inspect_collection(conn, kind)
                count = None
                if live_columns(conn, collection):
                    sql = f"SELECT COUNT(*) FROM {quoted(collection)}"
                    count = conn.execute(sql).fetchone()[0]
                location = f"{self.path} table {collection}"
                infos.append(CollectionInfo(collection, location, count, fields))
        return infos

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


def _validation_message(kind: type[Record], exc: ValidationError) -> str:
    """The first problem pydantic found, as '<collection>.<field> expects <type>, got <value>'."""
    error = exc.errors()[0]
    name = str(error["loc"][0]) if error["loc"] else "?"
    field_kind = kind.field_kinds().get(name)
    if field_kind is None:
        return f"{kind.collection}.{name}: {error['msg']}"
    expected = _EXPECTED[field_kind]
    enum = enum_of(kind, name)
    if enum is not None:
        expected = "one of " + ", ".join(str(member.value) for member in enum)
    if _is_optional(kind, name):
        expected += " or nothing"
    shown = error.get("input")
    shown = shown.value if isinstance(shown, Enum) else shown
    return f"{kind.collection}.{name} expects {expected}, got {shown!r}"


def _is_optional(kind: type[Record], name: str) -> bool:
    return not kind.model_fields[name].is_required() and kind.model_fields[name].default is None
