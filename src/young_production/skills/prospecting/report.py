"""The prospecting report (WF5): what was created and why, in WF4's formats.

Markdown with the chart beside it, one self-contained HTML page (chart inlined, no
outside requests, every title escaped), and the blocks of the Report record. One
report per Empire and period (`report:wf5:<empire>:<period>`), and one across
Empires (`report:wf5:across:<period>`) for the proposed Empires.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ...records import Block, Report, bullet, heading, paragraph
from ..performance.charts import COLOURS, score_bars
from ..performance.report import md_escape, page_opening, write_whole
from ...records import VideoFormat

SECTION = "Prospecting"
CHART_FILE = "prospecting_signals.png"
DUPLICATE_COLOUR = "#9aa0a6"


@dataclass
class ProspectingReport:
    title: str
    period: str
    generated_at: datetime
    summary: str
    sections: list[tuple[str, list[str]]]  # (heading, lines)
    chart: bytes = b""
    empire_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def markdown(self) -> str:
        lines = [f"# {md_escape(self.title)}", "", f"_Generated {self.generated_at:%Y-%m-%d %H:%M} UTC_", "",
                 "## Summary", "", md_escape(self.summary), ""]
        for title, items in self.sections:
            lines += [f"## {md_escape(title)}", ""] + [f"- {md_escape(item)}" for item in items] + [""]
        if self.chart:
            lines += ["## Signal strength", "", f"![Signal strength](charts/{CHART_FILE})", ""]
        return "\n".join(lines).rstrip() + "\n"

    def html(self) -> str:
        e = html.escape
        parts = page_opening(self.title, self.generated_at, self.summary)
        for title, items in self.sections:
            parts.append(f"<h2>{e(title)}</h2><ul>" + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul>")
        if self.chart:
            data = base64.b64encode(self.chart).decode("ascii")
            parts.append(f'<h2>Signal strength</h2><img alt="Signal strength" src="data:image/png;base64,{data}">')
        parts.append("</body></html>")
        return "\n".join(parts)

    def blocks(self) -> list[Block]:
        blocks = [heading("Summary"), paragraph(self.summary)]
        for title, items in self.sections:
            blocks.append(heading(title, 3))
            blocks += [bullet(item) for item in items[:90]]
        return blocks

    def record(self, scope: str) -> Report:
        return Report(title=self.title, key=f"report:wf5:{scope}:{self.period}", workflow="wf5", period=self.period,
                      empire_ids=[self.empire_id] if self.empire_id else [], summary=self.summary[:1900])


def idea_chart(ideas: Sequence[dict[str, Any]], duplicates: Sequence[dict[str, Any]]) -> bytes:
    """Each idea's signal score: created ones by format colour, near-duplicates grey."""
    rows = [(i["title"], i["score"], COLOURS[VideoFormat(i["format"])]) for i in ideas]
    rows += [(f"{d['title']} (duplicate)", d["score"], DUPLICATE_COLOUR) for d in duplicates]
    rows.sort(key=lambda row: -row[1])
    return score_bars(rows[:20], "Why these ideas: signal score", "score (sum of log2 of its findings' lifts)")


def save_prospecting_files(report: ProspectingReport, folder: Path) -> dict[str, Path]:
    """prospecting.md, prospecting.html and charts/prospecting_signals.png under `folder`."""
    (folder / "charts").mkdir(parents=True, exist_ok=True)
    written = {}
    if report.chart:
        written["chart"] = write_whole(folder / "charts" / CHART_FILE, report.chart)
    written["markdown"] = write_whole(folder / "prospecting.md", report.markdown().encode("utf-8"))
    written["html"] = write_whole(folder / "prospecting.html", report.html().encode("utf-8"))
    return written
