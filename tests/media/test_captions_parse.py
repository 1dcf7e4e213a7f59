from young_production.media.captions import parse_subtitles, parse_timestamp
from young_production.tools.sample_server import samples_dir


def test_timestamps() -> None:
    assert parse_timestamp("00:00:01.500") == 1.5
    assert parse_timestamp("01:02.25") == 62.25
    assert parse_timestamp("01:00:05,100") == 3605.1


def test_sample_vtt_gives_timed_segments() -> None:
    segments = parse_subtitles((samples_dir() / "captioned" / "habits.en.vtt").read_text())
    assert len(segments) == 6
    assert segments[0].text == "Three habits made me more money than my degree ever did."
    assert segments[0].start == 0.0
    assert segments[1].text.startswith("Stay until the end")
    assert all(s.start < s.end for s in segments)
    assert [s.start for s in segments] == sorted(s.start for s in segments)


def test_youtube_rolling_auto_captions_are_deduplicated() -> None:
    vtt = """WEBVTT
Kind: captions
Language: en

00:00:00.000 --> 00:00:02.000 align:start position:0%
why<00:00:00.400><c> do</c><00:00:00.800><c> videos</c>

00:00:02.000 --> 00:00:02.010 align:start position:0%
why do videos

00:00:02.010 --> 00:00:04.000 align:start position:0%
why do videos
go<00:00:02.500><c> viral</c>&amp;<c> spread</c>

NOTE this is a comment

00:00:04.000 --> 00:00:05.000
go viral&amp; spread
"""
    segments = parse_subtitles(vtt)
    assert [s.text for s in segments] == ["why do videos", "go viral& spread"]
    assert (segments[1].start, segments[1].end) == (2.01, 4.0)


def test_srt_is_parsed() -> None:
    srt = (
        "1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> there\r\n\r\n"
        "2\r\n00:00:03,000 --> 00:00:04,000\r\nGeneral Kenobi\r\n"
    )
    segments = parse_subtitles(srt)
    assert [(s.text, s.start, s.end) for s in segments] == [("Hello there", 1.0, 2.5), ("General Kenobi", 3.0, 4.0)]


def test_empty_or_headerless_text_gives_no_segments() -> None:
    assert parse_subtitles("WEBVTT\n\n") == []
    assert parse_subtitles("") == []
