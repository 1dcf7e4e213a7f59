"""Change, link, retry and remove (skills/edits.py) on every store: idempotent, nothing dangling."""

from __future__ import annotations

import pytest

from young_production.errors import YPError
from young_production.records import DNAStatus, Empire, Production, ProductionStatus, VideoFormat, ViralDNA
from young_production.skills.crud import add_dna
from young_production.skills.edits import (
    link_dna,
    remove_dna,
    remove_empire,
    remove_productions,
    retry_dna,
    set_dna,
    set_empire,
    set_production,
    unlink_dna,
)
from young_production.skills.empires import add_empire
from young_production.skills.productions import add_production
from young_production.store.base import Store
from young_production.store.resolve import resolve

LONG = "A" * 2000


def setup(store: Store) -> tuple[Empire, Production, ViralDNA, ViralDNA]:
    empire, _ = add_empire(store, "Money Moves", channel_url="https://www.youtube.com/@moneymoves",
                           channel_id="UC" + "a" * 22, niche_tags=["finance"])
    production, _ = add_production(store, "Saved 10k", empire, notes="habits")
    first, _ = add_dna(store, "https://www.youtube.com/watch?v=aaaaaaaaaaa", tags=["money"])
    second, _ = add_dna(store, "https://example.com/article")
    return empire, production, first, second


def test_set_production_writes_only_what_differs_and_a_rerun_changes_nothing(store: Store) -> None:
    _, production, _, _ = setup(store)
    edit = set_production(store, production, title="[bold]Saved 10k[/] in a year", status=ProductionStatus.PUBLISHED,
                          format=VideoFormat.SHORT, notes="", video_id="dQw4w9WgXcQ")
    assert edit.changed == ["format", "key", "notes", "status", "title", "video_id", "youtube_url"]
    fresh = store.get(Production, production.id or "")
    assert fresh.title == "[bold]Saved 10k[/] in a year" and fresh.notes is None
    assert fresh.status is ProductionStatus.PUBLISHED and fresh.youtube_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    again = set_production(store, fresh, title="[bold]Saved 10k[/] in a year", status=ProductionStatus.PUBLISHED)
    assert again.changed == []
    long = set_production(store, fresh, notes=LONG)
    assert store.get(Production, production.id or "").notes == LONG and long.changed == ["notes"]
    with pytest.raises(YPError, match="not a YouTube video URL"):
        set_production(store, fresh, youtube_url="https://example.com/x")
    with pytest.raises(YPError, match="cannot be empty"):
        set_production(store, fresh, title="   ")


def test_a_title_of_2000_characters_with_markup_is_kept_whole(store: Store) -> None:
    _, production, _, _ = setup(store)
    title = ("[bold red]é[/] " * 250)[:2000]
    edit = set_production(store, production, title=title)
    assert edit.changed == ["key", "title"]
    assert store.get(Production, production.id or "").title == " ".join(title.split())
    assert resolve(store, Production, title).id == production.id


def test_a_title_another_production_of_the_empire_has_is_refused(store: Store) -> None:
    empire, production, _, _ = setup(store)
    other, _ = add_production(store, "Other", empire)
    with pytest.raises(YPError, match="already exists"):
        set_production(store, other, title="saved 10K")
    assert store.get(Production, other.id or "").title == "Other"


def test_set_on_a_record_removed_meanwhile_is_one_clear_error(store: Store) -> None:
    _, production, _, _ = setup(store)
    remove_productions(store, [production])
    with pytest.raises(YPError, match="removed meanwhile"):
        set_production(store, production, status=ProductionStatus.RESEARCHING)


def test_link_and_unlink_are_idempotent(store: Store) -> None:
    _, production, first, second = setup(store)
    linked = link_dna(store, production, [first, second])
    assert linked.record.dna_ids == [first.id, second.id] and linked.changed == ["dna_ids"]
    assert link_dna(store, linked.record, [first]).changed == []
    dropped = unlink_dna(store, linked.record, [first.id or ""])
    assert dropped.record.dna_ids == [second.id]
    assert unlink_dna(store, dropped.record, [first.id or ""]).changed == []


