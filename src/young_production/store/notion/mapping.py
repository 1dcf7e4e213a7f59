"""Records <-> Notion page properties, filters and sorts, driven by config/databases.yaml.

Each record field maps to a property (name and type) of its collection's database;
a team whose columns are named differently only edits the config. A field kind may
live in more than one Notion type (a select in a `status` property, a URL in a text
property); `COMPATIBLE_TYPES` lists which.

The filter vocabulary is the Store interface's, as the SQLite store accepts it
(`OPS_BY_KIND`): code written against one store runs unchanged on the other.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timezone
from enum import Enum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from ...config import NotionDatabase, PropertyMap
from ...errors import StoreError
from ...records import FieldKind, Record
from ..base import Filter, Sort
from ..checks import check_update_fields
from ..fields import FieldRef, field_ref, filter_field, filter_operand
from .blocks import RICH_TEXT_ITEMS, TEXT_LIMIT, plain_text, rich_text

log = logging.getLogger(__name__)
Json = dict[str, Any]

COMPATIBLE_TYPES: dict[FieldKind, tuple[str, ...]] = {
    "title": ("title",),
    "text": ("rich_text",),
    "url": ("url", "rich_text"),
    "select": ("select", "status", "rich_text"),
    "multi_select": ("multi_select",),
    "date": ("date",),
    "number": ("number",),
    "relation": ("relation",),
    "checkbox": ("checkbox",),
}
RELATIONS_PER_PROPERTY = 100
OPTION_NAME_LIMIT = 100
_ORDER_OPERATORS = {
    "number": {"eq": "equals", "ne": "does_not_equal", "gt": "greater_than", "lt": "less_than",
               "gte": "greater_than_or_equal_to", "lte": "less_than_or_equal_to"},
    "date": {"eq": "equals", "gt": "after", "lt": "before", "gte": "on_or_after", "lte": "on_or_before"},
}
_EQUALITY = {"eq": "equals", "ne": "does_not_equal", "contains": "contains"}


class CollectionMapping:
    """How one record type's fields live in one Notion data source."""

    def __init__(self, record_type: type[Record], database: NotionDatabase):
        self.record_type = record_type
        self.collection = record_type.collection
        self.kinds = record_type.field_kinds()
        self.properties: dict[str, PropertyMap] = {}
        # mapped from the shipped template: the database may predate the field
        self.from_template = database.from_template
        for name, kind in self.kinds.items():
            prop = database.properties.get(name)
            if prop is None:
                raise StoreError(
                    f"config/databases.yaml: notion.databases.{self.collection}.properties has no entry "
                    f"for field {name!r} (expected a {' or '.join(COMPATIBLE_TYPES[kind])} property)"
                )
            if prop.type not in COMPATIBLE_TYPES[kind]:
                raise StoreError(
                    f"config/databases.yaml: {self.collection}.{name} is a {kind} field; property "
                    f"{prop.name!r} must be of type {' or '.join(COMPATIBLE_TYPES[kind])}, not {prop.type}"
                )
            self.properties[name] = prop

    def describe(self, name: str) -> str:
        prop = self.properties[name]
        return f"{self.collection}.{name} (Notion property {prop.name!r}, type {prop.type})"

    # ---- values ------------------------------------------------------------------------

    def coerce(self, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Changes checked against the record model, field by field (StoreError names the field)."""
        check_update_fields(self.record_type, changes)
        values = {}
        for name, value in changes.items():
            annotation = self.record_type.model_fields[name].annotation
            try:
                values[name] = TypeAdapter(annotation).validate_python(value)
            except ValidationError as exc:
                problem = exc.errors()[0]["msg"]
                raise StoreError(f"{self.collection}.{name}: {problem} (got {value!r})") from None
        return values

    def to_properties(self, values: Mapping[str, Any]) -> Json:
        """Validated field values as a Notion `properties` object."""
        return {self.properties[name].name: self._property_value(name, value) for name, value in values.items()}

    def _property_value(self, name: str, value: Any) -> Json:
        ptype = self.properties[name].type
        if isinstance(value, Enum):
            value = value.value
        if ptype in ("title", "rich_text"):
            return {ptype: self._rich_text(name, "" if value is None else _as_text(value))}
        if ptype == "url":
            return {"url": value or None}
        if ptype in ("select", "status"):
            return {ptype: {"name": _option_name(value)} if value not in (None, "") else None}
        if ptype == "multi_select":
            names = list(dict.fromkeys(_option_name(v) for v in value or []))
            return {"multi_select": [{"name": n} for n in names]}
        if ptype == "date":
            return {"date": {"start": _iso(value)} if value is not None else None}
        if ptype == "number":
            return {"number": value}
        if ptype == "checkbox":
            return {"checkbox": bool(value)}
        ids = list(dict.fromkeys(value or []))
        if len(ids) > RELATIONS_PER_PROPERTY:
            raise StoreError(
                f"{self.describe(name)}: Notion takes at most {RELATIONS_PER_PROPERTY} links in a relation "
                f"property, got {len(ids)}"
            )
        return {"relation": [{"id": i} for i in ids]}

    def _rich_text(self, name: str, text: str) -> list[Json]:
        items = rich_text(text)
        if len(items) > RICH_TEXT_ITEMS:
            log.warning(
                "%s holds %d characters; Notion keeps at most %d text pieces of %d, the rest is cut",
                self.describe(name), len(text), RICH_TEXT_ITEMS, TEXT_LIMIT,
            )
            items = items[:RICH_TEXT_ITEMS]
        return items

    def from_page(self, page: Json, relations: Mapping[str, list[str]] | None = None) -> Record:
        """A record from a page object; `relations` overrides truncated relation lists."""
        props = page.get("properties", {})
        data: dict[str, Any] = {"id": page["id"], "created_at": _parse_datetime(page.get("created_time"))}
        for name, prop in self.properties.items():
            if prop.name not in props and name in self.from_template:
                continue  # a field newer than the database: the model's default until `yp notion init`
            if prop.name not in props:
                raise StoreError(
                    f"the {self.collection} database has no property {prop.name!r} (field {name}); "
                    "run `yp notion check`"
                )
            if relations and name in relations:
                data[name] = relations[name]
            else:
                data[name] = _read_value(self.kinds[name], props[prop.name])
        return self._validate(page["id"], data)

    def _validate(self, page_id: str, data: dict[str, Any]) -> Record:
        """The record; a value the model refuses (an option typed in Notion) is dropped, with a warning."""
        while True:
            try:
                return self.record_type.model_validate(data)
            except ValidationError as exc:
                name = str(exc.errors()[0]["loc"][0])
                if name not in self.properties or name not in data:
                    raise StoreError(f"{self.collection} page {page_id}: {exc.errors()[0]['msg']}") from None
                log.warning("%s on page %s holds %r, which the model refuses; ignored",
                            self.describe(name), page_id, data.pop(name))

    def truncated_relations(self, page: Json) -> list[tuple[str, str]]:
        """(field, property id) of relation values that the page object cut at 25 links."""
        found = []
        for name, prop in self.properties.items():
            value = page.get("properties", {}).get(prop.name) or {}
            if prop.type == "relation" and value.get("has_more"):
                found.append((name, value["id"]))
        return found

    # ---- filters and sorts -------------------------------------------------------------

    def filter_json(self, filters: Sequence[Filter]) -> Json | None:
        parts = [self._condition(f) for f in filters]
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else {"and": parts}

    def _condition(self, flt: Filter) -> Json:
        ref = filter_field(self.record_type, flt)
        if ref.name == "created_at":
            if flt.op in ("is_empty", "is_not_empty"):
                raise StoreError("created_at is never empty")
            operator = _ORDER_OPERATORS["date"][flt.op]
            return {"timestamp": "created_time", "created_time": {operator: self._operand(ref, flt)}}
        ptype = self.properties[ref.name].type
        base: Json = {"property": self.properties[ref.name].name}
        if flt.op in ("is_empty", "is_not_empty"):
            if ptype == "checkbox":
                return {**base, "checkbox": {"equals": flt.op == "is_not_empty"}}
            return {**base, ptype: {flt.op: True}}
        operand = self._operand(ref, flt)
        operator = _ORDER_OPERATORS[ptype][flt.op] if ptype in _ORDER_OPERATORS else _EQUALITY[flt.op]
        return {**base, ptype: {operator: operand}}

    @staticmethod
    def _operand(ref: FieldRef, flt: Filter) -> Any:
        value = filter_operand(ref, flt)
        if ref.kind == "date":
            return _iso(value)
        return _option_name(value) if ref.kind in ("select", "multi_select") else value

    def sorts_json(self, sorts: Sequence[Sort]) -> list[Json]:
        """Notion sorts, ending with creation order (as the SQLite store breaks ties)."""
        out: list[Json] = []
        for sort in sorts:
            ref = field_ref(self.record_type, sort.field)
            direction = "descending" if sort.descending else "ascending"
            if ref.name == "created_at":
                out.append({"timestamp": "created_time", "direction": direction})
                continue
            if ref.kind in ("multi_select", "relation"):
                raise StoreError(f"cannot sort by {ref.describe()}; sort by a single-valued field")
            out.append({"property": self.properties[ref.name].name, "direction": direction})
        if not any(s.get("timestamp") == "created_time" for s in out):
            out.append({"timestamp": "created_time", "direction": "ascending"})
        return out

    # ---- validation errors -------------------------------------------------------------

    def explain(self, notion_message: str, sent: Mapping[str, Any]) -> str:
        """Notion's validation message with our field, its property and the expected type."""
        by_length = sorted(self.properties.items(), key=lambda item: -len(item[1].name))
        for name, prop in by_length:
            if f"properties.{prop.name}." in notion_message or notion_message.startswith(f"{prop.name} is "):
                if name in self.from_template and "not a property that exists" in notion_message:
                    return (f"the {self.collection} database has no property {prop.name!r} for {name}, a field "
                            "new in this release: run `yp notion init --parent PAGE_ID` to add it")
                return f"Notion refused {self.describe(name)}: expected a {prop.type} value. {notion_message}"
        fields = ", ".join(self.describe(n) for n in sent) or "none"
        return f"Notion refused the {self.collection} properties ({fields}): {notion_message}"


def _as_text(value: Any) -> str:
    if isinstance(value, dict):  # a text field holding a map (confidences) is kept as JSON text
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value if isinstance(value, str) else str(value)


def _option_name(value: Any) -> str:
    """Notion option names cannot hold commas and stop at 100 characters."""
    name = _as_text(value.value if isinstance(value, Enum) else value).replace(",", " ").strip()
    return name[:OPTION_NAME_LIMIT]


def _iso(value: datetime | date | str) -> str:
    if isinstance(value, str):
        value = _parse_datetime(value) or value
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(timezone.utc).isoformat()
    if isinstance(value, date):
        return datetime.combine(value, time(), timezone.utc).isoformat()
    raise StoreError(f"{value!r} is not an ISO-8601 date-time")


def _parse_datetime(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def _read_value(kind: FieldKind, value: Json) -> Any:
    ptype = value.get("type")
    raw = value.get(ptype) if ptype else None
    if ptype in ("title", "rich_text"):
        text = plain_text(raw)
        return text if kind == "title" else (text or None)
    if ptype in ("select", "status"):
        return raw.get("name") if raw else None
    if ptype == "multi_select":
        return [option["name"] for option in raw or []]
    if ptype == "date":
        return _parse_datetime(raw.get("start")) if raw else None
    if ptype == "relation":
        return [link["id"] for link in raw or []]
    if ptype == "checkbox":
        return bool(raw)
    if ptype == "number":
        return float(raw) if raw is not None else None
    return raw

