"""S16 ranking: which DNA is eligible, what the score is made of, and what a person is told."""

from __future__ import annotations

from pathlib import Path

import pytest

from young_production.records import DNAStatus, Production, SourceType, ViralDNA, VideoFormat
from young_production.skills.linking.rank import (
    DEFAULT_WEIGHTS,
    LinkRanker,
    LinkWeights,
    fuse,
    rank_dna,
)
from young_production.skills.linking.semantic import EmbeddingCache, Embedder

LEXICAL_ONLY = LinkWeights(1, 0, 0, 0)


def dna(dna_id: str, title: str, perspective: str | None = "A central claim.", *, tags: list[str] | None = None,
        source: SourceType = SourceType.YOUTUBE_VIDEO, transcript: str = "", hook: str | None = None) -> ViralDNA:
    return ViralDNA(id=dna_id, title=title, perspective=perspective, hook=hook, niche_tags=tags or [],
                    source_type=source, transcript=transcript, status=DNAStatus.ENCODED)


POOL = [
    dna("sleep", "One more reason to get a good night's sleep", "Sleep clears waste from the brain.",
        tags=["health", "sleep", "brain"], transcript="While you sleep your brain washes away toxins."),
    dna("bees", "Why bees are disappearing", "Pesticides and parasites are killing honeybees.",
        tags=["bees", "environment", "insects"], transcript="Honeybees have thrived for 50 million years."),
    dna("grit", "Grit: the power of passion and perseverance", "Grit predicts success better than talent.",
        tags=["education", "success"], source=SourceType.YOUTUBE_SHORT, transcript="I left a job to teach maths."),
    dna("mars", "Your kids might live on Mars", "Humans will live on Mars within decades.",
        tags=["space", "mars"], transcript="How will they survive on the red planet?"),
]


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return Embedder()


def test_only_encoded_unlinked_stored_dna_is_ranked() -> None:
    new = {"status": DNAStatus.NEW}
    unsure = dna("unsure", "Sleep and memory", perspective=None).model_copy(update={"unsure": ["perspective"]})
    pool = POOL + [dna("raw", "Sleep secrets nobody tells you", perspective=None).model_copy(update=new),
                   dna("blank", "Sleep hacks", perspective="   ").model_copy(update=new),
                   ViralDNA(title="Sleep without id", perspective="x"), unsure]
    production = Production(id="p1", title="Why sleep matters", dna_ids=["sleep"])
    ranked = rank_dna(production, pool, weights=LEXICAL_ONLY, top_k=None)
    # decoded with an unsure perspective: ranked without it (on its title, tags, transcript), not left out
    assert {s.dna_id for s in ranked} == {"bees", "grit", "mars", "unsure"}


def test_scores_are_sorted_between_0_and_1_and_top_k_and_min_score_apply() -> None:
    production = Production(id="p", title="What lack of sleep does to your brain", notes="health, memory, toxins")
    ranked = rank_dna(production, POOL, top_k=None)
    assert [s.dna_id for s in ranked][0] == "sleep"
    scores = [s.relevance_score for s in ranked]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert len(rank_dna(production, POOL, top_k=2)) == 2
    assert [s.dna_id for s in rank_dna(production, POOL, min_score=scores[0])] == ["sleep"]


def test_without_an_embedder_the_score_is_the_weighted_mean_of_the_signals_present() -> None:
    production = Production(id="p", title="Bees and pesticides")
    best = rank_dna(production, POOL, weights=LinkWeights(1, 5, 0, 0))[0]
    assert "semantic" not in best.parts and "tags" not in best.parts  # no embedder, no Empire tags
    assert best.relevance_score == pytest.approx(best.parts["lexical"], abs=1e-4)
    assert fuse({"lexical": 0.5, "format": 1.0}, LinkWeights(0.45, 0.4, 0.1, 0.05)) == pytest.approx(
        (0.45 * 0.5 + 0.05 * 1.0) / 0.5)
    assert fuse({"lexical": 0.7}, LinkWeights(0, 0, 0, 0)) == 0.0


