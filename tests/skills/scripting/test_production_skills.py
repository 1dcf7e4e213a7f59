"""S19-S21 after the script, the draft as one call, its page section on both stores, and `--json`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.conftest import STORE_FACTORIES
from young_production.ai.rules import RuleProvider
from young_production.errors import AIError
from young_production.records import Empire, Production, ViralDNA, body_text
from young_production.skills.scripting.draft import DraftInputs, DraftOptions, draft_production, load_inputs
from young_production.skills.scripting.enforce import find_avoided, sentences_of, word_count
from young_production.skills.scripting.metadata import MIN_CHAPTER_SECONDS, TAGS_MAX_CHARS, chapters_of
from young_production.skills.scripting.references import DNANotReady, references_from_dna
from young_production.skills.scripting.render import SECTION, draft_blocks, write_draft
from young_production.skills.scripting.script import ScriptAnswer, generate_script, script_from_answer
from young_production.skills.scripting.style import parse_style
from young_production.store.base import Store

from .conftest import MODEL_ANSWER, PUNCHY, REFLECTIVE, HandWrittenModel, production


def draft(references: list[ViralDNA], fmt: str = "video", style=PUNCHY, provider=None, notes: str | None = None,
          **options: object):
    return draft_production(provider or HandWrittenModel(), production(fmt, notes=notes),
                            DraftInputs(parse_style(style), references), DraftOptions(**options))  # type: ignore[arg-type]


def test_scenes_cover_the_script_with_timing(references: list[ViralDNA]) -> None:
    result = draft(references)
    scenes = result.scenes.scenes  # type: ignore[union-attr]
    assert " ".join(s.narration for s in scenes) == " ".join(b.text for b in result.script.beats)
    assert [s.number for s in scenes] == list(range(1, len(scenes) + 1))
    assert scenes[0].start == 0 and all(a.start + a.seconds == pytest.approx(b.start) for a, b in zip(scenes, scenes[1:]))
    assert all(word_count(s.narration) <= 50 or len(s.narration.split(". ")) == 1 for s in scenes)
    assert all(s.b_roll for s in scenes) and scenes[-1].on_screen_text == "Subscribe"
    assert {s.beat for s in scenes} == set(range(len(result.script.beats)))


def test_packaging_by_rules_offers_the_working_title_and_the_patterns_to_try(references: list[ViralDNA]) -> None:
    packaging = draft(references, style=REFLECTIVE, provider=RuleProvider(),
                      notes="an ideas list, one viewer, keep the promise").packaging
    assert packaging is not None
    assert [t.text for t in packaging.titles] == ["Small habits that grow a channel"]  # never a filled-in fragment
    # the references' winning hook patterns, each credited, with how to try it on this title
    assert [p.split(":")[0] for p in packaging.patterns_to_try] == [
        "number list (as R1 did)", "story (as R2 did)", "question (as R3 did)"]
    assert "(3 in the notes)" in packaging.patterns_to_try[0]
    overlays = [t.text for t in packaging.thumbnails]
    assert overlays and all(o in ("SMALL HABITS THAT GROW A CHANNEL", "AN IDEAS LIST", "ONE VIEWER",
                                  "KEEP THE PROMISE") for o in overlays)
    assert all(len(t.text.split()) <= 5 and t.visual for t in packaging.thumbnails)
    assert [t.reference.label if t.reference else None for t in packaging.thumbnails][:2] == ["R1", "R2"]


def test_tags_come_from_the_notes_the_niche_and_tags_references_share(references: list[ViralDNA]) -> None:
    inputs = DraftInputs(parse_style(PUNCHY), references, niche=["creator", "growth"])
    result = draft_production(RuleProvider(), production("short", notes="the opening promise, retention\nhooks"),
                              inputs)
    # "youtube growth" is tagged on two references; "habits" and "retention" on one each
    assert result.metadata is not None
    assert result.metadata.tags == ["opening promise", "retention", "hooks", "creator", "growth", "youtube growth"]


def test_metadata_chapters_follow_youtube_rules(references: list[ViralDNA]) -> None:
    result = draft(references, style=REFLECTIVE)
    meta = result.metadata
    assert meta is not None
    chapters = meta.chapters
    assert chapters[0].start == 0 and chapters[0].title == "Intro" and len(chapters) >= 3
    assert all(b.start - a.start >= MIN_CHAPTER_SECONDS for a, b in zip(chapters, chapters[1:]))
    assert "\n\nChapters:\n0:00 Intro\n" in meta.description
    assert meta.description.startswith(sentences_of(result.script.beats[0].text)[0])
    assert sum(len(t) + 1 for t in meta.tags) <= TAGS_MAX_CHARS and meta.tags == ["youtube growth"]
    assert find_avoided(meta.description + " ".join(meta.tags), result.script.style) == []


def test_short_has_no_chapters_and_too_short_video_says_why(references: list[ViralDNA]) -> None:
    assert draft(references, "short").metadata.chapters == []  # type: ignore[union-attr]
    refs, _ = references_from_dna(references)
    one = {**MODEL_ANSWER, "beats": [{**MODEL_ANSWER["beats"][0], "chapter": None}]}
    tiny = script_from_answer(ScriptAnswer.model_validate(one), production("video"), refs, parse_style(PUNCHY))
    chapters, warnings = chapters_of(tiny)
    assert chapters == [] and "at least 3" in warnings[0]


def test_production_skills_can_be_switched_off(references: list[ViralDNA]) -> None:
    result = draft(references, scenes=False, packaging=False, metadata=False)
    assert result.scenes is None and result.packaging is None and result.metadata is None
    assert [b.text for b in draft_blocks(result) if b.type == "heading_3"] == ["Script", "Style rules"]
    outline = draft(references, provider=RuleProvider(), scenes=False, packaging=False, metadata=False)
    assert [b.text for b in draft_blocks(outline) if b.type == "heading_3"] == ["Outline", "Style rules"]
    with pytest.raises(TypeError):
        DraftOptions(scenes="no")  # type: ignore[arg-type]


COPIED = ("Habit two: I publish something small every single day, even when nobody watches, which is basically the "
          "whole hack.")


def test_a_model_answer_that_copies_a_reference_is_flagged_on_the_page_and_json(references: list[ViralDNA]) -> None:
    copying = {**MODEL_ANSWER, "beats": [*MODEL_ANSWER["beats"][:3], {**MODEL_ANSWER["beats"][3], "text": COPIED}]}
    result = draft(references, style=REFLECTIVE, provider=HandWrittenModel(copying), max_run_words=12)
    assert [f.dna_id for f in result.flags] == ["dna-habits"] and result.flags[0].run_words > 12
    assert any("copies 1 run(s) of more than 12 words" in w for w in result.warnings)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["originality"]["flags"][0]["run_words"] == result.flags[0].run_words
    page = body_text(draft_blocks(result))
    assert "Originality: 1 run(s) of more than 12 words" in page and result.flags[0].excerpt in page
    loose = draft(references, style=REFLECTIVE, provider=HandWrittenModel(copying), max_run_words=60)
    assert loose.flags == [] and "no copied runs" in body_text(draft_blocks(loose))
    assert draft(references, style=REFLECTIVE).flags == []  # the model's own words: nothing flagged


def test_blocks_stay_within_notion_limits(references: list[ViralDNA]) -> None:
    blocks = draft_blocks(draft(references * 4))  # 12 references: a long script
    def depth(block, level=0):
        return max([level] + [depth(c, level + 1) for c in block.children])
    assert len(blocks) <= 10
    assert sum(1 + len(b.children) for b in blocks) <= 1000
    assert max(depth(b) for b in blocks) <= 1
    assert all(b.type != "heading_2" and b.type != "heading_1" for b in blocks)  # the section's own level


@pytest.fixture(params=sorted(STORE_FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with STORE_FACTORIES[request.param](tmp_path) as opened:
        yield opened


def test_draft_is_one_section_a_rerun_replaces(store: Store, references: list[ViralDNA]) -> None:
    empire = store.create(Empire(name="Punchy"), PUNCHY)
    dna_ids = [store.create(d.model_copy(update={"id": None})).id for d in references]
    prod = store.create(Production(title="Small habits that grow a channel", empire_ids=[empire.id],
                                   dna_ids=dna_ids, notes="our notes"), [])
    inputs = load_inputs(store, prod)
    assert inputs.style.empire == "Punchy" and [d.title for d in inputs.dnas] == [d.title for d in references]

    first = draft_production(RuleProvider(), prod, inputs)
    write_draft(store, str(prod.id), first)
    write_draft(store, str(prod.id), draft_production(RuleProvider(), prod, inputs))  # rerun: same section
    body = store.read_body(str(prod.id))
    assert [b.text for b in body if b.type == "heading_2"] == [SECTION]
    page = body_text(body)
    assert page.count("HOOK") == 1 and "Stay curious." in page and page.startswith(f"{SECTION}\nOUTLINE")
    assert "learned from R1 \u2018Three habits that made me money\u2019" in page


def test_bad_input_writes_nothing(store: Store, references: list[ViralDNA]) -> None:
    waiting = store.create(ViralDNA(title="Not decoded", url="https://example.org/a"))
    good = store.create(references[0].model_copy(update={"id": None}))
    prod = store.create(Production(title="P", dna_ids=[good.id, waiting.id]))
    with pytest.raises(DNANotReady, match="'Not decoded'"):
        draft_production(RuleProvider(), prod, load_inputs(store, prod))
    assert store.read_body(str(prod.id)) == []


def test_a_model_that_empties_the_hook_is_refused(references: list[ViralDNA]) -> None:
    style = parse_style(PUNCHY).model_copy(update={"avoid": ["three", "habits", "made", "me", "more", "money",
                                                              "than", "my", "degree", "ever", "did"]})
    refs, _ = references_from_dna(references)
    emptied = {**MODEL_ANSWER, "hook": {**MODEL_ANSWER["hook"], "text": "Three habits made me more money than my degree ever did."}}
    with pytest.raises(AIError, match="hook is empty once the style's avoided words are removed"):
        generate_script(HandWrittenModel(emptied), Production(id="p", title="t"), refs, style)


def test_planned_requests_price_a_dry_run(references: list[ViralDNA]) -> None:
    from tests.ai.conftest import make_config
    from young_production.ai.router import estimate_cost
    from young_production.skills.scripting.draft import planned_requests

    inputs = DraftInputs(parse_style(PUNCHY), references)
    calls = planned_requests(production(), inputs)
    assert [r.skill for r, _ in calls] == ["S15", "S19", "S20", "S21"]
    assert [r.skill for r, _ in planned_requests(production(), inputs, DraftOptions(scenes=False))] == \
        ["S15", "S20", "S21"]
    estimate = estimate_cost(make_config("anthropic"), calls)
    assert estimate.calls == 4 and set(estimate.per_skill) == {"S15", "S19", "S20", "S21"} and estimate.usd > 0
    with pytest.raises(DNANotReady):
        planned_requests(production(), DraftInputs(inputs.style, [ViralDNA(id="x", title="new")]))