def test_set_dna_adds_tags_and_a_new_url_queues_it_again(store: Store) -> None:
    _, _, first, second = setup(store)
    store.update(ViralDNA, first.id or "", {"perspective": "Save first", "status": DNAStatus.ENCODED,
                                            "confidence": {"hook": 0.4}, "unsure": ["hook"], "needs_review": True})
    first = store.get(ViralDNA, first.id or "")
    tagged = set_dna(store, first, tags=["Habits"])
    assert tagged.record.niche_tags == ["habits", "money"]
    assert set_dna(store, tagged.record, tags=["x"], clear_tags=True).record.niche_tags == ["x"]
    same_video = set_dna(store, first, url="https://youtu.be/aaaaaaaaaaa")  # another spelling: still decoded
    assert same_video.record.perspective == "Save first" and same_video.changed == ["url"]
    moved = set_dna(store, same_video.record, url="https://www.youtube.com/watch?v=bbbbbbbbbbb")
    assert moved.record.status is DNAStatus.NEW and moved.record.perspective is None
    # what the decoder was unsure of in the old source says nothing about the new one
    assert moved.record.unsure == [] and moved.record.confidence == {} and not moved.record.needs_review
    with pytest.raises(YPError, match="already exists"):
        set_dna(store, moved.record, url=second.url)
    with pytest.raises(YPError, match="not a URL"):
        set_dna(store, moved.record, url="./local.mp4")


def test_retry_puts_only_a_failed_entry_back(store: Store) -> None:
    _, _, first, second = setup(store)
    failed = store.update(ViralDNA, first.id or "", {"status": DNAStatus.FAILED, "error_reason": "HTTP 404"})
    retried = retry_dna(store, failed)
    assert retried.record.status is DNAStatus.NEW and retried.record.error_reason is None
    assert retry_dna(store, retried.record).changed == [] and retry_dna(store, second).changed == []


def test_set_empire_renames_clears_the_channel_and_replaces_tags(store: Store) -> None:
    empire, _, _, _ = setup(store)
    edit = set_empire(store, empire, name="Money Moves 2", channel="", niche_tags=["Saving", "saving"])
    assert edit.record.channel_url is None and edit.record.youtube_channel_id is None
    assert edit.record.niche_tags == ["saving"] and resolve(store, Empire, "money moves 2").id == empire.id
    assert set_empire(store, edit.record, name="Money Moves 2", channel="").changed == []
    add_empire(store, "Taken")
    with pytest.raises(YPError, match="already exists"):
        set_empire(store, edit.record, name="taken")


def test_removing_a_reference_unlinks_it_from_productions(store: Store) -> None:
    _, production, first, second = setup(store)
    link_dna(store, production, [first, second])
    assert remove_dna(store, [first]) == [first.id]
    assert store.get(Production, production.id or "").dna_ids == [second.id]
    assert remove_dna(store, [first]) == []  # already removed: nothing to do


def test_an_empire_with_productions_is_removed_only_with_cascade(store: Store) -> None:
    empire, production, first, _ = setup(store)
    store.update(ViralDNA, first.id or "", {"empire_ids": [empire.id]})
    with pytest.raises(YPError, match="--cascade"):
        remove_empire(store, empire)
    assert store.get(Empire, empire.id or "").name == "Money Moves"
    assert remove_empire(store, empire, cascade=True) == [production.id, empire.id]
    assert store.get(ViralDNA, first.id or "").empire_ids == []
    with pytest.raises(YPError):
        resolve(store, Production, "Saved 10k")


def test_two_sets_of_one_record_at_once_both_succeed_and_the_last_write_wins(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _, production, _, _ = setup(store)

    def redraft(n: int) -> list[str]:
        return set_production(store, production, notes=f"draft {n}", status=ProductionStatus.SCRIPTING).changed

    with ThreadPoolExecutor(2) as pool:
        changed = list(pool.map(redraft, (1, 2)))
    assert all("notes" in c for c in changed)
    final = store.get(Production, production.id or "")
    assert final.notes in ("draft 1", "draft 2") and final.status is ProductionStatus.SCRIPTING
    assert final.title == production.title and final.empire_ids == production.empire_ids
