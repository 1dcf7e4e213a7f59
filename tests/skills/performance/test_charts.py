"""S13 charts: untrusted titles are drawn as written, outliers on a log scale, fonts that cover titles."""

from __future__ import annotations

import io
import warnings
from datetime import timedelta

import pytest

from tests.skills.performance.report_data import NOW
from young_production.records import VideoFormat
from young_production.skills.performance import charts
from young_production.skills.performance.outliers import VideoPoint, score_videos
from young_production.skills.performance.patterns import PatternLift

DOLLARS = "I spent $100 on ^_^ and $5"


def channel(titles: dict[int, str]) -> list[VideoPoint]:
    views = [1000.0 + 37 * (i % 5) for i in range(20)]
    views[12] = 368_000.0  # one huge outlier must not flatten the rest
    views[15] = 300.0
    return [VideoPoint(f"v{i}", NOW - timedelta(days=200 - 9 * i), v, VideoFormat.VIDEO, NOW,
                       titles.get(i, f"Video {i}")) for i, v in enumerate(views)]


def test_titles_with_dollar_signs_are_drawn_as_written_in_every_chart():
    points = channel({12: DOLLARS, 15: "Pay $5, get $10 back"})
    scores = score_videos(points)
    lift = PatternLift(feature="niche tag", value="$$ money $x^2$", count=4, others=6, lift=2.0, low=1.2, high=3.1,
                       confidence=0.9)
    for png in (charts.outlier_scores(points, scores), charts.views_over_time(points),
                charts.pattern_lift([lift]), charts.score_bars([(DOLLARS, 1.5, "#1a73e8")], DOLLARS, "x")):
        assert png.startswith(b"\x89PNG")
    figure = charts.plain_text(charts.outlier_figure(points, scores))
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert any(label.startswith("I spent $100 on ^_^") for label in labels)
    assert all(not t.get_parse_math() for t in figure.axes[0].get_xticklabels())


def test_outlier_chart_is_log_scaled_with_the_baseline_marked():
    points = channel({})
    scores = score_videos(points)
    axes = charts.outlier_figure(points, scores).axes[0]
    assert axes.get_yscale() == "log"
    baseline = [line for line in axes.get_lines() if list(line.get_ydata()) == [1.0, 1.0]]
    assert baseline and "baseline" in baseline[0].get_label()
    bars = axes.patches
    heights = sorted(abs(b.get_height()) for b in bars)
    # every scored video drawn from 1x, the 368x one included
    assert len(bars) == sum(s.status == "scored" for s in scores.values()) and heights[-1] > 100
    below = [b for b in bars if b.get_height() < 0]  # the 300-view video sits below the baseline
    assert below and below[0].get_y() == pytest.approx(1.0)


def test_wide_coverage_fonts_draw_emoji_and_other_scripts_without_missing_glyphs():
    pytest.importorskip("manimgx_fonts")
    pytest.importorskip("noto_cjk_sans_jp_regular")
    families = charts.font_families()
    assert families[0] == "Noto Sans"
    assert {"Noto Emoji", "Noto Sans Devanagari", "Noto Sans CJK JP"} <= set(families)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(6, 1))
    figure.add_subplot().set_title("Bach vs 🔥 हिन्दी गाना ★ 한국어 中文 日本語 ελληνικά русский")
    FigureCanvasAgg(charts.plain_text(figure))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning: here it fails the test
        figure.savefig(io.BytesIO(), format="png")
