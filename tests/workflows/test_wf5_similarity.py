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
EMPIRE = Empire(id="e1", name="Habit Lab", niche_tags=["habits"])


def published(titles_and_scores: list[tuple[str, float | None]], **kwargs) -> list[Production]:  # noqa: ANN003
    return [Production(id=f"p{i}", title=title, video_id=f"vid{i:08d}", outlier_score=score, empire_ids=["e1"],
                       outlier_basis="median_ratio" if score is not None else None, **kwargs)
            for i, (title, score) in enumerate(titles_and_scores)]


WINNING = [(f"Habit stacking {n}", 3.0 + 0.1 * n) for n in range(3)] + [(f"Cooking pasta {n}", 1.0) for n in range(4)]


def test_an_idea_rests_on_a_measured_topic_and_links_references_as_material() -> None:
    library = [dna("The 2-minute rule for habits that stick", 900_000, ["habits"], hook="Why?", hook_pattern="question"),
               *FILLER]
    found = prospect(EMPIRE, library, published(WINNING), {})
    (idea,) = found.ideas
    assert idea.title == "Habit stacking: a new long video with a question hook"
    assert idea.dna_ids == ["The 2-minute rule for habits that stick"]
    assert "topic: habit / stacking lifts this Empire's videos" in idea.reasons[0]
    assert "over 3 published videos (against 4 without)" in idea.reasons[0] and found.why_none == ""
    assert "(not measured here)" in idea.reasons[1]  # the borrowed move is not passed off as evidence
    without = prospect(EMPIRE, FILLER, published(WINNING), {})  # no reference on the topic: no new angle
    assert without.ideas == [] and "would give them a new angle" in without.why_none


def test_an_idea_that_repeats_a_reference_or_a_production_title_is_left_out_and_says_why() -> None:
    copied = dna("Habit stacking: a new long video", 500_000, ["habits"])
    found = prospect(EMPIRE, [copied, *FILLER], published(WINNING), {})
    assert found.ideas == [] and found.duplicates[0].duplicate_of["id"] == copied.id
    assert found.why_none.startswith("all 1 ideas would repeat an existing video or reference")
    near = published(WINNING + [("Habit stacking: new long videos", None)])
    found = prospect(EMPIRE, FILLER, near, {})
    assert found.ideas == [] and found.duplicates[0].duplicate_of["title"] == "Habit stacking: new long videos"


def test_two_videos_are_no_evidence_and_the_report_says_what_would_change_that() -> None:
    two = [(f"Habit stacking {n}", 4.0) for n in range(2)] + [(f"Cooking pasta {n}", 1.0) for n in range(5)]
    found = prospect(EMPIRE, FILLER, published(two), {})
    assert found.ideas == [] and "no topic or pattern is on at least 3 of them" in found.why_none
    unscored = prospect(EMPIRE, FILLER, published([(t, None) for t, _ in WINNING]), {})
    assert unscored.ideas == [] and "run `yp run wf4`" in unscored.why_none
    flat = [(f"Habit stacking {n}", 1.0 + 0.01 * n) for n in range(3)] + [(f"Cooking pasta {n}", 1.0) for n in range(4)]
    assert "none lifts them by 1.2x" in prospect(EMPIRE, FILLER, published(flat), {}).why_none


def test_a_pattern_every_reference_shares_is_no_reason() -> None:
    refs = [dna(f"Reference {n}", 100_000, ["habits"], hook="Hook", hook_pattern="question") for n in range(4)]
    titles = ["Morning run", "Tax tips", "Garden tour", "Bread basics", "Chess openings", "Bike repair", "Desk tour"]
    mine = published([(t, 3.0 + 0.1 * n if n < 3 else 1.0) for n, t in enumerate(titles)])
    made_from = {p.video_id: [refs[n % 2]] for n, p in enumerate(mine[:3])}
    found = prospect(EMPIRE, refs + FILLER, mine, made_from)
    assert any(p.has("hook pattern", ["question"]) and p.evidence != "none" for p in found.lifts)
    assert found.ideas == [] and "is carried by every reference" in found.why_none


def test_used_references_are_not_material_again() -> None:
    used = dna("A reference already made into a video", 900_000, ["habits"])
    mine = published(WINNING, dna_ids=[])
    mine[0] = mine[0].model_copy(update={"dna_ids": [used.id]})
    tracker = dna("My habit tracker", 9_000, ["habits"], hook="Once upon a time", hook_pattern="story")
    found = prospect(EMPIRE, [used, tracker, *FILLER], mine, {})
    assert [(i.title, i.dna_ids) for i in found.ideas] == [
        ("Habit stacking: a new long video with a story hook", ["My habit tracker"])]


def test_clusters_need_enough_strong_uncovered_references() -> None:
    bread = [dna(f"Sourdough {i}", 800_000, ["sourdough", "baking"]) for i in range(MIN_CLUSTER)]
    chess = [dna(f"Chess {i}", 800_000, ["chess"]) for i in range(MIN_CLUSTER - 1)]
    covered = [dna(f"Habit {i}", 800_000, ["habits"]) for i in range(MIN_CLUSTER)]
    empires = [Empire(id="e1", name="Habit Lab", niche_tags=["habits"])]
    proposals = uncovered_clusters(bread + chess + covered + FILLER, empires)
    assert [(p.name, p.tags, len(p.dna_ids)) for p in proposals] == [("Sourdough (proposed)", ["sourdough", "baking"], 3)]
    assert proposals[0].record().status == "Proposed" and proposals[0].key == "empire:proposed:sourdough"


def test_a_winning_pattern_with_no_topic_to_apply_it_to_says_so() -> None:
    refs = [dna(f"Reference {n}", 100_000, [], hook="Hook", hook_pattern=hook)
            for n, hook in enumerate(("question", "question", "story", "story"))]
    titles = ["Morning run", "Tax tips", "Garden tour", "Bread basics", "Chess openings", "Bike repair", "Desk tour"]
    mine = published([(t, 3.0 + 0.1 * n if n < 3 else 1.0) for n, t in enumerate(titles)])
    made_from = {p.video_id: [refs[n % 2] if n < 3 else refs[2 + n % 2]] for n, p in enumerate(mine)}
    untagged = Empire(id="e1", name="No tags")
    found = prospect(untagged, refs, mine, made_from)
    assert found.ideas == [] and "has no topic to apply it to" in found.why_none
    assert "hook pattern: question" in found.why_none