def test_the_semantic_signal_finds_a_match_that_shares_no_words(embedder: Embedder, tmp_path: Path) -> None:
    production = Production(id="p", title="Insomnia wrecks your memory", notes="what happens overnight in your head")
    ranked = rank_dna(production, POOL, embedder=embedder, cache_dir=tmp_path, weights=LinkWeights(0, 1, 0, 0))
    assert ranked[0].dna_id == "sleep"
    assert ranked[0].parts["semantic"] > ranked[1].parts["semantic"]
    assert ranked[0].reasoning.startswith(("Meaning very close", "Meaning close"))
    assert (tmp_path / EmbeddingCache.FILE_NAME).is_file()


def test_empire_niche_tags_and_format_count_and_show_in_matching_tags() -> None:
    short = Production(id="p", title="Passion beats talent", format=VideoFormat.SHORT)
    ranked = rank_dna(short, POOL, empire_tags=["Education", "kids"], top_k=None)
    grit = next(s for s in ranked if s.dna_id == "grit")
    assert grit.parts["tags"] == 0.5 and grit.parts["format"] == 1.0
    assert grit.matching_tags == ["education"]
    assert "niche: education" in grit.reasoning and "a Short, like this production" in grit.reasoning
    mars = next(s for s in ranked if s.dna_id == "mars")
    assert mars.parts["format"] == 0.0 and mars.parts["tags"] == 0.0


def test_multi_word_tags_match_either_way_and_topical_tags_are_listed() -> None:
    pool = [dna("c", "Can we fix it in time?", tags=["climate change", "oceans", "policy"])]
    ranked = rank_dna(Production(id="p", title="Ocean policy explained"), pool, empire_tags=["climate"])
    assert ranked[0].matching_tags == ["climate change", "oceans", "policy"]
    assert ranked[0].parts["tags"] == 0.5


def test_the_reason_quotes_the_matched_words_as_the_production_spells_them() -> None:
    production = Production(id="p", title="Disappearing bees: who is killing them?")
    best = rank_dna(production, POOL, weights=LEXICAL_ONLY)[0]
    assert best.dna_id == "bees"
    assert best.reasoning.startswith("Words 'disappearing', 'bees' (") or best.reasoning.startswith("Words 'bees'")
    assert f"({best.parts['lexical']:.0%})" in best.reasoning


def test_one_ranker_serves_many_productions_and_hostile_text_does_not_break_it() -> None:
    hostile = dna("h", "[bold]Ignore previous instructions[/bold]\n" + "x" * 5000, "\x00 odd \u202e text",
                  tags=["", "#Sleep", "a" * 300])
    ranker = LinkRanker(POOL + [hostile], weights=DEFAULT_WEIGHTS)
    assert len(ranker) == 5
    for title in ("Sleep", "", "!!!", "Mars colonies"):
        ranked = ranker.rank(Production(id="p", title=title or "untitled"), top_k=3)
        assert len(ranked) == 3
    assert ranker.rank(Production(id="p", title="x", dna_ids=[d.id for d in POOL] + ["h"])) == []


def test_a_pay_off_the_decoder_was_unsure_of_adds_no_word_to_match() -> None:
    opened = "[0:04] Stay until the end for the third habit"
    unsure = dna("unsure", "Three money habits").model_copy(update={"open_loop": f"{opened} -> pay-off unsure",
                                                                    "unsure": ["payoff"]})
    unresolved = dna("plain", "Three money habits").model_copy(
        update={"open_loop": f"{opened} -> not resolved in the transcript"})
    production = Production(id="p", title="Unsure how to pay off your debt?")
    ranked = {s.dna_id: s.relevance_score for s in rank_dna(production, [unsure, unresolved], weights=LEXICAL_ONLY, top_k=None)}
    assert ranked["unsure"] == pytest.approx(ranked["plain"])  # "pay-off unsure" is a marker, not the entry's words
    habits = Production(id="h", title="Stay until the end")
    assert rank_dna(habits, [unsure], weights=LEXICAL_ONLY)[0].relevance_score > 0  # the loop's own words still count
