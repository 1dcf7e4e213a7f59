"""`yp notion`: create the databases under a page, check them, or run a local emulator.

Mounted by the main app as `yp notion`; every command is a thin call into
`young_production.store.notion`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from ..config import Workspace
from ..errors import YPError
from .output import console, safe

notion_app = typer.Typer(
    no_args_is_help=True,
    help="Notion: create the databases under a page, check them, or run a local emulator.",
)


def _workspace(ctx: typer.Context) -> Workspace:
    root: Optional[Path] = None
    while ctx is not None and root is None:
        root = (ctx.obj or {}).get("workspace") if isinstance(ctx.obj, dict) else None
        ctx = ctx.parent  # type: ignore[assignment]
    return Workspace.resolve(root).require()


@notion_app.command("init")
def init_command(
    ctx: typer.Context,
    parent: Annotated[str, typer.Option("--parent", help="The Notion page (id or URL) to put the databases under.")],
    keep_store: Annotated[
        bool, typer.Option("--keep-store", help="Write the database ids but leave `store:` as it is.")
    ] = False,
) -> None:
    """Create Empires, Viral DNA, Productions and Reports under a page (reuses any already there)."""
    from ..store.notion.setup import DATABASE_TITLES, init_workspace

    workspace = _workspace(ctx)
    setups = init_workspace(workspace, parent, use_notion=not keep_store)
    for setup in setups:
        verb = "created" if setup.created else "found  "
        console.print(f"{verb} {DATABASE_TITLES.get(setup.collection, setup.collection):<12} {setup.database_id}")
    store_note = "" if keep_store else " and `store: notion`"
    console.print(f"[green]saved[/] the database ids{store_note} in {workspace.config_dir / 'databases.yaml'}")


@notion_app.command("check")
def check_command(ctx: typer.Context) -> None:
    """Check the key, access to each database, and every mapped property's presence and type."""
    from ..store.notion.client import NotionClient
    from ..store.notion.setup import check_databases
    from .render import schema_tables

    config = _workspace(ctx).store_config().notion
    client = NotionClient.from_config(config)
    try:
        infos = check_databases(client, config)
    finally:
        client.close()
    for table in schema_tables(infos):
        console.print(table)
    problems = [f"{i.collection}.{f.name}: {f.problem}" for i in infos for f in i.fields if not f.ok]
    if problems:
        for problem in problems:
            console.print(f"- {safe(problem)}", soft_wrap=True, highlight=False)
        console.print(f"[red]{len(problems)} problem(s)[/]: fix the databases or the names in config/databases.yaml")
        raise typer.Exit(1)
    console.print("[green]Notion is ready[/]: every database and property is in place")


@notion_app.command("emulate")
def emulate_command(
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port on 127.0.0.1 (0: any free port).")] = 8765,
    rate: Annotated[float, typer.Option(min=0, help="Requests/s before 429 answers (0: unlimited).")] = 3.0,
    latency_ms: Annotated[float, typer.Option("--latency-ms", min=0, help="Added to every request.")] = 0.0,
    fail_rate: Annotated[float, typer.Option(min=0, max=1, help="Share of requests answered with an error.")] = 0.0,
    fail_status: Annotated[
        list[int], typer.Option(help="Status for injected errors (repeatable): 409, 500, 502, 503, 504, 529.")
    ] = [500],  # noqa: B006 - Typer reads the default
    drop_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of writes applied but left unanswered.")
    ] = 0.0,
    api_key: Annotated[str, typer.Option(help="The key the emulator accepts.")] = "secret_yp_emulator",
) -> None:
    """Run a Notion API emulator on 127.0.0.1 (in memory; stops with Ctrl-C)."""
    from ..tools.notion_emulator import NotionEmulator

    try:
        emulator = NotionEmulator(port=port, rate=rate or None, latency=latency_ms / 1000, api_key=api_key)
        emulator.faults.configure(fail_rate=fail_rate, fail_statuses=fail_status, drop_rate=drop_rate)
    except OSError as exc:
        raise YPError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise YPError(str(exc)) from None
    for line in (
        f"Notion emulator on [bold]{emulator.base_url}[/] (rate {rate or 'unlimited'} req/s)",
        f"root page: {emulator.root_page_id}",
        "In another shell:",
        f"  export NOTION_BASE_URL={emulator.base_url} NOTION_API_KEY={api_key}",
        f"  yp notion init --parent {emulator.root_page_id} && yp notion check",
    ):
        console.print(line, soft_wrap=True, highlight=False)
    try:
        emulator.serve_forever()
    except KeyboardInterrupt:
        console.print("emulator stopped (its data is gone)")
    finally:
        emulator.stop()
