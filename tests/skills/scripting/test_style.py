"""S14: style pages as people write them, read into explicit rules; empty and missing styles."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from young_production.errors import YPError
from young_production.records import Block, Empire, bullet, heading, paragraph
from young_production.skills.scripting.references import DNANotReady
from young_production.skills.scripting.style import (
    DEFAULT_STYLE,
    StyleError,
    blocks_from_markdown,
    parse_style,
    style_for_empire,
    style_from_file,
)
from young_production.store.sample_data import _deep_build_style, _money_lab_style
from young_production.store.sqlite import SQLiteStore

from .conftest import PUNCHY, REFLECTIVE


def test_contrasting_pages_give_contrasting_rules() -> None:
    punchy, reflective = parse_style(PUNCHY), parse_style(REFLECTIVE)

    assert punchy.max_sentence_words == 12 and punchy.target_sentence_words is None
    assert punchy.avoid == ["basically"]
    assert punchy.sign_off == "Stay curious."
    assert reflective.target_sentence_words == 24 and reflective.max_sentence_words is None
    assert reflective.avoid == ["hack", "hustle", "grind"]
    assert reflective.sign_off == "See you next week."
    assert "calm and warm" in (reflective.voice or "")


def test_numbers_labels_and_formats() -> None:
    rules = parse_style(blocks_from_markdown(
        "Voice: dry, precise, first person plural\n"
        "- Keep sentences under 15 words.\n"
        "- Words to avoid: \"game-changer\", \"literally\"\n"
        "- Always start with: Hey builders.\n"
        "- Always mention: the newsletter\n"
        "- Shorts: 20-45 seconds, one idea\n"
        "- Long videos: chapters every two minutes\n"
        "## Examples\n"
        "> We measured it twice. It still broke.\n"
    ))
    assert rules.voice == "dry, precise, first person plural"
    assert rules.max_sentence_words == 14
    assert rules.avoid == ["game-changer", "literally"]
    assert rules.opener == "Hey builders."
    assert rules.required_phrases == ["the newsletter"]
    assert rules.shorts_seconds == (20, 45)
    assert rules.format_rules == {"short": ["20-45 seconds, one idea"], "video": ["chapters every two minutes"]}
    assert rules.examples == ["We measured it twice. It still broke."]


def test_sample_pages_rules_and_notes_nothing_dropped() -> None:
    money = parse_style(_money_lab_style(), empire="Money Lab")
    assert money.max_sentence_words == 12  # "Short sentences; no jargon ..."
    assert money.avoid == ["hack", "guru", "passive income", "financial freedom"]
    assert money.replacements == {"hack": "habit"}
    # "Say 'you', never 'one' or 'people'": too common to swap by rule, kept for the writer
    assert any("never 'one'" in note for note in money.notes)
    assert "Structure: Hook with the result first" in money.notes

    build = parse_style(_deep_build_style(), empire="Deep Build")
    assert build.format_rules["video"] == ["Long videos run 12-18 minutes"]
    assert build.format_rules["short"] == ["Shorts cut one surprising fact from a long video."]
    assert "Checklist before recording: Every claim has a source in the notes" in build.notes


def test_real_world_guide_shapes() -> None:
    """Shapes public style guides use (GOV.UK-style 'words to avoid' bullets with qualifiers,
    swaps in brackets, slashes, several 'X instead of Y' in one sentence), in our own words."""
    rules = parse_style(blocks_from_markdown(
        "## Plain words\n"
        "Say 'get' instead of 'obtain', 'help' instead of 'assist' and 'about' rather than 'approximately'.\n"
        "## Words to avoid\n"
        "- synergy (unless you are quoting someone)\n"
        "- collaborate (use 'work with')\n"
        "- onboard/upskill\n"
        "- key (a thing is rarely key; it is probably important)\n"
    ))
    assert rules.avoid == ["obtain", "assist", "approximately", "synergy", "collaborate", "onboard", "upskill", "key"]
    assert rules.replacements == {"obtain": "get", "assist": "help", "approximately": "about",
                                  "collaborate": "work with"}


def test_only_the_style_section_of_a_page_is_read() -> None:
    blocks = [
        heading("Channel facts", 1),
        bullet("Never say 'cheap' in sponsor reads"),  # not part of the style section
        heading("Writing style", 1),
        bullet("Never say 'awesome'"),
        heading("Sponsors", 1),
        paragraph("Always end with: Thanks to our sponsor."),
    ]
    rules = parse_style(blocks)
    assert rules.avoid == ["awesome"] and rules.sign_off is None


@pytest.mark.parametrize("blocks", [[], [paragraph("   ")], [Block(type="divider")], [heading("Voice")]])
def test_empty_style_is_one_clear_error(blocks: list[Block]) -> None:
    with pytest.raises(StyleError, match="writing style of Money Lab is empty"):
        parse_style(blocks, empire="Money Lab")


def test_style_file_missing_empty_or_not_text(tmp_path: Path) -> None:
    with pytest.raises(StyleError, match="style file not found"):
        style_from_file(tmp_path / "nope.md")
    (tmp_path / "empty.md").write_text("\n  \n", "utf-8")
    with pytest.raises(StyleError, match="style file is empty"):
        style_from_file(tmp_path / "empty.md")
    (tmp_path / "bin.md").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(StyleError, match="not UTF-8"):
        style_from_file(tmp_path / "bin.md")
    with pytest.raises(StyleError, match="is a folder"):
        style_from_file(tmp_path)


def test_style_file_becomes_blocks_that_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "style.md"
    path.write_text("# Voice\n- Short punchy sentences\n  - one idea each\n- Never say 'basically'\n", "utf-8")
    blocks = style_from_file(path)
    assert [b.type for b in blocks] == ["heading_1", "bulleted_list_item", "bulleted_list_item"]
    assert blocks[1].children[0].text == "one idea each"
    assert parse_style(blocks).avoid == ["basically"]


def test_empire_without_style_gets_the_default_marked(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    try:
        bare = store.create(Empire(name="Bare"))
        styled = store.create(Empire(name="Styled"), PUNCHY)
        default = style_for_empire(store, bare)
        assert default.source == "default" and default.empire == "Bare"
        assert default.max_sentence_words == DEFAULT_STYLE.max_sentence_words
        assert style_for_empire(store, None).source == "default"
        own = style_for_empire(store, styled)
        assert own.source == "page" and own.empire == "Styled" and own.sign_off == "Stay curious."
    finally:
        store.close()


def test_errors_survive_pickling() -> None:
    for exc in (StyleError("style file not found: x.md"), DNANotReady("dna-1", "Some title")):
        again = pickle.loads(pickle.dumps(exc))
        assert isinstance(again, YPError) and str(again) == str(exc)
    again = pickle.loads(pickle.dumps(DNANotReady("dna-1", "Some title")))
    assert (again.dna_id, again.title) == ("dna-1", "Some title")


STUDY_STYLE = """# Writing style

