"""What every command shares for output: consoles, escaping of untrusted text, JSON.

Titles, transcripts, file names, error messages and everything else that came from
a page, a file or (in Notion mode) a collaborator are untrusted: printed as Rich
markup, `[/bold]` in a title would crash the command. `safe()` escapes such text
for markup strings; tables take `Text` cells, which are never parsed as markup.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.text import Text

from ..config import Workspace

console = Console()
errors = Console(stderr=True)


def safe(value: object) -> str:
    """Untrusted text, escaped for use inside a Rich markup string."""
    return escape(str(value))


def cell(value: object, style: str = "") -> Text:
    """A table cell that shows `value` literally, whatever brackets it holds."""
    return Text("-" if value is None or value == "" else str(value), style=style)


def short(text: str | None, width: int) -> str:
    if not text:
        return "-"
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def emit_json(data: Any) -> None:
    """Print `data` as JSON on stdout (no Rich formatting, so scripts can parse it)."""
    sys.stdout.write(json.dumps(data, indent=2, default=str, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def workspace_of(ctx: typer.Context) -> Workspace:
    """The workspace named by `-w` on the root command (or $YP_HOME, else ./young-workspace)."""
    root: Path | None = None
    while ctx is not None and root is None:
        root = (ctx.obj or {}).get("workspace") if isinstance(ctx.obj, dict) else None
        ctx = ctx.parent  # type: ignore[assignment]
    return Workspace.resolve(root)


def verbose_of(ctx: typer.Context) -> bool:
    while ctx is not None:
        if isinstance(ctx.obj, dict) and ctx.obj.get("verbose"):
            return True
        ctx = ctx.parent  # type: ignore[assignment]
    return False
