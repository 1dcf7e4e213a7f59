"""Data-source query semantics for the emulator: filters (compound and per type) and sorts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .objects import STRING_TYPES, describe, failed, invalid, parse_date, plain_text

MAX_COMPOUND_DEPTH = 2

Schema = dict[str, dict[str, Any]]  # property name -> schema property
Values = dict[str, Any]  # property name -> stored value
Meta = dict[str, Any]  # page meta: created_time / last_edited_time (ISO, to the minute), id, order
Predicate = Callable[[Values, Meta], bool]
TIMESTAMPS = ("created_time", "last_edited_time")


def find_property(schema: Schema, ref: Any) -> dict[str, Any]:
    """A property by name or id, as Notion resolves `property` in filters and sorts."""
    if isinstance(ref, str):
        if ref in schema:
            return schema[ref]
        for prop in schema.values():
            if prop["id"] == ref:
                return prop
    raise invalid(f"Could not find property with name or id: {ref}")


def compile_filter(spec: Any, schema: Schema, depth: int = 0) -> Predicate:
    """Validate a filter object and turn it into a predicate over a page's values and meta."""
    if not isinstance(spec, dict):
        raise invalid("body failed validation: body.filter should be an object.")
    for combinator in ("and", "or"):
        if combinator in spec:
            if depth >= MAX_COMPOUND_DEPTH:
                raise invalid("body failed validation: filters can be nested at most 2 levels deep.")
            parts = spec[combinator]
            if not isinstance(parts, list):
                raise invalid(f"body failed validation: body.filter.{combinator} should be an array.")
            tests = [compile_filter(p, schema, depth + 1) for p in parts]
            if combinator == "and":
                return lambda values, meta: all(t(values, meta) for t in tests)
            return lambda values, meta: any(t(values, meta) for t in tests)
    if "timestamp" in spec:
        return _timestamp_filter(spec)
    if "property" not in spec:
        raise invalid("body failed validation: body.filter.property should be defined, instead was `undefined`.")
    prop = find_property(schema, spec["property"])
    kind = prop["type"]
    condition = spec.get(kind)
    if not isinstance(condition, dict) or len(condition) != 1:
        raise invalid(
            f"body failed validation: body.filter.{kind} should be defined with exactly one condition "
            f"for property {prop['name']} of type {kind}."
        )
    operator, operand = next(iter(condition.items()))
    test = _condition(kind, operator, operand, prop["name"])
    name = prop["name"]
    return lambda values, meta: test(values.get(name))


def _timestamp_filter(spec: dict[str, Any]) -> Predicate:
    """`{"timestamp": "created_time", "created_time": {"on_or_after": ...}}`: compared to the minute."""
    field = spec["timestamp"]
    if field not in TIMESTAMPS:
        raise failed("body.filter.timestamp", "`created_time` or `last_edited_time`", describe(field))
    condition = spec.get(field)
    if not isinstance(condition, dict) or len(condition) != 1:
        raise invalid(f"body failed validation: body.filter.{field} should be defined with exactly one condition.")
    operator, operand = next(iter(condition.items()))
    test = _condition("date", operator, operand, field)
    return lambda values, meta: test({"start": meta[field]})


def _condition(kind: str, operator: str, operand: Any, name: str) -> Callable[[Any], bool]:
    if operator == "is_empty":
        return lambda v: _is_empty(kind, v)
    if operator == "is_not_empty":
        return lambda v: not _is_empty(kind, v)
    if kind in ("title", "rich_text", *STRING_TYPES):
        return _text_condition(kind, operator, operand, name)
    if kind == "number":
        return _ordered_condition(operator, operand, name, kind, lambda v: v)
    if kind == "date":
        return _ordered_condition(
            {"before": "less_than", "after": "greater_than", "on_or_before": "less_than_or_equal_to",
             "on_or_after": "greater_than_or_equal_to"}.get(operator, operator),
            _parse_operand_date(operand, name), name, kind,
            lambda v: parse_date(v["start"]) if v else None,
        )
    if kind in ("select", "status"):
        if operator == "equals":
            return lambda v: v == operand
        if operator == "does_not_equal":
            return lambda v: v != operand
    if kind in ("multi_select", "relation"):
        if operator == "contains":
            return lambda v: operand in v
        if operator == "does_not_contain":
            return lambda v: operand not in v
    if kind == "checkbox":
        if operator == "equals":
            return lambda v: bool(v) == operand
        if operator == "does_not_equal":
            return lambda v: bool(v) != operand
    raise _unsupported(kind, operator, name)


