"""S13 charts as PNG bytes, drawn with matplotlib's object API on the Agg canvas.

No pyplot: figures are plain objects, so drawing is thread-safe and sets no global
backend. matplotlib is imported inside the functions (it costs ~0.3 s to load).
Colours: Shorts orange, long videos blue, in every chart.

Titles are untrusted text, never markup: every text on a figure is drawn with
mathtext off (a title like "I spent $100 on ^_^ and $5" is drawn as written, where
mathtext would raise or garble it). Every text is set in Noto Sans with fallbacks
for emoji, symbols, the scripts Latin faces lack and CJK, from the PyPI packages
`manimgx-fonts` and `noto-cjk-sans-jp-regular` (SIL OFL 1.1); when they are not
installed, matplotlib's DejaVu Sans draws what it can.
"""

from __future__ import annotations

import functools
import io
import math
import warnings
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

from ...records import VideoFormat
from .outliers import OutlierScore, VideoPoint
from .patterns import PatternLift

COLOURS = {VideoFormat.SHORT: "#e8710a", VideoFormat.VIDEO: "#1a73e8"}
LABELS = {VideoFormat.SHORT: "Shorts", VideoFormat.VIDEO: "Long videos"}
MAX_BARS = 30  # per format in the outlier chart: the newest scored videos
FONT_PACKAGES = ("manimgx_fonts", "noto_cjk_sans_jp_regular")  # wide coverage, SIL OFL 1.1
FONT_SUFFIXES = (".ttf", ".otf")
FIRST_FAMILY = "Noto Sans"
LAST_FAMILY = "DejaVu Sans"  # matplotlib's own: always there
BASELINE_LABEL = "baseline: 1x the median of its peers"
RATIO_FLOOR = 0.01  # a video with (almost) no views still gets a visible bar on the log scale
YOUNG_HATCH = "//"


@functools.cache
def font_families() -> tuple[str, ...]:
    """The font families every chart text is set in, first choice first (fallbacks per character).

    The fonts of `FONT_PACKAGES` are added to matplotlib's font manager once per process;
    a package that is not installed is skipped.
    """
    from matplotlib import font_manager

    found: list[str] = []
    for package in FONT_PACKAGES:
        try:
            folder = resources.files(package)
        except ModuleNotFoundError:
            continue
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(FONT_SUFFIXES) and "Italic" not in entry.name:
                font_manager.fontManager.addfont(str(entry))
                found.append(font_manager.FontProperties(fname=str(entry)).get_name())
    ordered = sorted(dict.fromkeys(found), key=lambda name: name != FIRST_FAMILY)  # Noto Sans first
    return (*ordered, LAST_FAMILY)


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def plain_text(figure: Any) -> Any:
    """Every text of `figure` drawn as written (mathtext off) in the wide-coverage fonts."""
    from matplotlib.text import Text

    families = list(font_families())
    for text in figure.findobj(Text):
        text.set_parse_math(False)
        text.set_fontfamily(families)
    return figure


def _png(figure: Any) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(plain_text(figure))
    buffer = io.BytesIO()
    with warnings.catch_warnings():  # a character no installed font has: drawn as a box, not an error
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        figure.savefig(buffer, format="png", facecolor="white")
    return buffer.getvalue()


def views_over_time(points: Sequence[VideoPoint]) -> bytes:
    """Views of every video by publish date, Shorts and long apart, log scale."""
    figure = _figure(9, 4)
    axes = figure.add_subplot()
    for fmt in (VideoFormat.VIDEO, VideoFormat.SHORT):
        chosen = sorted((p for p in points if p.format is fmt), key=lambda p: p.published_at)
        if chosen:
            axes.plot([p.published_at for p in chosen], [max(p.views, 1) for p in chosen], "o-",
                      color=COLOURS[fmt], label=f"{LABELS[fmt]} ({len(chosen)})", markersize=4, linewidth=1)
    axes.set_yscale("log")
    _plain_log_ticks(axes.yaxis)
    axes.set_ylabel("views")
    axes.set_title("Views by publish date")
    axes.grid(True, alpha=0.3)
    if points:
        axes.legend(loc="upper left")
    figure.autofmt_xdate()
    return _png(figure)


def outlier_scores(points: Sequence[VideoPoint], scores: Mapping[str, OutlierScore]) -> bytes:
    """Each scored video's outlier ratio with its interval; one panel per format (see `outlier_figure`)."""
    return _png(outlier_figure(points, scores))


