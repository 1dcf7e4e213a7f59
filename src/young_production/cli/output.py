"""What every command shares for output: consoles, escaping of untrusted text, JSON.

Titles, transcripts, file names, error messages and everything else that came from
a page, a file or (in Notion mode) a collaborator are untrusted: printed as Rich
markup, `[/bold]` in a title would crash the command, and a terminal control sequence
in it would act on the reader's terminal. `safe()` escapes such text for markup
strings; tables take `cell()`s, which are never parsed as markup. Both show control
characters visibly (`sanitise.visible`), as do the consoles below.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.text import Text

from ..config import Workspace
from .sanitise import SafeConsole, json_text, visible

console = SafeConsole()
errors = SafeConsole(stderr=True)


def safe(value: object) -> str:
    """Untrusted text, escaped for use inside a Rich markup string."""
    return escape(visible(value))


def cell(value: object, style: str = "") -> Text:
    """A table cell that shows `value` literally, whatever brackets or control characters it holds."""
    return Text("-" if value is None or value == "" else visible(value), style=style)


def short(text: str | None, width: int) -> str:
    """`text` on one line, at most `width` characters, cut at the end with "…" (control characters shown)."""
    if not text:
        return "-"
    text = " ".join(visible(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def emit_json(data: Any) -> None:
    """Print `data` as JSON on stdout (no Rich formatting, so scripts can parse it)."""
    sys.stdout.write(json_text(data) + "\n")
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
