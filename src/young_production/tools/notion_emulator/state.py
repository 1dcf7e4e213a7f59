"""The emulator's in-memory workspace: databases, data sources, pages and blocks.

Every public method takes and returns Notion JSON (dicts) and raises `ApiError`
with Notion's status, code and wording. One lock guards the whole state; the
server calls in from many threads.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from . import objects as o
from .query import apply_sorts, compile_filter, find_property
from .uploads import FileUploads


@dataclass
class _Node:
    """A page or a block: both can hold child blocks."""

    id: str
    kind: str  # "page" or a block type
    parent: dict[str, Any]
    seq: int
    created: str
    data: dict[str, Any] = field(default_factory=dict)  # block payload / page-only title
    values: dict[str, Any] = field(default_factory=dict)  # page property values by name
    children: list[str] = field(default_factory=list)
    in_trash: bool = False
    edited: str = ""
    data_source_id: str | None = None
    moments: dict[str, str] = field(default_factory=dict)  # created/last edited, to the microsecond


@dataclass
class _DataSource:
    id: str
    database_id: str
    title: list[dict[str, Any]]
    properties: dict[str, dict[str, Any]]
    created: str
    page_parent: str


@dataclass
class _Database:
    id: str
    title: list[dict[str, Any]]
    parent_page: str
    data_source_ids: list[str]
    created: str


QUERY_RESULT_LIMIT = 10_000  # results one data source query returns at most
INCOMPLETE = {"type": "incomplete", "incomplete_reason": "query_result_limit_reached"}


class NotionState:
    """An in-memory Notion workspace with one root page shared with the integration.

    `clock` gives "now" for created/edited times (Notion reports them to the minute);
    `query_limit` is where a data source query stops, as Notion stops at 10,000 results.
    Timestamp filters compare the reported minute, or with `exact_time_filters` the exact
    moment (Notion does not document which; code that reads in windows must hold either way).
    `unshare(id)` and `restrict(id)` make a database unreachable (404) or forbidden (403),
    as when a person removes the integration's connection or its capabilities.
    """

    def __init__(
        self,
        root_title: str = "Young Production (emulator)",
        seed: int | None = None,
        *,
        clock: Callable[[], datetime] | None = None,
        query_limit: int = QUERY_RESULT_LIMIT,
        exact_time_filters: bool = False,
    ):
        self._lock = threading.RLock()
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.query_limit = query_limit
        self.exact_time_filters = exact_time_filters
        self.hidden: set[str] = set()
        self.restricted: set[str] = set()
        self._rng = random.Random(seed)
        self._seq = itertools.count()
        self._nodes: dict[str, _Node] = {}
        self._sources: dict[str, _DataSource] = {}
        self._databases: dict[str, _Database] = {}
        self.uploads = FileUploads(self.clock)
        root = self._new_node("page", {"type": "workspace", "workspace": True})
        root.data = {"title": o.parse_rich_text([{"text": {"content": root_title}}], "title")}
        self.root_page_id = root.id

    # ---- helpers ---------------------------------------------------------------------

    def _new_node(self, kind: str, parent: dict[str, Any]) -> _Node:
        now = self.clock()
        node = _Node(o.new_id(), kind, parent, next(self._seq), o.timestamp(now))
        node.edited = node.created
        node.moments = {"created_time": now.isoformat(), "last_edited_time": now.isoformat()}
        self._nodes[node.id] = node
        return node

    def _now(self) -> str:
        return o.timestamp(self.clock())

    def _node(self, raw_id: str, what: str = "block") -> _Node:
        node = self._nodes.get(o.normalize_id(raw_id))
        if node is None or node.data_source_id in self.hidden:
            raise o.not_found(what, raw_id)
        return node

    def _page(self, raw_id: str) -> _Node:
        node = self._node(raw_id, "page")
        if node.kind != "page":
            raise o.not_found("page", raw_id)
        return node

    def _source(self, raw_id: str) -> _DataSource:
        source = self._sources.get(o.normalize_id(raw_id))
        if source is None or source.id in self.hidden:
            raise o.not_found("data_source", raw_id)
        return source

    # ---- access knobs (tests) --------------------------------------------------------

    def _database_and_sources(self, raw_id: str) -> set[str]:
        """A database id with its data source ids (a data source id gives the same set)."""
        wanted = o.normalize_id(raw_id)
        for database in self._databases.values():
            if wanted == database.id or wanted in database.data_source_ids:
                return {database.id, *database.data_source_ids}
        raise o.not_found("database", raw_id)

    def unshare(self, database_id: str) -> None:
        """The integration loses its connection to a database: it and its pages answer 404."""
        with self._lock:
            self.hidden |= self._database_and_sources(database_id)

    def restrict(self, database_id: str) -> None:
        """The integration may no longer touch a database: requests about it answer 403."""
        with self._lock:
            self.restricted |= self._database_and_sources(database_id)

    def check_access(self, ids: tuple[str, ...], body: dict[str, Any]) -> None:
        """403 `restricted_resource` for a request that names a restricted database, source or page."""
        with self._lock:
            if not self.restricted:
                return
            named = {o.normalize_id(i) for i in ids if len(i.replace("-", "")) == 32}
            parent = body.get("parent") if isinstance(body, dict) else None
            if isinstance(parent, dict) and isinstance(parent.get("data_source_id"), str):
                named.add(o.normalize_id(parent["data_source_id"]))
            for object_id in list(named):
                node = self._nodes.get(object_id)
                if node is not None and node.data_source_id:
                    named.add(node.data_source_id)
            if named & self.restricted:
                raise o.ApiError(403, "restricted_resource", "API token does not have access to this resource.")

    def _trashed(self, node: _Node) -> bool:
        """A node is in the trash when it or any ancestor is."""
        while True:
            if node.in_trash:
                return True
            parent_id = node.parent.get("page_id") or node.parent.get("block_id")
            if not parent_id or parent_id not in self._nodes:
                return False
            node = self._nodes[parent_id]

    def _touch(self, node: _Node) -> None:
        now = self.clock()
        node.edited = o.timestamp(now)
        node.moments["last_edited_time"] = now.isoformat()

    # ---- users -----------------------------------------------------------------------

    @staticmethod
    def bot_user() -> dict[str, Any]:
        return {"object": "user", "id": "00000000-0000-4000-8000-000000000b07", "type": "bot",
                "name": "Young Production emulator", "bot": {"owner": {"type": "workspace", "workspace": True}}}

    # ---- databases and data sources --------------------------------------------------

    def create_database(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            parent = body.get("parent") or {}
            if parent.get("type", "page_id") != "page_id" or "page_id" not in parent:
                raise o.failed("body.parent.page_id", "defined", "`undefined`")
            page = self._page(parent["page_id"])
            if self._trashed(page):
                raise o.archived_error()
            title = o.parse_rich_text(body.get("title", []), "body.title")
            spec = (body.get("initial_data_source") or {}).get("properties") or {}
            properties = {name: o.parse_schema_property(name, prop, self._rng) for name, prop in spec.items()}
            if [p["type"] for p in properties.values()].count("title") != 1:
                raise o.invalid("body failed validation: a data source needs exactly one title property.")
            for prop in properties.values():
                if prop["type"] == "relation":
                    target = self._source(prop["relation"]["data_source_id"])
                    prop["relation"] = {"database_id": target.database_id, "data_source_id": target.id,
                                        "type": "single_property", "single_property": {}}
            database = _Database(o.new_id(), title, page.id, [], self._now())
            source = _DataSource(o.new_id(), database.id, title, properties, database.created, page.id)
            database.data_source_ids.append(source.id)
            self._databases[database.id] = database
            self._sources[source.id] = source
            block = _Node(database.id, "child_database", {"type": "page_id", "page_id": page.id},
                          next(self._seq), database.created, {"title": o.plain_text(title)})
            self._nodes[block.id] = block
            page.children.append(block.id)
            return self._render_database(database)

    def retrieve_database(self, raw_id: str) -> dict[str, Any]:
        with self._lock:
            database = self._databases.get(o.normalize_id(raw_id))
            if database is None or database.id in self.hidden:
                raise o.not_found("database", raw_id)
            return self._render_database(database)

    def retrieve_data_source(self, raw_id: str) -> dict[str, Any]:
        with self._lock:
            return self._render_source(self._source(raw_id))

    def update_data_source(self, raw_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Add, rename, retype or remove properties, as a person editing the columns would."""
        with self._lock:
            source = self._source(raw_id)
            changes = body.get("properties") or {}
            if not isinstance(changes, dict):
                raise o.invalid("body failed validation: body.properties should be an object.")
            for ref, spec in changes.items():
                if ref not in source.properties and not any(p["id"] == ref for p in source.properties.values()):
                    self._add_property(source, ref, spec)
                    continue
                prop = find_property(source.properties, ref)
                if spec is None:
                    if prop["type"] == "title":
                        raise o.invalid("Cannot delete the title property.")
                    del source.properties[prop["name"]]
                    continue
                old_name = prop["name"]
                new_name = spec.get("name", old_name) if isinstance(spec, dict) else old_name
                kind = next((k for k in o.PROPERTY_TYPES if isinstance(spec, dict) and k in spec), None)
                retyped = kind not in (None, prop["type"])
                updated = {**prop, "name": new_name} if not retyped else {
                    **o.parse_schema_property(new_name, {kind: spec[kind]}, self._rng), "id": prop["id"]
                }
                del source.properties[old_name]
                source.properties[new_name] = updated
                for node in self._nodes.values():
                    if node.data_source_id == source.id and old_name in node.values:
                        value = node.values.pop(old_name)
                        node.values[new_name] = o.empty_value(updated["type"]) if retyped else value
            return self._render_source(source)

    def _add_property(self, source: _DataSource, name: str, spec: Any) -> None:
        """A new column, as when a person adds one (existing pages get an empty value)."""
        prop = o.parse_schema_property(name, spec, self._rng)
        if prop["type"] == "title":
            raise o.invalid("A data source has exactly one title property.")
        if prop["type"] == "relation":
            target = self._source(prop["relation"]["data_source_id"])
            prop["relation"] = {"database_id": target.database_id, "data_source_id": target.id,
                                "type": "single_property", "single_property": {}}
        source.properties[name] = prop
        for node in self._nodes.values():
            if node.data_source_id == source.id:
                node.values[name] = o.empty_value(prop["type"])

    def _render_database(self, database: _Database) -> dict[str, Any]:
        return {
            "object": "database", "id": database.id, "title": database.title, "description": [],
            "parent": {"type": "page_id", "page_id": database.parent_page}, "is_inline": False,
            "in_trash": False, "archived": False, "is_locked": False,
            "created_time": database.created, "last_edited_time": database.created,
            "data_sources": [{"id": s, "name": o.plain_text(self._sources[s].title)} for s in database.data_source_ids],
            "icon": None, "cover": None, "url": f"https://www.notion.so/{database.id.replace('-', '')}",
            "public_url": None,
        }

    def _render_source(self, source: _DataSource) -> dict[str, Any]:
        return {
            "object": "data_source", "id": source.id, "title": source.title, "description": [],
            "parent": {"type": "database_id", "database_id": source.database_id},
            "database_parent": {"type": "page_id", "page_id": source.page_parent},
            "properties": source.properties, "created_time": source.created,
            "last_edited_time": source.created, "in_trash": False, "archived": False,
            "icon": None, "cover": None, "url": f"https://www.notion.so/{source.id.replace('-', '')}",
        }

    def query(self, raw_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """One page of results; past `query_limit` matches the rest are cut off, as Notion does:
        the last page says `has_more: false` and every page carries `request_status: incomplete`."""
        with self._lock:
            source = self._source(raw_id)
            page_size = _page_size(body.get("page_size"))
            test = compile_filter(body["filter"], source.properties) if body.get("filter") else None
            rows = []
            for node in self._nodes.values():
                if node.kind != "page" or node.data_source_id != source.id or self._trashed(node):
                    continue
                values = self._visible_values(node)
                times = {"created_time": node.created, "last_edited_time": node.edited}
                if self.exact_time_filters and node.moments:
                    times = node.moments
                meta = {**times, "id": node.id}
                if test is None or test(values, meta):
                    rows.append((values, {**meta, "created_time": node.seq}))  # ties keep creation order
            rows = apply_sorts(rows, body.get("sorts"), source.properties)
            ids = [meta["id"] for _, meta in rows]
            capped = len(ids) > self.query_limit
            ids = ids[: self.query_limit]
            start = _cursor_position(ids, body.get("start_cursor"))
            window = ids[start:start + page_size]
            more = start + page_size < len(ids)
            answer = {
                "object": "list", "results": [self._render_page(self._nodes[i]) for i in window],
                "next_cursor": ids[start + page_size] if more else None, "has_more": more,
                "type": "page_or_data_source", "page_or_data_source": {},
            }
            if capped:
                answer["request_status"] = dict(INCOMPLETE)
            return answer

    # ---- pages -----------------------------------------------------------------------

    def create_page(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            parent = body.get("parent") or {}
            children = o.parse_children(body.get("children", []))
            if o.count_blocks(children) > o.BLOCKS_PER_REQUEST:
                raise o.invalid(f"body failed validation: a request may hold at most {o.BLOCKS_PER_REQUEST} blocks.")
            if "data_source_id" in parent:
                source = self._source(parent["data_source_id"])
                values = self._parse_values(source, body.get("properties") or {})
                node = self._new_node("page", {"type": "data_source_id", "data_source_id": source.id,
                                               "database_id": source.database_id})
                node.data_source_id = source.id
                node.values = {name: values.get(name, o.empty_value(p["type"]))
                               for name, p in source.properties.items()}
            elif "page_id" in parent:
                container = self._page(parent["page_id"])
                if self._trashed(container):
                    raise o.archived_error()
                props = body.get("properties") or {}
                title = props.get("title") or props.get("Title") or {"title": []}
                node = self._new_node("page", {"type": "page_id", "page_id": container.id})
                node.data = {"title": o.parse_rich_text(title.get("title", []), "body.properties.title.title")}
                container.children.append(node.id)
            else:
                raise o.invalid("body failed validation: body.parent should have data_source_id or page_id.")
            self._attach(node, children)
            return self._render_page(node)

    def retrieve_page(self, raw_id: str) -> dict[str, Any]:
        with self._lock:
            return self._render_page(self._page(raw_id))

    def update_page(self, raw_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            node = self._page(raw_id)
            trash = body.get("in_trash", body.get("archived"))
            if self._trashed(node) and trash is not False:
                raise o.archived_error()
            if body.get("properties"):
                if node.data_source_id is None:
                    raise o.invalid("Only pages in a data source have properties other than title.")
                source = self._sources[node.data_source_id]
                node.values.update(self._parse_values(source, body["properties"]))
            if trash is not None:
                node.in_trash = bool(trash)
            self._touch(node)
            return self._render_page(node)

    def retrieve_page_property(self, raw_id: str, property_id: str, query: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            node = self._page(raw_id)
            if node.data_source_id is None:
                raise o.not_found("property", property_id)
            prop = find_property(self._sources[node.data_source_id].properties, unquote(property_id))
            value = self._visible_values(node).get(prop["name"])
            if prop["type"] not in ("relation", "title", "rich_text"):
                rendered = o.render_property_value(prop, value, self._options(prop))
                return {"object": "property_item", **rendered}
            items = value or []
            start = int(query.get("start_cursor") or 0)
            size = _page_size(query.get("page_size"))
            window = items[start:start + size]
            more = start + size < len(items)
            kind = prop["type"]
            return {
                "object": "list", "type": "property_item",
                "results": [{"object": "property_item", "id": prop["id"], "type": kind,
                             kind: {"id": v} if kind == "relation" else v} for v in window],
                "next_cursor": str(start + size) if more else None, "has_more": more,
                "property_item": {"id": prop["id"], "next_url": None, "type": kind, kind: {}},
            }

    def _parse_values(self, source: _DataSource, properties: dict[str, Any]) -> dict[str, Any]:
        if not isinstance(properties, dict):
            raise o.invalid("body failed validation: body.properties should be an object.")
        values = {}
        for ref, value in properties.items():
            try:
                prop = find_property(source.properties, ref)
            except o.ApiError:
                raise o.invalid(f"{ref} is not a property that exists.") from None
            parsed = o.parse_property_value(prop, value)
            if prop["type"] in ("select", "status", "multi_select"):
                self._ensure_options(prop, parsed)
            if prop["type"] == "relation":
                for page_id in parsed:
                    target = self._nodes.get(page_id)
                    if target is None or target.data_source_id != prop["relation"]["data_source_id"]:
                        raise o.invalid(
                            f"body failed validation: body.properties.{prop['name']}.relation contains "
                            f"{page_id}, which is not a page of the related data source."
                        )
            values[prop["name"]] = parsed
        return values

    def _ensure_options(self, prop: dict[str, Any], names: Any) -> None:
        options = prop[prop["type"]]["options"]
        known = {opt["name"] for opt in options}
        for name in [names] if isinstance(names, str) else (names or []):
            if name in known:
                continue
            if prop["type"] == "status":
                raise o.invalid(f"Invalid status option. Status option \"{name}\" does not exist for {prop['name']}.")
            options.append(o.new_option(name, where=f"body.properties.{prop['name']}.{prop['type']}"))
            known.add(name)

    def _options(self, prop: dict[str, Any]) -> dict[str, dict[str, Any]]:
        config = prop.get(prop["type"]) or {}
        return {opt["name"]: opt for opt in config.get("options", [])}

    def _visible_values(self, node: _Node) -> dict[str, Any]:
        """Property values as readers see them: links to trashed pages are hidden."""
        source = self._sources[node.data_source_id] if node.data_source_id else None
        if source is None:
            return node.values
        values = dict(node.values)
        for name, prop in source.properties.items():
            if prop["type"] == "relation":
                values[name] = [
                    i for i in values.get(name) or [] if i in self._nodes and not self._trashed(self._nodes[i])
                ]
        return values

    def _render_page(self, node: _Node) -> dict[str, Any]:
        trashed = self._trashed(node)
        page = {
            "object": "page", "id": node.id, "created_time": node.created, "last_edited_time": node.edited,
            "created_by": {"object": "user", "id": self.bot_user()["id"]},
            "last_edited_by": {"object": "user", "id": self.bot_user()["id"]},
            "cover": None, "icon": None, "parent": node.parent, "archived": trashed, "in_trash": trashed,
            "is_locked": False, "url": f"https://www.notion.so/{node.id.replace('-', '')}", "public_url": None,
        }
        if node.data_source_id is not None:
            source = self._sources[node.data_source_id]
            values = self._visible_values(node)
            page["properties"] = {
                name: o.render_property_value(prop, values.get(name, o.empty_value(prop["type"])),
                                              self._options(prop))
                for name, prop in source.properties.items()
            }
        else:
            page["properties"] = {"title": {"id": "title", "type": "title", "title": node.data.get("title", [])}}
        return page

    # ---- blocks ----------------------------------------------------------------------

    def list_children(self, raw_id: str, query: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            node = self._node(raw_id)
            ids = [c for c in node.children if not self._nodes[c].in_trash]
            start = _cursor_position(ids, query.get("start_cursor"))
            size = _page_size(query.get("page_size"))
            window = ids[start:start + size]
            more = start + size < len(ids)
            return {"object": "list", "results": [self._render_block(self._nodes[i]) for i in window],
                    "next_cursor": ids[start + size] if more else None, "has_more": more,
                    "type": "block", "block": {}}

    def append_children(self, raw_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            node = self._node(raw_id)
            if self._trashed(node):
                raise o.archived_error()
            if node.kind != "page" and not o.can_have_children(node.kind, node.data):
                raise o.invalid(f"Block type {node.kind} does not support children.")
            tree = self.uploads.attach_images(o.parse_children(body.get("children")))
            if o.count_blocks(tree) > o.BLOCKS_PER_REQUEST:
                raise o.invalid(f"body failed validation: a request may hold at most {o.BLOCKS_PER_REQUEST} blocks.")
            position = len(node.children)
            if body.get("after"):
                after = o.normalize_id(body["after"])
                if after not in node.children or self._nodes[after].in_trash:
                    raise o.invalid(f"body failed validation: body.after {body['after']} is not a child of {raw_id}.")
                position = node.children.index(after) + 1
            created = self._attach(node, tree, position)
            self._touch(node)
            return {"object": "list", "results": [self._render_block(self._nodes[i]) for i in created],
                    "next_cursor": None, "has_more": False, "type": "block", "block": {}}

    def _attach(self, parent: _Node, tree: list[dict[str, Any]], position: int | None = None) -> list[str]:
        created = []
        parent_ref = ({"type": "page_id", "page_id": parent.id} if parent.kind == "page"
                      else {"type": "block_id", "block_id": parent.id})
        for spec in tree:
            block = self._new_node(spec["type"], parent_ref)
            block.data = spec["data"]
            self._attach(block, spec["children"])
            created.append(block.id)
        at = len(parent.children) if position is None else position
        parent.children[at:at] = created
        return created

    def retrieve_block(self, raw_id: str) -> dict[str, Any]:
        with self._lock:
            return self._render_block(self._node(raw_id))

    def update_block(self, raw_id: str, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            node = self._node(raw_id)
            trash = body.get("in_trash", body.get("archived"))
            if self._trashed(node) and trash is not False:
                raise o.archived_error()
            if node.kind in body:
                node.data = o.parse_block_update(node.kind, node.data, body[node.kind])
            if trash is not None:
                node.in_trash = bool(trash)
            self._touch(node)
            return self._render_block(node)

    def delete_block(self, raw_id: str) -> dict[str, Any]:
        with self._lock:
            node = self._node(raw_id)
            if self._trashed(node):
                raise o.archived_error()
            node.in_trash = True
            self._touch(node)
            return self._render_block(node)

    def _render_block(self, node: _Node) -> dict[str, Any]:
        trashed = self._trashed(node)
        kind = "child_page" if node.kind == "page" else node.kind
        data = node.data
        if kind == "child_page":
            data = {"title": o.plain_text(node.data.get("title", []))}
        return {
            "object": "block", "id": node.id, "parent": node.parent, "created_time": node.created,
            "last_edited_time": node.edited, "created_by": {"object": "user", "id": self.bot_user()["id"]},
            "last_edited_by": {"object": "user", "id": self.bot_user()["id"]},
            "has_children": any(not self._nodes[c].in_trash for c in node.children),
            "archived": trashed, "in_trash": trashed, "type": kind, kind: data,
        }

    # ---- inspection helpers for tests ------------------------------------------------

    def pages_in(self, data_source_id: str, include_trash: bool = False) -> list[dict[str, Any]]:
        """Every page of a data source (creation order), for tests and benchmarks."""
        with self._lock:
            return [self._render_page(n) for n in sorted(self._nodes.values(), key=lambda n: n.seq)
                    if n.kind == "page" and n.data_source_id == data_source_id
                    and (include_trash or not self._trashed(n))]

    def data_source_ids(self) -> dict[str, str]:
        """Data source id by title."""
        with self._lock:
            return {o.plain_text(s.title): s.id for s in self._sources.values()}


def _page_size(raw: Any) -> int:
    if raw is None:
        return 100
    try:
        size = int(raw)
    except (TypeError, ValueError):
        raise o.invalid(f"body failed validation: page_size should be a number, instead was `{raw!r}`.") from None
    if not 1 <= size <= 100:
        raise o.invalid(f"body failed validation: page_size should be ≤ `100` and ≥ `1`, instead was `{size}`.")
    return size


def _cursor_position(ids: list[str], cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        return ids.index(o.normalize_id(str(cursor)))
    except (ValueError, o.ApiError):
        raise o.invalid(f"body failed validation: start_cursor `{cursor}` is not valid.") from None
