"""The Store interface's typed values, filters, sorts and cursors as SQL on the embedded tables.

Which filter ops each field kind accepts is decided in `fields` (shared with the Notion
store). `ne` also matches empty values, as Notion's
`does_not_equal` does. Empty text means None or "", an empty list means []. Sorts put empty
values last in either direction and compare text ignoring case; ties keep creation order.

Pagination is keyset-based: a cursor holds the sort values of the last row returned, so rows
inserted between two pages neither repeat nor push others out.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from enum import Enum
from typing import Any

from ..errors import StoreError
from ..records import FieldKind, Record
from .base import Filter, Sort
from .fields import FieldRef, field_ref, filter_field, filter_operand
from .sqlite_schema import quoted

_COMPARISONS = {"eq": "=", "gt": ">", "lt": "<", "gte": ">=", "lte": "<="}
_UNSORTABLE: frozenset[FieldKind] = frozenset({"multi_select", "relation"})
_TEXT_KINDS: frozenset[FieldKind] = frozenset({"title", "text", "url", "select"})

CONTAINS_FUNCTION = "yp_contains"
"""Name under which the store registers `text_contains` on its connection."""


def text_contains(haystack: str | None, needle: str | None) -> int:
    """Substring test ignoring case (Unicode-aware, unlike SQLite's LIKE)."""
    if haystack is None or needle is None:
        return 0
    return int(needle.casefold() in haystack.casefold())


# --- values --------------------------------------------------------------------------------


def iso_utc(value: datetime | date | str) -> str:
    """A fixed-width ISO-8601 UTC string, so text order is time order. Naive means UTC."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise StoreError(f"{value!r} is not an ISO-8601 date-time") from None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), timezone.utc)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def to_column(field_kind: FieldKind, value: Any) -> Any:
    """A validated model value as it is kept in its column."""
    if value is None:
        return None
    if field_kind == "multi_select":
        return json.dumps(list(value), ensure_ascii=False)
    if field_kind == "date":
        return iso_utc(value)
    if field_kind == "checkbox":
        return int(bool(value))
    if field_kind == "number":
        return float(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):  # a text field holding a map (confidences) is kept as JSON text
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def from_column(field_kind: FieldKind, value: Any) -> Any:
    """A column value in the shape the model validates (enums are made by the model)."""
    if field_kind == "multi_select":
        return json.loads(value) if value else []
    if value is None:
        return None
    if field_kind == "date":
        return datetime.fromisoformat(value)
    if field_kind == "checkbox":
        return bool(value)
    return value


# --- filters -------------------------------------------------------------------------------


def filter_sql(record_type: type[Record], flt: Filter, table: str) -> tuple[str, list[Any]]:
    """One filter as an SQL condition on `table` (the collection's table or its alias)."""
    ref = filter_field(record_type, flt)
    if ref.kind == "relation":
        return _relation_condition(ref, flt, table)
    column = f"{table}.{quoted(ref.name)}"
    if flt.op == "is_empty":
        return _empty_condition(ref.kind, column), []
    if flt.op == "is_not_empty":
        return f"NOT {_empty_condition(ref.kind, column)}", []
    value = _filter_value(ref, flt)
    if ref.kind == "multi_select":
        return f"EXISTS (SELECT 1 FROM json_each({column}) AS e WHERE e.value = ?)", [value]
    if flt.op == "contains":
        return f"{CONTAINS_FUNCTION}({column}, ?)", [value]
    if ref.kind == "checkbox":
        column = f"COALESCE({column}, 0)"
    if flt.op == "ne":
        return f"{column} IS NOT ?", [value]
    return f"{column} {_COMPARISONS[flt.op]} ?", [value]


def _empty_condition(field_kind: FieldKind, column: str) -> str:
    if field_kind in _TEXT_KINDS:
        return f"({column} IS NULL OR {column} = '')"
    if field_kind == "multi_select":
        return f"({column} IS NULL OR json_array_length({column}) = 0)"
    return f"({column} IS NULL)"


def _relation_condition(ref: FieldRef, flt: Filter, table: str) -> tuple[str, list[Any]]:
    linked = f"SELECT 1 FROM relations AS r WHERE r.record_id = {table}.id AND r.field = ?"
    if flt.op == "is_empty":
        return f"NOT EXISTS ({linked})", [ref.name]
    if flt.op == "is_not_empty":
        return f"EXISTS ({linked})", [ref.name]
    return f"EXISTS ({linked} AND r.target_id = ?)", [ref.name, _filter_value(ref, flt)]


def _filter_value(ref: FieldRef, flt: Filter) -> Any:
    """The filter's value checked (`filter_operand`) and converted as its column keeps it."""
    value = filter_operand(ref, flt)
    if ref.kind == "number":
        return float(value)
    if ref.kind == "date":
        return iso_utc(value)
    if ref.kind == "checkbox":
        return int(value)
    return value


# --- sorts and cursors -----------------------------------------------------------------------


@dataclass(frozen=True)
class OrderTerm:
    """One ORDER BY expression; a query's terms always end with the unique `seq`."""

    expr: str
    descending: bool = False

    def sql(self) -> str:
        return f"{self.expr} {'DESC' if self.descending else 'ASC'}"


def order_terms(record_type: type[Record], sorts: Sequence[Sort], table: str) -> list[OrderTerm]:
    """ORDER BY terms for the sorts: empties last, text ignoring case, then creation order."""
    terms: list[OrderTerm] = []
    for sort in sorts:
        ref = field_ref(record_type, sort.field)
        if ref.name == "created_at":
            terms.append(OrderTerm(f"{table}.seq", sort.descending))
            continue
        if ref.kind in _UNSORTABLE:
            raise StoreError(f"cannot sort by {ref.describe()}; sort by a single-valued field")
        column = f"{table}.{quoted(ref.name)}"
        terms.append(OrderTerm(f"({column} IS NULL)"))
        if ref.kind in _TEXT_KINDS:
            column = f"{column} COLLATE NOCASE"
        elif ref.kind == "checkbox":
            column = f"COALESCE({column}, 0)"
        terms.append(OrderTerm(column, sort.descending))
    terms.append(OrderTerm(f"{table}.seq"))
    return terms


def after_condition(terms: Sequence[OrderTerm], values: Sequence[Any]) -> tuple[str, list[Any]]:
    """Rows strictly after the row whose term values are `values`, in the terms' order."""
    disjuncts: list[str] = []
    params: list[Any] = []
    for i, (term, value) in enumerate(zip(terms, values, strict=True)):
        if value is None:
            continue  # rows tied on an empty value differ only in later terms
        parts = [f"{earlier.expr} IS ?" for earlier in terms[:i]]
        parts.append(f"{term.expr} {'<' if term.descending else '>'} ?")
        disjuncts.append("(" + " AND ".join(parts) + ")")
        params.extend(values[:i])
        params.append(value)
    return "(" + " OR ".join(disjuncts) + ")", params


def query_signature(record_type: type[Record], sorts: Sequence[Sort]) -> str:
    """What a cursor is bound to: the collection and the sort order."""
    shape = (
        record_type.collection
        + "|"
        + ",".join(f"{s.field}:{'desc' if s.descending else 'asc'}" for s in sorts)
    )
    return hashlib.sha256(shape.encode()).hexdigest()[:12]


def encode_cursor(signature: str, values: Sequence[Any]) -> str:
    payload = json.dumps({"q": signature, "k": list(values)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, signature: str, term_count: int) -> list[Any]:
    """The term values a cursor carries; StoreError when it is damaged or from another query."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
        values = payload["k"]
        matches = payload["q"] == signature and isinstance(values, list)
    except (binascii.Error, ValueError, TypeError, KeyError):
        matches, values = False, []
    if not matches or len(values) != term_count:
        raise StoreError("invalid cursor: pass back the next_cursor of the same query unchanged")
    return values
