"""NotionStore: the Store interface on a Notion workspace (API 2025-09-03, data sources).

Request economy (Notion allows about 3 requests/s): a query returns full records
(one request per page of results; a second only for a relation over 25 links),
`update` is one PATCH whose answer is the updated record, and `create` with a key
is one lookup plus one POST carrying the first 100 body blocks.

Idempotent creates: every page carries our own key in the key property (records
without one get a generated key, never shown to callers), so when a create's answer
is lost the client looks the page up by that key before sending it again.

Notion has no unique constraint, so concurrent creators of one key are handled in two
layers. On one machine, `KeyLocks` (a file lock per key under the workspace's state
folder) serialises "look up by key, create if missing" across threads and processes.
Across machines, every creator queries the key again after its create: when it finds
more than one page, all creators keep the same one (earliest `created_time`, then
lowest id, since created_time has minute precision) and trash the others.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


from ...config import NotionConfig
from ...errors import NotFound, StoreError
from ...records import RECORD_TYPES, Block, Record
from ..base import ClosingStore, CollectionInfo, Filter, Page, R, Sort
from ..checks import check_page_size, check_record_type, check_relation_targets
from ..key_locks import KeyLocks
from ..resolve import noun
from .blocks import batches, paginate, to_nodes
from .body import PageBodies
from .client import NotionAccountError, NotionClient, NotionRequestError, Pacer
from .data_sources import resolve_data_source
from .mapping import CollectionMapping
from .setup import check_databases
from .windows import Position, step, window_filter

Json = dict[str, Any]
log = logging.getLogger(__name__)

AUTO_KEY_PREFIX = "yp-auto:"
_ARCHIVED = "archived"


class TrashedRecord(NotFound):
    """The record exists but is in the Notion trash."""


class NotionStore(ClosingStore):
    """Records in Notion databases, mapped by config/databases.yaml."""

    name = "notion"

    def __init__(
        self,
        config: NotionConfig,
        client: NotionClient,
        *,
        record_types: Iterable[type[Record]] = RECORD_TYPES.values(),
        key_locks: KeyLocks | None = None,
    ):
        """`key_locks`: shared with the other processes of this machine (else threads only)."""
        self.config = config
        self.client = client
        self.key_locks = key_locks or KeyLocks(None)
        self.bodies = PageBodies(client)
        self._types = {t.collection: t for t in record_types}
        self._mappings: dict[str, CollectionMapping] = {}
        self._sources: dict[str, str] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_config(
        cls, config: NotionConfig, *, pacer: Pacer | None = None, lock_dir: Path | None = None
    ) -> NotionStore:
        """`lock_dir`: where the create-by-key locks live (the workspace's `state/locks`)."""
        return cls(config, NotionClient.from_config(config, pacer=pacer), key_locks=KeyLocks(lock_dir))

    def close(self) -> None:
        self.client.close()

    # ---- collections -------------------------------------------------------------------

    def mapping(self, kind: type[Record]) -> CollectionMapping:
        check_record_type(self._types, kind)
        collection = kind.collection
        with self._lock:
            if collection not in self._mappings:
                database = self.config.databases.get(collection)
                if database is None or not database.id:
                    raise StoreError(
                        f"no Notion database configured for {collection}: run `yp notion init --parent PAGE_ID` "
                        f"or set notion.databases.{collection}.id in config/databases.yaml"
                    )
                self._mappings[collection] = CollectionMapping(kind, database)
            return self._mappings[collection]

    def data_source_id(self, kind: type[Record]) -> str:
        """The data source behind the collection's configured database (looked up once)."""
        self.mapping(kind)
        collection = kind.collection
        with self._lock:
            if collection in self._sources:
                return self._sources[collection]
        configured = self.config.databases[collection].id
        found = resolve_data_source(self.client, configured)
        if found is None:
            raise NotionAccountError(
                f"Notion has no database {configured!r} for {collection}, or it is not shared with the "
                "integration (open the database, … menu > Connections); run `yp notion check`",
                status=404, code="object_not_found",
            )
        with self._lock:
            self._sources[collection] = found
        return found

    # ---- records -----------------------------------------------------------------------

    def query(
        self,
        kind: type[R],
        filters: Sequence[Filter] = (),
        sorts: Sequence[Sort] = (),
        page_size: int = 100,
        cursor: str | None = None,
    ) -> Page[R]:
        """One page of records; in creation order, past Notion's 10,000-result limit too, also when more
        pages than that share one created_time minute (see windows.py)."""
        check_page_size(page_size)
        mapping = self.mapping(kind)
        position = Position.decode(cursor)
        newest_first = [(s.field, s.descending) for s in sorts] == [("created_at", True)]
        windowable = not sorts or newest_first or [(s.field, s.descending) for s in sorts] == [("created_at", False)]
        body: Json = {"page_size": page_size, "sorts": mapping.sorts_json(sorts)}
        key_property = mapping.properties["key"].name
        condition = window_filter(mapping.filter_json(filters), position, newest_first, key_property)
        if condition is not None:
            body["filter"] = condition
        if position.notion_cursor:
            body["start_cursor"] = position.notion_cursor
        try:
            answer = self.client.query_data_source(self.data_source_id(kind), body)
        except NotionRequestError as error:
            if cursor and "start_cursor" in error.notion_message:
                raise StoreError("invalid cursor: pass back the next_cursor of the same query unchanged") from None
            raise
        advanced = step(position, answer, windowable=windowable, what=kind.collection, key_property=key_property)
        if advanced.notice:
            log.warning("%s", advanced.notice)
        items = [self._record(mapping, page) for page in advanced.pages if not _trashed(page)]
        following = advanced.next_position.encode() if advanced.next_position else None
        return Page(items=items, next_cursor=following, notice=advanced.notice)

    def get(self, kind: type[R], record_id: str) -> R:
        mapping = self.mapping(kind)
        with self._page_errors(noun(kind), record_id):
            page = self.client.retrieve_page(record_id)
        if _trashed(page):
            raise TrashedRecord(f"{noun(kind)} {record_id} is in the Notion trash")
        if page.get("parent", {}).get("data_source_id") != self.data_source_id(kind):
            raise NotFound(f"no {noun(kind)} with id {record_id}")
        return self._record(mapping, page)

    def find_by_key(self, kind: type[R], key: str) -> R | None:
        mapping = self.mapping(kind)
        page = self._page_by_key(kind, key)
        return self._record(mapping, page) if page is not None else None

    def _pages_by_key(self, kind: type[Record], key: str) -> list[Json]:
        """Every page (not in the trash) that carries this key; normally one or none."""
        mapping = self.mapping(kind)
        body = {"page_size": 100, "filter": mapping.filter_json([Filter.eq("key", key)]),
                "sorts": mapping.sorts_json([])}
        results = self.client.query_data_source(self.data_source_id(kind), body)["results"]
        return [page for page in results if not _trashed(page)]

    def _page_by_key(self, kind: type[Record], key: str) -> Json | None:
        pages = self._pages_by_key(kind, key)
        return min(pages, key=_age) if pages else None

    def create(self, record: R, body: Sequence[Block] = ()) -> R:
        kind = type(record)
        mapping = self.mapping(kind)
        if not record.key:
            return self._record(mapping, self._create_page(mapping, record, body, f"{AUTO_KEY_PREFIX}{uuid.uuid4().hex}"))
        with self.key_locks.hold(kind.collection, record.key):
            existing = self._page_by_key(kind, record.key)
            if existing is not None:
                return self._record(mapping, existing)
            page = self._create_page(mapping, record, body, record.key)
            return self._record(mapping, self._converge(kind, record.key, page))

    def _create_page(self, mapping: CollectionMapping, record: Record, body: Sequence[Block], key: str) -> Json:
        kind = type(record)
        values = {name: getattr(record, name) for name in mapping.kinds}
        for name in mapping.from_template:  # the database may predate these fields: leave empty ones out
            value = values.get(name)
            if value is None or value is False or value in ([], "", {}):
                values.pop(name, None)
        values["key"] = key
        request: Json = {
            "parent": {"type": "data_source_id", "data_source_id": self.data_source_id(kind)},
            "properties": mapping.to_properties(values),
        }
        pending = list(batches(to_nodes(body)))
        first = pending.pop(0) if pending else None
        if first is not None:
            request["children"] = first.payload()
        try:
            page = self.client.create_page(request, landed=lambda: self._page_by_key(kind, key))
        except NotionRequestError as error:
            raise self._refusal(mapping, error, values) from None
        if first is not None and first.needs_follow_up():
            self.bodies.complete(first, [b["id"] for b in self.bodies.children(page["id"])])
        for batch in pending:
            self.bodies.append_nodes(page["id"], batch.nodes)
        return page

    def _converge(self, kind: type[Record], key: str, ours: Json) -> Json:
        """After a create: if another machine made a page with the same key, all keep the earliest."""
        found = {page["id"]: page for page in self._pages_by_key(kind, key)}
        found.setdefault(ours["id"], ours)  # a query may not list a page made a moment ago
        keeper = min(found.values(), key=_age)
        for page_id in sorted(set(found) - {keeper["id"]}):
            log.warning("%s key %r was created twice at once; keeping page %s, trashing %s",
                        kind.collection, key, keeper["id"], page_id)
            try:
                self.trash(kind, page_id)
            except NotFound:
                pass  # the other creator trashed it first
        return keeper

    def update(self, kind: type[R], record_id: str, changes: Mapping[str, Any]) -> R:
        mapping = self.mapping(kind)
        values = mapping.coerce(changes)
        if not values:
            return self.get(kind, record_id)
        properties = mapping.to_properties(values)
        with self._page_errors(noun(kind), record_id):
            try:
                page = self.client.update_page(record_id, {"properties": properties})
            except NotionRequestError as error:
                if error.code == "validation_error" and _ARCHIVED in error.notion_message:
                    raise
                raise self._refusal(mapping, error, values) from None
        return self._record(mapping, page)

    def add_relations(self, kind: type[R], record_id: str, field_name: str, target_ids: Sequence[str]) -> R:
        self.mapping(kind)
        check_relation_targets(kind, field_name, target_ids)
        current = self.get(kind, record_id)
        linked: list[str] = list(getattr(current, field_name))
        merged = linked + [t for t in dict.fromkeys(target_ids) if t not in linked]
        if merged == linked:
            return current
        return self.update(kind, record_id, {field_name: merged})

    def trash(self, kind: type[R], record_id: str) -> None:
        self.get(kind, record_id)

        def landed() -> Json | None:
            page = self.client.retrieve_page(record_id)
            return page if _trashed(page) else None

        with self._page_errors(noun(kind), record_id):
            self.client.update_page(record_id, {"in_trash": True}, landed=landed)

    # ---- bodies ------------------------------------------------------------------------

    def read_body(self, record_id: str) -> list[Block]:
        with self._page_errors("", record_id):
            return self.bodies.read(record_id)

    def write_section(self, record_id: str, section: str, blocks: Sequence[Block]) -> None:
        if not section.strip():
            raise StoreError("a section needs a name")
        with self._page_errors("", record_id):
            self.bodies.write_section(record_id, section, blocks)

    def append_body(self, record_id: str, blocks: Sequence[Block]) -> None:
        with self._page_errors("", record_id):
            self.bodies.append(record_id, blocks)

    # ---- schema ------------------------------------------------------------------------

    def inspect(self) -> list[CollectionInfo]:
        return check_databases(self.client, self.config, self._types.values())

    # ---- helpers -----------------------------------------------------------------------

    def _record(self, mapping: CollectionMapping, page: Json) -> Any:
        relations = {
            name: self._full_relation(page["id"], property_id)
            for name, property_id in mapping.truncated_relations(page)
        }
        record = mapping.from_page(page, relations)
        if record.key and record.key.startswith(AUTO_KEY_PREFIX):
            record.key = None
        return record

    def _full_relation(self, page_id: str, property_id: str) -> list[str]:
        return [item["relation"]["id"] for item in paginate(
            lambda cursor: self.client.retrieve_page_property(page_id, property_id, cursor)
        )]

    @staticmethod
    def _refusal(mapping: CollectionMapping, error: NotionRequestError, values: Mapping[str, Any]) -> StoreError:
        if error.code != "validation_error":
            return error
        return StoreError(mapping.explain(error.notion_message, values))

    @contextmanager
    def _page_errors(self, what: str, record_id: str) -> Iterator[None]:
        """Notion's not-found and in-trash answers for one page, in our words (`what`: "production")."""
        what = what or "record"
        try:
            yield
        except TrashedRecord:
            raise
        except NotFound:
            raise NotFound(f"no {what} with id {record_id}") from None
        except NotionRequestError as error:
            if error.code == "validation_error" and _ARCHIVED in error.notion_message:
                raise TrashedRecord(f"{what} {record_id} is in the Notion trash") from None
            if error.code == "validation_error" and "path failed validation" in error.notion_message:
                raise NotFound(f"no {what} with id {record_id}") from None
            raise


def _age(page: Json) -> tuple[str, str]:
    """Creation order as Notion reports it: created_time (to the minute), then id."""
    return str(page.get("created_time") or ""), str(page["id"])


def _trashed(page: Json) -> bool:
    return bool(page.get("in_trash") or page.get("archived"))
