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



HEADER = b"Content,Video title,Video publish time,Duration,Views,Likes\n"


def test_the_hostile_round_every_line_is_imported_or_skipped_with_its_reason():
    data = HEADER + (
        b"Total,,,,99,9\n"
        b"aaaaaaaaaaa,One,\"Jan 5, 2025\",300,1200,10\n"
        b"bbbbbbbbbbb,\"Unclosed,\"Jan 6, 2025\",300,1300,11\n"  # line 4: the quote never closes
        b"ccccccccccc,Three,\"Jan 7, 2025\",300,-500,12\n"
        b"ddddddddddd,Four,\"Jan 8, 2025\",300,1e308,13\n"
        b"eeeeeeeeeee,Five,\"Jan 9, 2025\",300,200000000000,14\n"
        b"aaaaaaaaaaa,One again,\"Jan 5, 2025\",300,1500,10\n"  # line 8: a duplicate with higher counts
        b"fffffffffff,Six,not a date,300,100,1\n"
        b"ggggggggggg,=HYPERLINK(\"http://x.example\"),\"Jan 10, 2025\",300,100,1\n"
        b"hhhhhhhhhhh,Blank views,\"Jan 11, 2025\",300,,1\n"
        b"  iiiiiiiiiii  ,Spaced id,\"Jan 12, 2025\",300,100,1\n"
    )
    export = read_studio_export(data, name="hostile.csv")
    assert [(r.video_id, r.line, r.views) for r in export.rows] == [
        ("aaaaaaaaaaa", 8, 1500), ("ggggggggggg", 10, 100), ("iiiiiiiiiii", 12, 100)]
    assert [str(s) for s in export.skipped] == [
        "line 3: video aaaaaaaaaaa is also on line 8: kept line 8 (higher counts)",
        "line 4: malformed quote: a quoted cell is not closed properly on this line",
        "line 5: Views: -500 is negative (a count cannot be)",
        "line 6: Views: 1e+308 is implausible (more than 10^11)",
        "line 7: Views: 2e+11 is implausible (more than 10^11)",
        "line 9: publish date 'not a date' is not a date",
        "line 11: Views is blank",
    ]
    assert export.rows[1].title == '=HYPERLINK("http://x.example")'  # kept as text, never evaluated
    assert (export.lines_read, export.total_lines, len(export.rows) + len(export.skipped) + 1) == (11, 1, 11)


def test_locale_numbers_follow_the_files_evident_convention_or_are_refused():
    comma = HEADER.replace(b",Likes", b",Watch time (hours)") + (
        b"aaaaaaaaaaa,A,2025-01-05,300,12.500,\"3,25\"\nbbbbbbbbbbb,B,2025-01-06,300,1.234.567,\"0,5\"\n")
    rows = read_studio_export(comma, name="de.csv").rows
    assert [(r.views, r.watch_hours) for r in rows] == [(12500, 3.25), (1234567, 0.5)]
    dot = HEADER + b"aaaaaaaaaaa,A,2025-01-05,300,12.500,1\nbbbbbbbbbbb,B,2025-01-06,300.25,100,1\n"
    export = read_studio_export(dot, name="en.csv")  # 300.25: a decimal dot, so 12.500 views is 12.5: refused
    assert [str(s) for s in export.skipped] == ["line 2: Views: 12.5 is not a whole number"]
    unclear = HEADER + b"aaaaaaaaaaa,A,2025-01-05,300,12.500,1\nbbbbbbbbbbb,B,2025-01-06,300,100,1\n"
    assert [str(s) for s in read_studio_export(unclear, name="x.csv").skipped] == [
        "line 2: Views: '12.500' is ambiguous: nothing else in the file shows whether '.' groups thousands"]


def test_day_and_month_order_is_decided_per_column_by_its_values():
    def dates(*cells: str) -> list:
        body = b"".join(f"abcdefghij{i},T{i},\"{c}\",300,{100 + i},1\n".encode() for i, c in enumerate(cells))
        export = read_studio_export(HEADER + body, name="d.csv")
        return [r.published_at.date().isoformat() if r.published_at else None for r in export.rows], \
            [str(s) for s in export.skipped]

    assert dates("05/01/2025", "25/12/2024") == (["2025-01-05", "2024-12-25"], [])  # 25 > 12: day first
    assert dates("05/01/2025", "12/25/2024") == (["2025-05-01", "2024-12-25"], [])  # month first
    assert dates("7-16-2020", "08-05-2020") == (["2020-07-16", "2020-08-05"], [])
    assert dates("2025-01-05", "Jan 5, 2021", "5 Jan 2021", "2025-01-05T10:00:00Z") == (
        ["2025-01-05", "2021-01-05", "2021-01-05", "2025-01-05"], [])
    assert dates("05/01/2025", "06/02/2025", "2025-03-01") == (["2025-03-01"], [
        "line 2: publish date '05/01/2025' is ambiguous: no date in its column shows whether the day or the month "
        "comes first",
        "line 3: publish date '06/02/2025' is ambiguous: no date in its column shows whether the day or the month "
        "comes first"])


def test_the_2022_layout_with_bom_video_column_and_broken_bytes_reads_whole():
    export = read_studio_export(STUDIO / "full" / "kenjee.csv")
    assert export.columns[0] == "Video" and len(export.rows) == 223 and export.skipped == []
    assert (export.lines_read, export.total_lines) == (224, 1)
    rows = {r.video_id: r for r in export.rows}
    best = rows["4OZip0cgOho"]
    assert best.views == 1253559 and best.published_at == datetime(2020, 8, 5, tzinfo=timezone.utc)
    assert rows["-pdXWmj9xxU"].published_at == datetime(2020, 4, 9, tzinfo=timezone.utc)  # " -pdX..." trimmed
    assert "\ufffd" in rows["OtqQYqRNDGI"].title and rows["OtqQYqRNDGI"].format is VideoFormat.SHORT
    assert best.format is VideoFormat.VIDEO and best.format_basis == "average view duration"
    assert any("month first" in n for n in export.notes) and any("undecodable" in n for n in export.notes)


def test_formats_without_aspect_ratio():
    body = (b"aaaaaaaaaaa,Clip,\"Jan 5, 2025\",45,100,1\n"
            b"bbbbbbbbbbb,Tagged #Shorts,\"Jan 5, 2025\",150,100,1\n"
            b"ccccccccccc,Untagged,\"Jan 5, 2025\",150,100,1\n"
            b"ddddddddddd,Untagged old,\"Jan 5, 2023\",150,100,1\n"
            b"eeeeeeeeeee,Tagged #shorts but long,\"Jan 5, 2025\",600,100,1\n")
    rows = read_studio_export(HEADER + body, name="f.csv").rows
    assert [(r.format.value if r.format else None, r.format_basis) for r in rows] == [
        ("short", "duration"), ("short", "#shorts tag"),
        (None, "61-180 s with no #shorts tag and no aspect ratio"),
        ("video", "duration"),  # over 60 s before Shorts could run 3 minutes
        ("video", "duration"),
    ]
