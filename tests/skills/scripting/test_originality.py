"""The originality guard: a copied run over the limit is flagged with its reference; shorter runs are not."""

from __future__ import annotations

import random

import pytest

from young_production.skills.scripting.originality import (
    Tokens,
    check_originality,
    fingerprints,
    longest_common_run,
    shared_runs,
    similarity,
    winnow_parameters,
)

from .conftest import ARTICLE, HABITS, STORY

SOURCES = [("dna-habits", "Three habits", HABITS), ("dna-story", "Quit at 47", STORY), ("dna-article", "10x", ARTICLE)]
OWN = "My own opening line goes here and has nothing to do with the rest. "


def copied(source: str, start: int, length: int) -> str:
    return " ".join(source.split()[start:start + length])


def test_thirteen_copied_words_are_flagged_twelve_are_not() -> None:
    thirteen = OWN + copied(STORY, 10, 13) + " and then something else entirely."
    twelve = OWN + copied(STORY, 10, 12) + " and then something else entirely."

    [flag] = check_originality(thirteen, SOURCES, max_run_words=12)
    assert (flag.dna_id, flag.title, flag.run_words) == ("dna-story", "Quit at 47", 13)
    assert flag.excerpt == copied(STORY, 10, 13).rstrip(".")  # word to word, as the script has it
    assert check_originality(twelve, SOURCES, max_run_words=12) == []


def test_case_punctuation_and_sentence_cuts_do_not_hide_a_copy() -> None:
    run = copied(HABITS, 0, 20)  # "Three habits made me more money than my degree ever did. Stay until ..."
    disguised = run.upper().replace(". ", "! ").replace(",", " ;")
    [flag] = check_originality("Intro. " + disguised + " Outro.", SOURCES, max_run_words=12)
    assert flag.run_words == 20 and flag.dna_id == "dna-habits"
    assert flag.excerpt.startswith("THREE HABITS")


def test_limit_is_configurable_and_each_run_is_reported_whole() -> None:
    text = copied(ARTICLE, 0, 9) + " (my words in between here) " + copied(HABITS, 5, 30)
    flags = check_originality(text, SOURCES, max_run_words=8)
    assert [(f.dna_id, f.run_words) for f in flags] == [("dna-habits", 30), ("dna-article", 9)]
    assert [f.dna_id for f in check_originality(text, SOURCES, max_run_words=12)] == ["dna-habits"]
    with pytest.raises(ValueError):
        check_originality(text, SOURCES, max_run_words=0)


def brute_force_runs(a: list[str], b: list[str], min_words: int) -> set[tuple[int, int]]:
    """Maximal shared runs of at least min_words (start in a, length), by dynamic programming."""
    best = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    runs: set[tuple[int, int]] = set()
    for i in range(len(a) - 1, -1, -1):
        for j in range(len(b) - 1, -1, -1):
            if a[i] == b[j]:
                best[i][j] = best[i + 1][j + 1] + 1
    for i in range(len(a)):
        for j in range(len(b)):
            length = best[i][j]
            left_extends = i > 0 and j > 0 and a[i - 1] == b[j - 1]
            if length >= min_words and not left_extends:
                runs.add((i, length))
    return runs


@pytest.mark.parametrize("seed", range(12))
def test_winnowing_finds_every_run_over_the_limit(seed: int) -> None:
    """The guarantee, checked against brute force: every shared run of > max words is found, at full length."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(6)]  # a tiny vocabulary: many chance matches of every length
    source = [rng.choice(vocab) for _ in range(300)]
    script = [rng.choice(vocab) for _ in range(120)]
    for _ in range(4):  # plant copies of several lengths around the limit
        length, at, to = rng.randint(9, 20), rng.randrange(0, 270), rng.randrange(0, 100)
        script[to:to + length] = source[at:at + length]
    limit = rng.choice([6, 8, 12])
    found = shared_runs(Tokens.of(" ".join(script)), Tokens.of(" ".join(source)), limit + 1)
    expected = brute_force_runs(script, source, limit + 1)
    # keep, per script start, the longest run; drop runs nested in an earlier one (as shared_runs does)
    longest: dict[int, int] = {}
    for start, length in expected:
        longest[start] = max(length, longest.get(start, 0))
    outer = []
    for start, length in sorted(longest.items()):
        if outer and start + length <= outer[-1][0] + outer[-1][1]:
            continue
        outer.append((start, length))
    assert found == outer


def test_winnow_parameters_keep_the_guarantee() -> None:
    for limit in (1, 3, 4, 12, 30):
        k, window = winnow_parameters(limit)
        assert k + window - 1 == limit + 1 and k >= 1 and window >= 1


def test_fingerprints_are_a_small_deterministic_subset() -> None:
    words = Tokens.of(HABITS + " " + STORY).words
    prints = fingerprints(words, 5, 8)
    assert prints == fingerprints(words, 5, 8)
    assert 0 < sum(len(p) for p in prints.values()) < (len(words) - 4) / 2  # about 2/(w+1) of the k-grams


def test_longest_common_run_and_similarity() -> None:
    assert longest_common_run("The cat sat on the mat today", "a cat sat on the mat") == 5
    assert longest_common_run("", "anything") == 0
    assert similarity(HABITS, HABITS) == 1.0
    assert similarity("Completely unrelated words about gardening and tomatoes grow slowly here.", HABITS) == 0.0