- Voice: calm, encouraging, like an older student who has been there
- Keep sentences under 15 words.
- No swearing. No jargon. No clickbait.
- Never say: hack, grind, cram
- Always end with: "Study smarter, not longer. See you in the next one."

## Long videos
- 9-14 minutes, chapters every two minutes
"""


@pytest.mark.parametrize("line", [
    'Always end with: "Study smarter, not longer. See you in the next one."',
    "Always end with: Study smarter, not longer. See you in the next one.",
    "Sign-off: \u201cStudy smarter, not longer. See you in the next one.\u201d",
    'Always end with: "Study smarter, not longer." "See you in the next one."',
])
def test_a_sign_off_of_several_sentences_is_kept_whole(line: str) -> None:
    rules = parse_style(blocks_from_markdown(f"- {line}\n- No swearing."))
    assert rules.sign_off == "Study smarter, not longer. See you in the next one."
    assert rules.notes == [] and rules.avoid == []


def test_kinds_of_language_are_rules_not_banned_words() -> None:
    rules = parse_style(blocks_from_markdown(STUDY_STYLE))
    assert rules.language == ["no swearing", "no jargon", "no clickbait"]
    assert rules.avoid == ["hack", "grind", "cram"]
    assert rules.sign_off == "Study smarter, not longer. See you in the next one."
    assert rules.max_sentence_words == 14 and rules.video_minutes == (9, 14)
    assert {"Language: no swearing", "Long videos: 9-14 minutes, chapters every two minutes"} <= set(rules.explicit())
    listed = parse_style(blocks_from_markdown("## Words we avoid\n- hack\n- swearing\n\nAvoid jargon and clickbait."))
    assert listed.avoid == ["hack"] and listed.language == ["no swearing", "no jargon", "no clickbait"]


def test_a_quoted_sign_off_in_running_text_is_one_clause() -> None:
    rules = parse_style(blocks_from_markdown('Keep it short. Always end with "Stay curious. Bye." Never say basically.'))
    assert rules.sign_off == "Stay curious. Bye." and rules.avoid == ["basically"]


def test_a_200_kb_style_page_is_read_up_to_its_limit_and_says_so() -> None:
    filler = "\n".join(f"- Line {i}: keep the energy up and talk to one viewer about topic {i}." for i in range(3000))
    text = STUDY_STYLE + filler
    assert len(text.encode()) > 200_000
    rules = parse_style(blocks_from_markdown(text), empire="Big")
    assert rules.sign_off == "Study smarter, not longer. See you in the next one."
    assert len(rules.warnings) == 1 and "only its first" in rules.warnings[0]
    assert all(len(found) <= 60 for found in rules.format_rules.values())


def test_a_style_heading_reads_on_through_style_sections_of_its_level() -> None:
    blocks = [heading("Writing style", 2), bullet("Keep sentences under 14 words"), heading("Shorts", 2),
              bullet("Shorts: 20-40 seconds"), heading("Reports", 2), bullet("Never say: review")]
    rules = parse_style(blocks)
    assert rules.shorts_seconds == (20, 40) and rules.avoid == []
