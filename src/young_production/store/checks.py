"""Argument checks of the Store interface, shared by every backend.

A call one store refuses, every store refuses, in the same words, before any
SQL runs or any request is sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..errors import StoreError
from ..records import Record

MAX_PAGE_SIZE = 100


def check_record_type(kept: Mapping[str, type[Record]], kind: type[Record]) -> None:
    """`kind` must be one of the record types the store keeps (by collection)."""
    if kept.get(getattr(kind, "collection", "")) is not kind:
        raise StoreError(f"{kind.__name__} is not a record type this store keeps")


def check_page_size(page_size: int) -> None:
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= MAX_PAGE_SIZE
    ):
        raise StoreError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size!r}")


def check_update_fields(kind: type[Record], names: Iterable[str]) -> None:
    """Only the record's own fields can be updated; `id` and `created_at` belong to the store."""
    kinds = kind.field_kinds()
    for name in names:
        if name in ("id", "created_at"):
            raise StoreError(f"{kind.collection}.{name} is set by the store and cannot be updated")
        if name not in kinds:
            raise StoreError(
                f"{kind.collection} has no field {name!r} to update (fields: {', '.join(kinds)})"
            )


def check_relation_targets(kind: type[Record], field_name: str, target_ids: Sequence[str]) -> None:
    """`add_relations` needs a relation field and a list of non-empty record ids."""
    field_kind = kind.field_kinds().get(field_name)
    if field_kind != "relation":
        raise StoreError(
            f"{kind.collection}.{field_name} is not a relation field"
            + (f" (it is {field_kind})" if field_kind else "")
        )
    if isinstance(target_ids, str) or not all(isinstance(t, str) and t for t in target_ids):
        raise StoreError(f"{kind.collection}.{field_name} takes a list of record ids")
