"""How similar is too similar (WF5's near-duplicate guard), on both sides of the threshold, and the
cross-Empire clusters' minimum size."""

from __future__ import annotations

import pytest

from young_production.records import DNAStatus, Empire, Production, SourceType, ViralDNA
from young_production.skills.prospecting.candidates import prospect
from young_production.skills.prospecting.empires import MIN_CLUSTER, uncovered_clusters
from young_production.skills.prospecting.similarity import (
    TOO_SIMILAR, closest, is_near_duplicate, jaccard, topic_key, topic_words,
)


@pytest.mark.parametrize(("new", "existing", "similarity"), [
    ("5 Habits That Actually Stick", "Five habits that stick", 1.0),
    ("The 2-minute rule for habits that stick", "Habits that stick: the 2-minute rule explained", 0.8),
    ("Deep work for students: a morning routine", "A morning routine for deep work", 0.8),
    ("A deep work morning routine", "Morning routine for deep focus", 0.6),  # exactly at the threshold
])
def test_titles_at_or_above_the_threshold_are_near_duplicates(new: str, existing: str, similarity: float) -> None:
    match = closest(topic_words(new), [("p1", existing)])
    assert match is not None and match.similarity == pytest.approx(similarity, abs=0.01)
    assert match.similarity >= TOO_SIMILAR and is_near_duplicate(match)


@pytest.mark.parametrize(("new", "existing", "similarity"), [
    ("The 2-minute rule for habits that stick", "Five habits that stick", 0.5),  # the same subject, more specific
    ("Morning habits", "Morning coffee recipes", 0.25),
    ("Why you never finish what you start", "How to finish a marathon", 0.5),  # one shared word only
    ("Sourdough starter from scratch", "Open crumb sourdough at home", 0.17),
])
def test_titles_below_the_threshold_are_different_ideas(new: str, existing: str, similarity: float) -> None:
    match = closest(topic_words(new), [("p1", existing)])
    assert match is not None and match.similarity == pytest.approx(similarity, abs=0.01)
    assert not is_near_duplicate(match)


def test_keys_depend_on_the_topic_words_not_their_spelling() -> None:
    assert topic_key("e1", topic_words("5 Habits That Actually Stick")) == topic_key("e1", topic_words("five habits that stick!"))
    assert topic_key("e1", topic_words("habits")) != topic_key("e2", topic_words("habits"))
    assert jaccard(frozenset(), frozenset({"a"})) == 0.0


def dna(title: str, views: float, tags: list[str], **kwargs) -> ViralDNA:  # noqa: ANN003
    return ViralDNA(id=title, title=title, views=views, niche_tags=tags, status=DNAStatus.ENCODED,
                    source_type=SourceType.YOUTUBE_VIDEO, **kwargs)


FILLER = [dna(f"filler {i}", 10_000, [f"f{i}"]) for i in range(9)]


def test_an_idea_close_to_an_existing_production_is_left_out_and_says_why() -> None:
    empire = Empire(id="e1", name="Habit Lab", niche_tags=["habits"])
    library = [dna("Five habits that stick", 500_000, ["habits"]), dna("The science of cold showers", 400_000, ["habits"])]
    existing = [Production(id="p1", title="5 habits that actually stick", empire_ids=["e1"])]
    ideas, duplicates, _ = prospect(empire, library + FILLER, existing, {})
    assert [i.title for i in ideas] == ["The science of cold showers"]
    assert duplicates[0].duplicate_of == {"id": "p1", "title": "5 habits that actually stick", "similarity": 1.0,
                                          "shared": ["habit", "stick"]}
    assert "400,000 views, 40.0x the median of 11 youtube_video references" in " ".join(ideas[0].reasons)


def test_weak_references_and_used_ones_make_no_idea() -> None:
    empire = Empire(id="e1", name="Habit Lab", niche_tags=["habits"])
    used = dna("A reference already made into a video", 900_000, ["habits"])
    library = [dna("An average habit clip", 12_000, ["habits"]), used]
    mine = [Production(id="p1", title="Our video", empire_ids=["e1"], dna_ids=[used.id])]
    ideas, duplicates, _ = prospect(empire, library + FILLER, mine, {})
    assert ideas == [] and duplicates == []


def test_clusters_need_enough_strong_uncovered_references() -> None:
    bread = [dna(f"Sourdough {i}", 800_000, ["sourdough", "baking"]) for i in range(MIN_CLUSTER)]
    chess = [dna(f"Chess {i}", 800_000, ["chess"]) for i in range(MIN_CLUSTER - 1)]
    covered = [dna(f"Habit {i}", 800_000, ["habits"]) for i in range(MIN_CLUSTER)]
    empires = [Empire(id="e1", name="Habit Lab", niche_tags=["habits"])]
    proposals = uncovered_clusters(bread + chess + covered + FILLER, empires)
    assert [(p.name, p.tags, len(p.dna_ids)) for p in proposals] == [("Sourdough (proposed)", ["sourdough", "baking"], 3)]
    assert proposals[0].record().status == "Proposed" and proposals[0].key == "empire:proposed:sourdough"