def _text_condition(kind: str, operator: str, operand: Any, name: str) -> Callable[[Any], bool]:
    if not isinstance(operand, str):
        raise failed(f"body.filter.{kind}.{operator}", "a string", describe(operand))
    needle = operand.lower()

    def text(v: Any) -> str:
        return plain_text(v) if kind in ("title", "rich_text") else (v or "")

    checks: dict[str, Callable[[Any], bool]] = {
        "equals": lambda v: text(v) == operand,
        "does_not_equal": lambda v: text(v) != operand,
        "contains": lambda v: needle in text(v).lower(),
        "does_not_contain": lambda v: needle not in text(v).lower(),
        "starts_with": lambda v: text(v).lower().startswith(needle),
        "ends_with": lambda v: text(v).lower().endswith(needle),
    }
    if operator not in checks:
        raise _unsupported(kind, operator, name)
    return checks[operator]


def _ordered_condition(
    operator: str, operand: Any, name: str, kind: str, key: Callable[[Any], Any]
) -> Callable[[Any], bool]:
    if kind == "number" and (isinstance(operand, bool) or not isinstance(operand, (int, float))):
        raise failed(f"body.filter.number.{operator}", "a number", describe(operand))
    compare: dict[str, Callable[[Any, Any], bool]] = {
        "equals": lambda a, b: a == b,
        "does_not_equal": lambda a, b: a != b,
        "greater_than": lambda a, b: a > b,
        "less_than": lambda a, b: a < b,
        "greater_than_or_equal_to": lambda a, b: a >= b,
        "less_than_or_equal_to": lambda a, b: a <= b,
    }
    if operator not in compare or (kind == "date" and operator == "does_not_equal"):
        raise _unsupported(kind, operator, name)
    op = compare[operator]

    def test(value: Any) -> bool:
        current = key(value)
        if current is None:
            return operator == "does_not_equal"
        return op(current, operand)

    return test


def _parse_operand_date(operand: Any, name: str) -> Any:
    try:
        return parse_date(operand)
    except (TypeError, ValueError, AttributeError):
        raise invalid(f"body failed validation: body.filter.date for {name} should be an ISO 8601 date.") from None


def _is_empty(kind: str, value: Any) -> bool:
    if kind == "checkbox":
        return not value
    if kind in ("title", "rich_text"):
        return plain_text(value or []) == ""
    return value is None or value == [] or value == ""


def _unsupported(kind: str, operator: str, name: str) -> Exception:
    return invalid(
        f"body failed validation: body.filter.{kind}.{operator} is not a valid filter "
        f"for property {name} of type {kind}."
    )


def sort_key(spec: Any, schema: Schema) -> tuple[Callable[[Values, dict[str, Any]], Any], bool]:
    """(key over (values, page meta), descending) for one sort object; empty values sort last."""
    if not isinstance(spec, dict):
        raise invalid("body failed validation: body.sorts[] should be an object.")
    direction = spec.get("direction", "ascending")
    if direction not in ("ascending", "descending"):
        raise invalid("body failed validation: body.sorts[].direction should be `\"ascending\"` or `\"descending\"`.")
    descending = direction == "descending"
    if "timestamp" in spec:
        field = spec["timestamp"]
        if field not in ("created_time", "last_edited_time"):
            raise failed("body.sorts[].timestamp", "`created_time` or `last_edited_time`", describe(field))
        return (lambda values, meta: meta[field]), descending
    prop = find_property(schema, spec.get("property"))
    name, kind = prop["name"], prop["type"]

    def key(values: Values, meta: dict[str, Any]) -> Any:
        value = values.get(name)
        if kind in ("title", "rich_text"):
            value = plain_text(value or []) or None
        elif kind in STRING_TYPES:
            value = value or None
        elif kind == "date":
            value = parse_date(value["start"]) if value else None
        elif kind == "multi_select":
            value = ",".join(value) or None
        elif kind == "relation":
            value = len(value) or None
        return value.casefold() if isinstance(value, str) else value

    return key, descending


Row = tuple[Values, dict[str, Any]]  # property values, page meta (creation order, ...)


def apply_sorts(rows: list[Row], sorts: Any, schema: Schema) -> list[Row]:
    """Stable multi-key sort; rows start in creation order, which breaks ties."""
    if sorts is None:
        return rows
    if not isinstance(sorts, list):
        raise invalid("body failed validation: body.sorts should be an array.")
    for spec in reversed(sorts):
        key, descending = sort_key(spec, schema)
        present = [r for r in rows if key(*r) is not None]
        missing = [r for r in rows if key(*r) is None]
        present.sort(key=lambda r: key(*r), reverse=descending)
        rows = present + missing
    return rows
