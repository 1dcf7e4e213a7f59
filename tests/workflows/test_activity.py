"""What running entries are doing, for the progress display: steps by name, transcription by the clock."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.progress import Progress

from young_production.cli.render import ActivityColumn
from young_production.config import TranscriptionConfig
from young_production.media.scrape import ScrapedContent
from young_production.records import SourceType
from young_production.tools.sample_server import samples_dir
from young_production.workflows.engine import activity
from young_production.workflows.engine.cpu_pool import CpuPool


def test_the_board_says_what_each_running_entry_does_in_words() -> None:
    activity.start("e1", "A [bold]long[/] reference")
    activity.step("e1", activity.step_words("wf1.read"))
    activity.step("nobody", "ignored: not on the board")
    assert activity.now() == [("A [bold]long[/] reference", "reading the source")]
    activity.step("e1", activity.transcribing(133, 221))
    assert activity.now()[0][1] == "transcribing 2:13 of 3:41"
    assert activity.transcribing(3725, None) == "transcribing 1:02:05"
    progress = Progress(ActivityColumn(), console=Console(width=120, record=True))
    task = progress.add_task("WF1", total=2, last="")
    shown = progress.columns[0].render(progress.tasks[task])
    assert shown.plain == "A [bold]long[/] reference: transcribing 2:13 of 3:41"  # titles never as markup
    activity.end("e1")
    assert activity.now() == []


@pytest.mark.slow
def test_a_transcription_in_the_pool_reports_how_far_it_has_got() -> None:
    pool = CpuPool(TranscriptionConfig(), size=1)
    speech = ScrapedContent("story", SourceType.MEDIA, audio_path=samples_dir() / "speech" / "story.mp4",
                            duration=60.0)
    heard: list[tuple[float, float | None]] = []
    try:
        transcript = pool.transcribe(speech, on_progress=lambda done, total: heard.append((done, total)))
    finally:
        pool.close()
    assert transcript.segments and heard, "no progress was reported"
    assert [done for done, _ in heard] == sorted(done for done, _ in heard)
    assert all(total == 60.0 for _, total in heard) and heard[-1][0] <= transcript.segments[-1].end + 1


def test_the_progress_line_stays_one_line_at_80_columns() -> None:
    """A long title ends in "…" on the bar's line instead of wrapping under it."""
    import io

    from young_production.cli.render import RichReporter
    from young_production.workflows.engine.base import EntryOutcome

    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=False)
    reporter = RichReporter(console, "WF1")
    reporter.start(2)
    reporter.entry_done(EntryOutcome(id="a", title="From 47 subscribers to a million views (speech clip, no captions)",
                                     status="done"))
    reporter.finish()
    lines = [line for line in out.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith("WF1") and "1/2" in lines[0] and lines[0].rstrip().endswith("…")
    assert console.measure(lines[0]).maximum <= 80
