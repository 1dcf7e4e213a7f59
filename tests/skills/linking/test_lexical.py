"""BM25 over DNA fields: term folding, ranking, field weights, the transcript cap, matched terms."""

from __future__ import annotations

from young_production.skills.linking.lexical import TRANSCRIPT_TOKENS, BM25Index, surface_forms, term, terms


def test_terms_fold_word_forms_and_drop_stop_words_and_caption_markup() -> None:
    assert term("sleeping") == term("sleeps") == term("sleep")
    assert term("happiness") == term("happy")
    assert terms("[Music] Why we are SLEEPING so badly!") == [term("sleeping"), term("badly")]
    assert surface_forms("Sleeping badly, sleep less")[term("sleep")] == "sleeping"


def test_rare_query_words_outweigh_common_ones_and_matches_are_reported_by_weight() -> None:
    docs = {
        "bees": {"title": "Why bees are disappearing", "transcript": "Honeybees and pesticides. " * 3},
        "news1": {"title": "The news today", "transcript": "why why why people read the news"},
        "news2": {"title": "More news", "transcript": "the news about people"},
    }
    index = BM25Index(docs)
    hits = index.search("Why are the bees disappearing? news")
    assert max(hits, key=lambda d: hits[d].score) == "bees"
    matched = [t for t, _ in hits["bees"].matched]
    assert set(matched) == {term("bees"), term("disappearing")}
    gains = [g for _, g in hits["bees"].matched]
    assert gains == sorted(gains, reverse=True)


def test_a_word_in_the_title_counts_more_than_the_same_word_in_the_transcript() -> None:
    filler = "cities roads bridges traffic " * 5
    index = BM25Index({
        "titled": {"title": "Volcano", "transcript": filler},
        "mentioned": {"title": "Cities", "transcript": "volcano " + filler},
    })
    hits = index.search("volcano")
    assert hits["titled"].score > hits["mentioned"].score


def test_words_past_the_transcript_cap_are_not_indexed() -> None:
    long_transcript = "garden " * TRANSCRIPT_TOKENS + "submarine"
    index = BM25Index({"long": {"title": "A long talk", "transcript": long_transcript},
                       "other": {"title": "Submarine", "transcript": ""}})
    assert "long" not in index.search("submarine")
    assert "other" in index.search("submarine")


def test_empty_index_and_empty_query_find_nothing() -> None:
    assert BM25Index({}).search("anything") == {}
    index = BM25Index({"a": {"title": "Sleep", "tags": ["health"]}})
    assert index.search("the and of") == {}
    assert index.ideal_score("the and of") == 0.0


def test_ideal_score_is_a_yardstick_a_title_match_reaches() -> None:
    docs = {f"d{i}": {"title": f"topic {i}", "transcript": "words about other things " * 4} for i in range(20)}
    docs["sleep"] = {"title": "Sleep and memory", "transcript": "words about other things " * 4}
    index = BM25Index(docs)
    hit = index.search("sleep memory")["sleep"]
    assert 0.5 * index.ideal_score("sleep memory") < hit.score < 1.5 * index.ideal_score("sleep memory")