def outlier_figure(points: Sequence[VideoPoint], scores: Mapping[str, OutlierScore]) -> Any:
    """Bars from the baseline (1x, the median of the video's peers) to each ratio, on a log scale.

    A log scale keeps a 368x video from flattening every other bar: 0.5x and 2x stand
    as far below and above the baseline. Young videos (under 30 days, lifetime views)
    are hatched: their bars are not yet comparable.
    """
    formats = [f for f in (VideoFormat.VIDEO, VideoFormat.SHORT)
               if any(p.format is f and _scored(scores.get(p.video_id)) for p in points)]
    figure = _figure(9, 3.2 * max(1, len(formats)))
    if not formats:
        axes = figure.add_subplot()
        axes.text(0.5, 0.5, "no scored videos yet", ha="center", va="center")
        axes.set_axis_off()
        return figure
    panels = figure.subplots(len(formats), 1, squeeze=False)[:, 0]
    for axes, fmt in zip(panels, formats):
        chosen = sorted((p for p in points if p.format is fmt and _scored(scores.get(p.video_id))),
                        key=lambda p: p.published_at)[-MAX_BARS:]
        ratios = [max(scores[p.video_id].ratio or 0.0, RATIO_FLOOR) for p in chosen]
        lows = [r - max(_ratio_bound(scores[p.video_id], "low") or r, RATIO_FLOOR) for r, p in zip(ratios, chosen)]
        highs = [(_ratio_bound(scores[p.video_id], "high") or r) - r for r, p in zip(ratios, chosen)]
        positions = list(range(len(chosen)))
        young = [scores[p.video_id].young for p in chosen]
        axes.bar(positions, [r - 1.0 for r in ratios], bottom=1.0, color=COLOURS[fmt], alpha=0.85,
                 hatch=[YOUNG_HATCH if y else "" for y in young], edgecolor="white")
        axes.errorbar(positions, ratios, yerr=[lows, highs], fmt="none", ecolor="#333333", capsize=2, linewidth=1)
        axes.axhline(1.0, color="#202124", linestyle="--", linewidth=1.2, label=BASELINE_LABEL)
        axes.set_yscale("log")
        low, high = axes.get_ylim()
        _plain_log_ticks(axes.yaxis, math.log10(high / low))
        axes.set_xticks(positions, [_short(p.title or p.video_id) for p in chosen], rotation=60,
                        ha="right", fontsize=7)
        axes.set_ylabel("x peers' baseline (log)")
        axes.set_title(f"Outlier scores: {LABELS[fmt]} (newest {len(chosen)})"
                       + (" - hatched: young, not yet comparable" if any(young) else ""))
        axes.legend(loc="upper left", fontsize=7)
        axes.grid(True, axis="y", alpha=0.3)
    return figure


def pattern_lift(lifts: Sequence[PatternLift], limit: int = 15) -> bytes:
    """Each pattern's lift with its interval (log scale), count in the label; 1x marked."""
    chosen = list(lifts)[:limit]
    figure = _figure(9, max(2.5, 0.4 * len(chosen) + 1.2))
    axes = figure.add_subplot()
    if not chosen:
        axes.text(0.5, 0.5, "no pattern on enough scored videos yet", ha="center", va="center")
        axes.set_axis_off()
        return _png(figure)
    chosen = chosen[::-1]  # best at the top
    rows = range(len(chosen))
    lifts_ = [p.lift for p in chosen]
    axes.errorbar(lifts_, rows, xerr=[[p.lift - p.low for p in chosen], [p.high - p.lift for p in chosen]],
                  fmt="o", color="#1a73e8", ecolor="#333333", capsize=3)
    axes.axvline(1.0, color="#555555", linestyle="--", linewidth=1)
    axes.set_xscale("log")
    _plain_log_ticks(axes.xaxis)
    axes.set_yticks(list(rows), [f"{_short(p.label, 40)} (n={p.count})" for p in chosen], fontsize=8)
    axes.set_xlabel(f"lift vs the Empire's other videos ({chosen[0].confidence * 100:.0f}% interval)")
    axes.set_title("Which DNA patterns win")
    axes.grid(True, axis="x", alpha=0.3)
    return _png(figure)


def _plain_log_ticks(axis: Any, decades: float = 0.0) -> None:
    """'2', '1,000' on a log axis instead of '2x10^0'; 1-2-5 steps, powers of ten only over many decades."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axis.set_major_locator(LogLocator(base=10, subs=(1.0,) if decades > 3 else (1.0, 2.0, 5.0)))
    axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.10g}"))
    axis.set_minor_formatter(NullFormatter())


def _scored(score: OutlierScore | None) -> bool:
    return score is not None and score.status == "scored" and score.ratio is not None


def _ratio_bound(score: OutlierScore, which: str) -> float | None:
    """The interval bound on the ratio scale, whatever the method's own offset."""
    bound = getattr(score, which)
    if bound is None or score.score is None or score.ratio is None:
        return None
    return bound - score.score + score.ratio


def _short(text: str, width: int = 28) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "\u2026"


def score_bars(rows: Sequence[tuple[str, float, str]], title: str, xlabel: str) -> bytes:
    """Horizontal bars, best at the top: (label, value, colour) per row (WF5's idea strengths)."""
    figure = _figure(9, max(2.5, 0.4 * len(rows) + 1.2))
    axes = figure.add_subplot()
    if not rows:
        axes.text(0.5, 0.5, "nothing to show yet", ha="center", va="center")
        axes.set_axis_off()
        return _png(figure)
    shown = list(rows)[::-1]
    positions = range(len(shown))
    axes.barh(list(positions), [value for _, value, _ in shown], color=[colour for _, _, colour in shown])
    axes.set_yticks(list(positions), [_short(label, 48) for label, _, _ in shown], fontsize=8)
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    axes.grid(True, axis="x", alpha=0.3)
    return _png(figure)
