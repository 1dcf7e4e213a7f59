"""Real Studio 'Table data' exports, and files that are not one."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from pathlib import Path

import pytest

from young_production.youtube.studio_csv import StudioExportError, parse_number, read_studio_export

STUDIO = Path(__file__).resolve().parents[1] / "data" / "studio"


def test_rich_export_with_leading_space_ids_empty_dates_and_negative_subscribers():
    export = read_studio_export(STUDIO / "joshcirre_content.csv")
    assert export.total["Views"] == "1179894"  # the Total row is kept apart, not a video
    rows = {r.video_id: r for r in export.rows}
    assert len(rows) == 22 and "Total" not in rows
    assert "-HHGH-TTqYM" in rows and "-2B7awALB8c" in rows  # " -HHGH..." loses its space
    php = rows["6xFxE92I6Nk"]
    assert php.published_at == datetime(2024, 9, 27, tzinfo=timezone.utc)
    assert (php.views, php.duration_seconds, php.subscribers) == (27102, 978, 305)
    assert php.average_view_seconds == 4 * 60 + 23
    assert php.revenue == pytest.approx(56.827) and php.ctr_percent == pytest.approx(5.02)
    assert php.extra["Engaged views"] == "27102"
    assert rows["Gu83gy01gi4"].published_at is None  # unlisted or private: no publish date
    assert rows["Gu83gy01gi4"].revenue is None
    assert rows["S4CACnFQUxs"].subscribers == -2
    assert rows["0yVySrJq0BM"].title == 'I read "How to build a SaaS in a Weekend" | Josh Reacts'
    assert export.skipped == []


def test_default_columns_and_thousands_separators_read_the_same():
    plain = read_studio_export(STUDIO / "buildwithadi_content.csv")
    grouped = read_studio_export(STUDIO / "buildwithadi_thousands_separators.csv")
    assert [(r.video_id, r.views, r.impressions) for r in plain.rows] == [
        (r.video_id, r.views, r.impressions) for r in grouped.rows
    ]
    first = grouped.rows[0]
    assert (first.video_id, first.views, first.impressions) == ("oEDe6JMwL7Q", 58005, 797168)
    assert {r.video_id: r.subscribers for r in plain.rows}["WOhmKxVK2YA"] == -3


def test_shorts_export_with_other_columns():
    export = read_studio_export(STUDIO / "areikher_content_shorts.csv")
    rows = {r.video_id: r for r in export.rows}
    assert rows["F3HVs95pagk"].likes == 144 and rows["F3HVs95pagk"].views == 2775
    assert rows["-JTnUJTN2aI"].title == '"Harry Styles by Harry Styles" by Art by Alison #art #painting'
    assert rows["9aJrGiZpCy0"].published_at is None and rows["9aJrGiZpCy0"].duration_seconds == 179


def test_edited_spreadsheet_falls_back_to_the_added_date_column():
    export = read_studio_export(STUDIO / "oisinqueva_edited_spreadsheet.csv")
    assert export.rows[0].published_at == datetime(2023, 12, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("other.csv", (STUDIO / "not_content_subscription_status.csv").read_bytes(), "no 'Content' or 'Video title' column"),
        ("sheet.csv", b"Name,Email,Amount\nAnn,a@x.org,3\n", "no 'Content' or 'Video title' column (found: Name, Email, Amount)"),
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\n  \n", "is empty"),
        ("utf16.csv", (STUDIO / "areikher_content_shorts.csv").read_text(encoding="utf-8").encode("utf-16"), "not UTF-8"),
        ("nometric.csv", b"Content,Video title\nabcdefghijk,A title\n", "no metric column"),
        ("noids.csv", b"Content,Video title,Views\nTotal,,5\nnot an id,x,5\n", "no video rows"),
    ],
)
def test_files_that_are_not_exports_get_one_clear_line(name, data, message):
    with pytest.raises(StudioExportError) as caught:
        read_studio_export(data, name=name)
    text = str(caught.value)
    assert message in text and name in text and "\n" not in text
    assert str(pickle.loads(pickle.dumps(caught.value))) == text


def test_bad_rows_are_reported_not_dropped_silently():
    data = b"Content,Video title,Views\nTotal,,30\nabcdefghijk,Good,\"1,200\"\nbad id,Bad,3\nbcdefghijkl,Odd,n/a\n"
    export = read_studio_export(data, name="x.csv")
    assert [r.video_id for r in export.rows] == ["abcdefghijk", "bcdefghijkl"]
    assert export.rows[0].views == 1200 and export.rows[1].views is None
    assert export.skipped == ["line 4: 'bad id' is not a YouTube video id", "line 5: Views 'n/a' is not a number (left empty)"]


def test_number_forms():
    assert parse_number("-3") == -3 and parse_number("12,500") == 12500 and parse_number("0.0596") == 0.0596
    assert parse_number("") is None and parse_number("1,2") is None and parse_number("nan") is None
