"""S13 report: facts, rule review, Markdown/HTML, charts with pixels, the Reports record on both stores."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.skills.performance.report_data import HOSTILE, NOW, report_inputs
from tests.store.conftest import STORE_FACTORIES
from young_production.ai.rules.provider import RuleProvider
from young_production.records import Empire, Report, VideoFormat
from young_production.skills.performance.outliers import VideoPoint, score_videos
from young_production.ai.base import AIRequest
from young_production.skills.performance.report import (
    EmpireReviewAnswer,
    build_report,
    factual_summary,
    save_report_files,
    store_report,
)
from young_production.store.base import Store, iter_records


@pytest.fixture(scope="module")
def report():
    empire, points, scores, lifts = report_inputs()
    return build_report(empire, points, scores, lifts, provider=RuleProvider(), period="2025-05",
                        generated_at=NOW, notes=["YouTube API: 7 units this run"])


def colour_share(png: bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> float:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.getdata())
    close = sum(1 for p in pixels if all(abs(a - b) <= tolerance for a, b in zip(p, rgb)))
    return close / len(pixels)


def test_facts_and_rule_review_state_the_numbers(report):
    formats = report.facts["formats"]
    assert formats["video"]["videos"] == 30 and formats["short"]["too_early"] == 1
    assert formats["video"]["top"][0]["video_id"] in ("L11", "L24")
    assert "30 long videos" in report.summary and "too early to score" in report.summary
    assert report.review.review == report.summary  # the rule provider states the facts, nothing more
    assert report.usage.cost_usd == 0
    strong = [p for p in report.facts["patterns"] if p["pattern"].startswith("hook pattern: question")]
    assert strong and strong[0]["lift"] > 1


def test_charts_are_pngs_with_both_formats_drawn(report):
    for png in report.charts.values():
        assert png.startswith(b"\x89PNG")
    outliers = report.charts["outliers"]
    assert colour_share(outliers, (0x1A, 0x73, 0xE8)) > 0.01  # long-video bars
    assert colour_share(outliers, (0xE8, 0x71, 0x0A)) > 0.005  # Shorts bars
    assert colour_share(report.charts["views"], (0xE8, 0x71, 0x0A)) > 0.001


def test_html_is_self_contained_and_escapes_titles(report):
    page = report.html()
    assert page.count('src="data:image/png;base64,') == 3
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "Money Habits &lt;Lab&gt;" in page


def test_markdown_escapes_and_links_chart_files(report, tmp_path):
    text = report.markdown()
    assert "![Outlier scores](charts/outlier_scores.png)" in text
    assert HOSTILE not in text and r"\[link\]\(http://evil.example\)" in text
    written = save_report_files(report, tmp_path / "reports" / "money")
    assert {p.name for p in written.values()} == {
        "views_over_time.png", "outlier_scores.png", "pattern_lift.png", "report.md", "report.html"}
    assert not list((tmp_path / "reports" / "money").rglob("*.partial"))


@pytest.fixture(params=sorted(STORE_FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with STORE_FACTORIES[request.param](tmp_path) as opened:
        yield opened


def test_report_record_is_linked_to_the_empire_and_refreshed_not_duplicated(store, report):
    empire = store.create(Empire(name="Money Habits <Lab>"))
    report.empire_id = empire.id
    first = store_report(store, report)
    again = store_report(store, report)
    assert first.id == again.id
    reports = list(iter_records(store, Report))
    assert len(reports) == 1 and reports[0].empire_ids == [empire.id] and reports[0].workflow == "wf4"
    body = store.read_body(first.id)
    texts = [b.text for b in body]
    assert texts.count("Summary") == 1 and any("hook pattern: question" in t for t in texts)


def test_summary_once_and_the_data_source_first(tmp_path):
    empire, points, scores, lifts = report_inputs()
    report = build_report(empire, points, scores, lifts, provider=RuleProvider(), period="2025-05", generated_at=NOW,
                          source="Data: Studio export, counts as of 2025-06-01")
    text = report.markdown()
    body = [line for line in text.splitlines()[1:] if line.strip()]
    assert body[0] == "**Data: Studio export, counts as of 2025-06-01**"
    first_sentence = report.summary.split(";")[0]  # "30 long videos, median ... views": no Markdown escapes
    assert text.count(first_sentence) == 1 and "## Review" not in text
    page = report.html()
    assert page.count(first_sentence) == 1 and page.index("Studio export") < page.index("Generated")
    blocks = report.blocks()
    assert "Studio export" in str(blocks[0]) and sum(first_sentence in str(b) for b in blocks) == 1


def test_young_videos_never_head_the_report():
    empire, points, scores, lifts = report_inputs()
    young = VideoPoint("young", NOW - timedelta(days=12), 90_000.0, VideoFormat.VIDEO, NOW, "Young hit")
    scores = score_videos([*points, young])
    report = build_report(empire, [*points, young], scores, lifts, provider=RuleProvider(), period="2025-05",
                          generated_at=NOW)
    long = report.facts["formats"]["video"]
    assert scores["young"].young and scores["L29"].young  # L29 is 26 days old
    assert long["young"] == 2 and long["young_top"][0]["video_id"] == "young"
    assert "young" not in [s["video_id"] for s in long["top"]] and "Young hit" not in report.summary
    assert "2 young (under 30 days, not in the headline)" in report.summary
    assert "## Young long videos (under 30 days: not yet comparable)" in report.markdown()
    assert "Young hit" in report.html().split("Young long videos")[1]


def test_the_headline_pattern_is_a_winner_and_a_lift_one_video_carries_is_said():
    def fact(pattern: str, lift: float, low: float, high: float, holds: bool = True, without: float = 2.0) -> dict:
        return {"pattern": pattern, "lift": lift, "low": low, "high": high, "videos": 5, "evidence": "strong",
                "holds": holds, "without_top": without, "top_title": "The 19x one"}

    losing = factual_summary({"formats": {}, "patterns": [fact("topic: focus", 0.34, 0.25, 0.47)]})
    assert "Strongest pattern" not in losing and "none lifts the videos" in losing
    carried = factual_summary({"formats": {}, "patterns": [fact("hook pattern: statement", 2.37, 1.3, 6.9, False, 1.12)]})
    assert "Strongest pattern: hook pattern: statement at 2.37x" in carried
    assert 'Without its biggest video ("The 19x one") its lift is 1.12x, below 1.5x' in carried
    steps = EmpireReviewAnswer.answer_by_rules(AIRequest(skill="S13", instructions="", data="", inputs={"facts": {
        "formats": {}, "patterns": [fact("hook pattern: statement", 2.37, 1.3, 6.9, False, 1.12)]}}))["next_steps"]
    assert steps == []  # a lift one video carries is no advice
