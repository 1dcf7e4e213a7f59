"""The Store interface: everything skills S01/S02/S03/S17 need, and nothing backend-specific.

Two implementations fit it: `SQLiteStore` (embedded default) and the Notion store.
Callers build `Filter`/`Sort` values from record field names; a store translates
them to SQL or to Notion filter JSON. No SQL and no Notion JSON crosses this line.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

from ..records import Block, Record

R = TypeVar("R", bound=Record)
S = TypeVar("S", bound="ClosingStore")

FilterOp = Literal["eq", "ne", "is_empty", "is_not_empty", "contains", "gt", "lt", "gte", "lte"]


@dataclass(frozen=True)
class Filter:
    """One condition on a record field; a query ANDs its filters.

    `contains` means: multi_select/relation holds `value`, or text contains the substring.
    `is_empty` on text means None or "", on lists an empty list.
    """

    field: str
    op: FilterOp
    value: Any = None

    @staticmethod
    def eq(name: str, value: Any) -> Filter:
        return Filter(name, "eq", value)

    @staticmethod
    def empty(name: str) -> Filter:
        return Filter(name, "is_empty")

    @staticmethod
    def not_empty(name: str) -> Filter:
        return Filter(name, "is_not_empty")

    @staticmethod
    def contains(name: str, value: Any) -> Filter:
        return Filter(name, "contains", value)


@dataclass(frozen=True)
class Sort:
    field: str
    descending: bool = False


@dataclass
class Page(Generic[R]):
    """One page of query results; pass `next_cursor` back to get the next.

    `notice`: something the caller may want to tell a person (e.g. that Notion cut a
    long query off and the store is reading on in a second query).
    """

    items: list[R]
    next_cursor: str | None = None
    notice: str | None = None


@dataclass
class FieldInfo:
    """One field of the live schema, for `yp db inspect` and `yp notion check`."""

    name: str
    kind: str
    stored_as: str
    ok: bool = True
    problem: str | None = None


@dataclass
class CollectionInfo:
    collection: str
    location: str
    count: int | None
    fields: list[FieldInfo] = field(default_factory=list)


@runtime_checkable
class Store(Protocol):
    """Records, page bodies and relations, whatever keeps them."""

    name: str

    def query(
        self,
        kind: type[R],
        filters: Sequence[Filter] = (),
        sorts: Sequence[Sort] = (),
        page_size: int = 100,
        cursor: str | None = None,
    ) -> Page[R]:
        """One page of records matching every filter, in `sorts` order (else creation order)."""
        ...

    def get(self, kind: type[R], record_id: str) -> R:
        """The record with this id; raises NotFound."""
        ...

    def find_by_key(self, kind: type[R], key: str) -> R | None:
        """The record created with our own idempotency key, if any."""
        ...

    def create(self, record: R, body: Sequence[Block] = ()) -> R:
        """Store a new record (and its body); returns it with id and created_at set.

        When `record.key` is set and a record with that key exists, that record is
        returned instead of a second one being made.
        """
        ...

    def update(self, kind: type[R], record_id: str, changes: Mapping[str, Any]) -> R:
        """Set the named fields (only those) and return the updated record."""
        ...

    def read_body(self, record_id: str) -> list[Block]:
        """The page body, nested children included."""
        ...

    def write_section(self, record_id: str, section: str, blocks: Sequence[Block]) -> None:
        """Put `blocks` under a marked section of the body; a rerun replaces, never duplicates."""
        ...

    def append_body(self, record_id: str, blocks: Sequence[Block]) -> None:
        """Append blocks at the end of the page body."""
        ...

    def add_relations(
        self, kind: type[R], record_id: str, field_name: str, target_ids: Sequence[str]
    ) -> R:
        """Add targets to a relation field, keeping existing ones and never duplicating."""
        ...

    def trash(self, kind: type[R], record_id: str) -> None:
        """Move a record to the trash (Notion) or delete it (SQLite)."""
        ...

    def inspect(self) -> list[CollectionInfo]:
        """The live schema of every collection, with problems found."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Store: ...

    def __exit__(self, *exc: object) -> None: ...


class ClosingStore:
    """What makes a store a context manager: `with open_store(workspace) as store:` closes it at the end."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: S) -> S:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def iter_records(
    store: Store,
    kind: type[R],
    filters: Sequence[Filter] = (),
    sorts: Sequence[Sort] = (),
    page_size: int = 100,
) -> Iterator[R]:
    """Every matching record, following cursors page by page."""
    cursor: str | None = None
    while True:
        page = store.query(kind, filters, sorts, page_size=page_size, cursor=cursor)
        yield from page.items
        if not page.next_cursor:
            return
        cursor = page.next_cursor
