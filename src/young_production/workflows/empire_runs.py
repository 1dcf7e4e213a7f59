"""What WF4 (review) and WF5 (prospecting) share: the run's period, the Empires a run takes,
an Empire as an entry, and where an Empire's reports go."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from .. import workspace_files
from ..errors import YPError
from ..records import Empire
from ..runtime import Runtime
from ..skills.empires import find_empire
from ..store.base import iter_records
from .args import EmpireArgs
from .engine.base import RunOptions
from .engine.durable import EntryRef

PROPOSED = "Proposed"  # Empire status WF5 gives the Empires it suggests: not reviewed unless named
_PERIOD = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def review_period(options: RunOptions) -> str:
    """The run's period: `--period` as given (a date, `2025-W23`, `2025-06`), else today's date (UTC)."""
    period = str(options.args_as(EmpireArgs).period or datetime.now(timezone.utc).date().isoformat())
    if not _PERIOD.match(period):
        raise YPError(f"period {period[:60]!r}: use letters, digits, '.', '_' or '-' (e.g. 2025-06-01 or 2025-W23)")
    return period


def select_empires(runtime: Runtime, options: RunOptions) -> list[Empire]:
    """`--empire` (a name, any case, or an id), else every Empire not merely proposed."""
    wanted = (options.args_as(EmpireArgs).empire or "").strip()
    if wanted:
        return [find_empire(runtime.store, wanted)]
    chosen = [e for e in iter_records(runtime.store, Empire) if (e.status or "") != PROPOSED]
    return chosen[: options.limit or None]


def empire_ref(empire: Empire, period: str, purpose: str, source: str | None = None) -> EntryRef:
    payload = {**empire.model_dump(mode="json"), "title": empire.name, "period": period, "source": source}
    return EntryRef(id=empire.id or "", title=empire.name, payload=payload, purpose=f"{purpose}-{period}")


def report_folder(root: Path, empire: Empire, period: str) -> Path:
    """`<workspace>/reports/<name>-<id>/<period>`: a name made safe for any file system."""
    slug = re.sub(r"[^a-z0-9]+", "-", empire.name.casefold()).strip("-")[:40] or "empire"
    tail = re.sub(r"[^A-Za-z0-9]", "", empire.id or "")[:8]
    return root / workspace_files.REPORTS_DIR.relpath / f"{slug}-{tail}" / period
