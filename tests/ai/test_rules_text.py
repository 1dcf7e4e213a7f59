"""Sentence splitting for the rules: Whisper segments, caption chunks, articles and OCR lines."""

from __future__ import annotations

from itertools import pairwise

from young_production.text.sentences import MAX_WORDS, content_stems, split_sentences, stem, words
from young_production.transcript import Segment


def texts(segments: list[Segment]) -> list[str]:
    return [s.text for s in split_sentences(segments)]


def test_whisper_segments_cut_mid_sentence_are_joined_and_timed_by_position() -> None:
    segments = [
        Segment("So I tried waking up at five every day", 0.0, 3.0),
        Segment("for a month. Here is what happened.", 3.0, 6.0),
        Segment("The first week was brutal.", 6.0, 8.0),
    ]

    sentences = split_sentences(segments)

    assert [s.text for s in sentences] == [
        "So I tried waking up at five every day for a month.",
        "Here is what happened.",
        "The first week was brutal.",
    ]
    first, second, third = sentences
    assert (first.start, third.start, third.end) == (0.0, 6.0, 8.0)
    # "Here is what happened." starts about halfway into the second segment
    assert 4.0 < second.start < 4.8 and first.end < second.start
    assert second.end == 6.0


def test_abbreviations_initials_and_decimals_do_not_end_sentences() -> None:
    text = "Dr. Walker studied it with J. K. Smith. Sleep went up 3.5 hours vs. the control group. Wow!"

    assert texts([Segment(text)]) == [
        "Dr. Walker studied it with J. K. Smith.",
        "Sleep went up 3.5 hours vs. the control group.",
        "Wow!",
    ]


def test_titles_before_a_name_do_not_end_sentences() -> None:
    text = "Democrats beat Gov. Matt Bevin in Kentucky. Sen. Warren and Rep. Ocasio-Cortez spoke. Lt. Dan agreed."

    assert texts([Segment(text)]) == [
        "Democrats beat Gov. Matt Bevin in Kentucky.",
        "Sen. Warren and Rep. Ocasio-Cortez spoke.",
        "Lt. Dan agreed.",
    ]


def test_a_caption_credit_with_a_web_address_is_not_speech() -> None:
    segments = [
        Segment("English (AU) (Spoken) [Manually Transcribed Captions] github.com/WizardTim/WizardTim-captions", 0.0, 2.0),
        Segment("So quick video, a while ago I was asked to repair a piano.", 2.0, 6.0),
        Segment("The full write-up is at www.example.com/piano-repair and it covers every step of the fix.", 6.0, 10.0),
    ]

    assert texts(segments) == [
        "So quick video, a while ago I was asked to repair a piano.",
        "The full write-up is at www.example.com/piano-repair and it covers every step of the fix.",
    ]


def test_caption_markup_is_dropped() -> None:
    segments = [Segment("[Music]", 0.0, 2.0), Segment(">> Welcome back ♪ to the show. (applause)", 2.0, 5.0)]

    [sentence] = split_sentences(segments)

    assert sentence.text == "Welcome back to the show."
    assert sentence.start == 2.0


def test_article_paragraphs_and_headings_are_separate_sentences() -> None:
    segments = [
        Segment("Why budgets fail"),
        Segment("Most budgets fail in the second month. They are too strict\nto survive a birthday."),
        Segment("The fix\n\nleave room for fun"),
    ]

    assert texts(segments) == [
        "Why budgets fail",
        "Most budgets fail in the second month.",
        "They are too strict to survive a birthday.",
        "The fix",
        "leave room for fun",
    ]
    assert all(s.start is None and s.end is None for s in split_sentences(segments))


def test_ocr_lines_keep_an_all_caps_slogan_together_and_split_list_items() -> None:
    lines = ["5 HABITS THAT", "CHANGED MY LIFE", "1. WAKE UP AT 5AM", "2. NO PHONE BEFORE 9", "3. WALK 10K STEPS"]

    assert texts([Segment(line) for line in lines]) == [
        "5 HABITS THAT CHANGED MY LIFE",
        "1. WAKE UP AT 5AM",
        "2. NO PHONE BEFORE 9",
        "3. WALK 10K STEPS",
    ]


def test_unpunctuated_auto_captions_are_cut_into_sentence_sized_pieces() -> None:
    spoken = (
        "i tried every budgeting app on the market this year and most of them made things worse "
        "so today i want to show you the one system that finally worked for me "
        "but first you need to understand why budgets fail in the first place "
        "now the reason is simple most apps track what you already spent"
    ).split()
    segments = [
        Segment(" ".join(spoken[i : i + 7]), i * 0.4, (i + 7) * 0.4) for i in range(0, len(spoken), 7)
    ]

    sentences = split_sentences(segments)

    assert len(sentences) >= 4
    assert all(len(s.text.split()) <= MAX_WORDS for s in sentences)
    assert [s.text.split()[0] for s in sentences[1:4]] == ["so", "but", "now"]
    assert " ".join(s.text for s in sentences) == " ".join(spoken)  # nothing lost or repeated
    assert all(a.end <= b.start + 1e-6 for a, b in pairwise(sentences))


def test_segments_without_end_times_get_plausible_ones() -> None:
    segments = [Segment("First line here.", 0.0), Segment("Second line here.", 4.0)]

    first, second = split_sentences(segments)

    assert first.end == 4.0  # runs until the next segment starts
    assert second.start == 4.0 and 4.0 < second.end < 6.0  # estimated from the words


def test_tokens_and_stems() -> None:
    assert words("Don’t spend $1,200 on 3 NEW gadgets!") == ["don't", "spend", "$1,200", "on", "3", "new", "gadgets"]
    folded = [stem(w) for w in ("habits", "boss", "status", "analysis", "bus")]
    assert folded == ["habit", "boss", "status", "analysis", "bus"]
    assert content_stems(["the", "habits", "you", "build", "2025"]) == ["habit", "build"]


def test_empty_and_markup_only_transcripts_have_no_sentences() -> None:
    assert split_sentences([]) == ()
    assert split_sentences([Segment("[Music]", 0.0, 3.0), Segment("   ", 3.0, 4.0)]) == ()
