"""`yp backup DIR`: a consistent copy of the whole workspace (see `backup.py`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .output import console, emit_json, safe, workspace_of


def backup_command(
    ctx: typer.Context,
    target: Annotated[Path, typer.Argument(help="A new or empty folder outside the workspace.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print what was copied as JSON.")] = False,
) -> None:
    """Copy the whole workspace into DIR while nothing runs (SQLite files through SQLite's backup API).

    Refused while a run or worker uses the workspace; no run starts while it copies.
    """
    from ..backup import backup_workspace
    from .render import human_size

    result = backup_workspace(workspace_of(ctx), target)
    if as_json:
        emit_json(result.to_json())
        return
    console.print(
        f"backed up {result.files} files ({human_size(result.bytes)}; {len(result.sqlite_files)} SQLite databases "
        f"through the backup API) to {safe(str(result.target))}", highlight=False, soft_wrap=True,
    )

