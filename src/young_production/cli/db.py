"""`yp db`: the store's live schema, sample data, and clearing it."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ..errors import YPError
from .output import console, emit_json, workspace_of

db_app = typer.Typer(no_args_is_help=True, help="The store: inspect its schema, load sample data, clear it.")


@db_app.command("inspect")
def db_inspect(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the schema as JSON.")] = False,
) -> None:
    """Show the live schema of every collection and any mismatch with what we expect."""
    from dataclasses import asdict

    from ..runtime import open_store
    from .render import schema_tables

    store = open_store(workspace_of(ctx).require())
    try:
        infos = store.inspect()
    finally:
        store.close()
    if as_json:
        emit_json([asdict(i) for i in infos])
    else:
        for table in schema_tables(infos):
            console.print(table)
    if any(not f.ok for i in infos for f in i.fields):
        raise typer.Exit(1)


@db_app.command("sample")
def db_sample(ctx: typer.Context) -> None:
    """Load a small set of sample Empires, Viral DNA and Productions (idempotent)."""
    from ..runtime import open_store
    from ..store.sample_data import load_sample_data

    store = open_store(workspace_of(ctx).require())
    try:
        counts = load_sample_data(store)
    finally:
        store.close()
    created = ", ".join(f"{k} {v}" for k, v in counts.items())
    console.print(f"sample data in place (created now: {created})")


@db_app.command("clear")
def db_clear(
    ctx: typer.Context,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete every record (Notion: move to trash). Asks first."""
    from ..runtime import open_store
    from ..store.maintenance import clear_store, count_records

    store = open_store(workspace_of(ctx).require())
    try:
        counts = count_records(store)
        total = sum(counts.values())
        if total == 0:
            console.print("nothing to clear")
            return
        summary = ", ".join(f"{k} {v}" for k, v in counts.items())
        if not yes:
            if not sys.stdin.isatty():
                raise YPError("refusing to clear without confirmation: pass --yes")
            typer.confirm(f"Delete {total} records ({summary}) from the {store.name} store?", abort=True)
        removed = clear_store(store)
    finally:
        store.close()
    console.print(f"cleared {removed} records")
