"""Record fields as both stores see them: kinds, the filter ops each kind accepts, operand checks.

Which filter ops each kind accepts (anything else is refused with a StoreError):

    title, text, url   eq, ne, contains (substring, ignoring case), is_empty, is_not_empty
    select             eq, ne, is_empty, is_not_empty (enum fields check the option exists)
    multi_select       contains (one element), is_empty, is_not_empty
    relation           contains (a target id), is_empty, is_not_empty
    number             eq, ne, gt, lt, gte, lte, is_empty, is_not_empty
    date               eq, gt, lt, gte, lte, is_empty, is_not_empty (also on `created_at`)
    checkbox           eq, ne

The table is Notion's own filter vocabulary per property type, so code written against the
embedded store runs unchanged on Notion. Both backends translate from here (SQL in
`sqlite_query`, Notion JSON in `notion/mapping`); neither imports the other.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from ..errors import StoreError
from ..records import FieldKind, Record
from .base import Filter, FilterOp

_TEXT_OPS: frozenset[FilterOp] = frozenset({"eq", "ne", "contains", "is_empty", "is_not_empty"})
_ORDER_OPS: frozenset[FilterOp] = frozenset(
    {"eq", "gt", "lt", "gte", "lte", "is_empty", "is_not_empty"}
)
_LIST_OPS: frozenset[FilterOp] = frozenset({"contains", "is_empty", "is_not_empty"})

OPS_BY_KIND: dict[FieldKind, frozenset[FilterOp]] = {
    "title": _TEXT_OPS,
    "text": _TEXT_OPS,
    "url": _TEXT_OPS,
    "select": frozenset({"eq", "ne", "is_empty", "is_not_empty"}),
    "multi_select": _LIST_OPS,
    "relation": _LIST_OPS,
    "number": _ORDER_OPS | {"ne"},
    "date": _ORDER_OPS,
    "checkbox": frozenset({"eq", "ne"}),
}


@dataclass(frozen=True)
class FieldRef:
    """A field of a record type as queries see it."""

    collection: str
    name: str
    kind: FieldKind
    enum: type[Enum] | None = None

    def describe(self) -> str:
        return f"{self.collection}.{self.name} ({self.kind})"


def field_ref(record_type: type[Record], name: str) -> FieldRef:
    """The named field of a record type; `created_at` counts as a date. Unknown -> StoreError."""
    if name == "created_at":
        return FieldRef(record_type.collection, name, "date")
    kinds = record_type.field_kinds()
    if name not in kinds:
        raise StoreError(
            f"{record_type.collection} has no field {name!r} (fields: {', '.join(kinds)})"
        )
    return FieldRef(record_type.collection, name, kinds[name], enum_of(record_type, name))


def enum_of(record_type: type[Record], name: str) -> type[Enum] | None:
    """The Enum a field holds (directly or as Optional), if any."""
    annotation = record_type.model_fields[name].annotation
    for candidate in typing.get_args(annotation) or (annotation,):
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


def filter_field(record_type: type[Record], flt: Filter) -> FieldRef:
    """The filtered field, once the filter's op is one its kind supports (else StoreError)."""
    ref = field_ref(record_type, flt.field)
    allowed = OPS_BY_KIND[ref.kind]
    if flt.op not in allowed:
        raise StoreError(
            f"cannot filter {ref.describe()} with {flt.op!r}; a {ref.kind} field supports "
            + ", ".join(sorted(allowed))
        )
    return ref


def filter_operand(ref: FieldRef, flt: Filter) -> Any:
    """The filter's value checked against the field's kind, for any backend.

    Enums become their values (a select with an Enum must name one of its options);
    numbers, bools, text and dates (datetime, date or ISO text) come back as given.
    """
    value = flt.value
    if value is None:
        raise StoreError(
            f"filter {flt.op!r} on {ref.describe()} needs a value; use is_empty for none"
        )
    if ref.kind == "select" and ref.enum is not None:
        try:
            return ref.enum(value).value
        except ValueError:
            options = ", ".join(str(member.value) for member in ref.enum)
            raise StoreError(
                f"{ref.describe()} has no option {value!r} (options: {options})"
            ) from None
    if isinstance(value, Enum):
        value = value.value
    if ref.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise StoreError(f"filter on {ref.describe()} needs a number, got {value!r}")
    elif ref.kind == "date":
        if not isinstance(value, (datetime, date, str)):
            raise StoreError(f"filter on {ref.describe()} needs a date-time, got {value!r}")
    elif ref.kind == "checkbox":
        if not isinstance(value, bool):
            raise StoreError(f"filter on {ref.describe()} needs true or false, got {value!r}")
    elif not isinstance(value, str):
        raise StoreError(f"filter on {ref.describe()} needs text, got {value!r}")
    return value
