"""Real Studio 'Table data' exports, and files that are not one."""

from __future__ import annotations

import pickle
from datetime import datetime, timezone
from pathlib import Path

import pytest

from young_production.records import VideoFormat
from young_production.youtube.studio_csv import StudioExportError, read_studio_export
from young_production.youtube.studio_values import CellError, NumberConvention, parse_number

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
    assert php.engaged_views == 27102 and export.has_engaged_views
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
        ("other.csv", (STUDIO / "not_content_subscription_status.csv").read_bytes(),
         "no video id column (accepted: 'Content', 'Video', "),
        ("sheet.csv", b"Name,Email,Amount\nAnn,a@x.org,3\n",
         "no views column (accepted: 'Views', 'Video views', 'View count', 'Viewcount') (found: Name, Email, Amount)"),
        ("empty.csv", b"", "is empty"),
        ("blank.csv", b"\n\n  \n", "is empty"),
        ("picture.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "is not a text (CSV) file"),
        ("json.csv", b'{"videos": [{"id": "abcdefghijk", "views": 3}]}', "no video id column"),
        ("noviews.csv", b"Content,Video title\nabcdefghijk,A title\n", "no views column"),
        ("noids.csv", b"Content,Video title,Views\nTotal,,5\nnot an id,x,5\n", "no video rows"),
    ],
)
def test_files_that_are_not_exports_get_one_clear_line(name, data, message):
    with pytest.raises(StudioExportError) as caught:
        read_studio_export(data, name=name)
    text = str(caught.value)
    assert message in text and name in text and "\n" not in text
    assert str(pickle.loads(pickle.dumps(caught.value))) == text


def test_a_utf16_export_reads_like_its_utf8_original():
    original = (STUDIO / "areikher_content_shorts.csv").read_text(encoding="utf-8")
    again = read_studio_export(original.encode("utf-16"), name="utf16.csv")
    assert [(r.video_id, r.views) for r in again.rows] == [
        (r.video_id, r.views) for r in read_studio_export(STUDIO / "areikher_content_shorts.csv").rows]


def test_bad_rows_are_reported_not_dropped_silently():
    data = (b"Content,Video title,Views,Impressions click-through rate (%)\nTotal,,30,1.5\n"
            b"abcdefghijk,Good,\"1,200\",2.5\nbad id,Bad,3,1\nbcdefghijkl,Odd,n/a,1\ncdefghijklm,Fine,4,odd\n\n")
    export = read_studio_export(data, name="x.csv")
    assert [r.video_id for r in export.rows] == ["abcdefghijk", "cdefghijklm"]
    assert export.rows[0].views == 1200 and export.rows[1].ctr_percent is None
    assert [str(s) for s in export.skipped] == ["line 4: 'bad id' is not a YouTube video id",
                                                "line 5: Views: 'n/a' is not a number"]
    assert [str(w) for w in export.warnings] == [
        "line 6: Impressions click-through rate (%): 'odd' is not a number (left empty)"]
    assert (export.lines_read, export.blank_lines, export.total_lines) == (6, 1, 1)


def test_number_forms():
    dot, comma, unknown = NumberConvention.DOT_DECIMAL, NumberConvention.COMMA_DECIMAL, NumberConvention.UNKNOWN
    assert parse_number("-3") == -3 and parse_number("12,500") == 12500 and parse_number("0.0596") == 0.0596
    assert parse_number("") is None and parse_number("1,2", unknown) == 1.2 and parse_number("1 234 567", dot) == 1234567
    assert parse_number("12.500", comma) == 12500 and parse_number("12.500", dot) == 12.5
    assert parse_number("1.234.567,5", unknown) == 1234567.5 and parse_number("1,234,567", unknown) == 1234567
    for cell, convention in [("12.500", unknown), ("12,500", unknown), ("nan", dot), ("inf", dot), ("1,2,3", dot),
                             ("12,5", dot), ("1e", dot)]:
        with pytest.raises(CellError):
            parse_number(cell, convention)

