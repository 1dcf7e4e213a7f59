"""Ids as people type them (store/resolve.py), on every store: full ids, prefixes, names."""

from __future__ import annotations

import pytest

from young_production.errors import YPError
from young_production.records import Empire, Production, ViralDNA
from young_production.store.base import Store
from young_production.store.resolve import AmbiguousId, pick_id, resolve, resolve_all


def test_a_full_id_a_prefix_and_an_id_without_dashes_find_the_record(store: Store) -> None:
    entry = store.create(ViralDNA(title="Compound interest", url="https://example.com/a"))
    other = store.create(ViralDNA(title="Other", url="https://example.com/b"))
    assert entry.id and other.id
    assert resolve(store, ViralDNA, entry.id).id == entry.id
    assert resolve(store, ViralDNA, entry.id.replace("-", "").upper()).id == entry.id
    # the shortest prefix that tells the two apart, and never under 4 characters
    length = next(n for n in range(4, 37) if entry.id[:n] != other.id[:n])
    assert resolve(store, ViralDNA, f"  {entry.id[:length]} ").id == entry.id
    assert resolve(store, ViralDNA, entry.id[:13]).id == entry.id  # dashes inside a prefix are fine


def test_empires_and_productions_are_found_by_their_exact_name(store: Store) -> None:
    empire = store.create(Empire(name="Money  Moves"))
    production = store.create(Production(title="How I saved 10k", empire_ids=[empire.id or ""]))
    assert resolve(store, Empire, "money moves").id == empire.id
    assert resolve(store, Production, " How I Saved 10K ").id == production.id
    with pytest.raises(YPError, match="no Viral DNA entry with id 'How I saved 10k'"):
        resolve(store, ViralDNA, "How I saved 10k")  # DNA is found by id only
    with pytest.raises(YPError, match="no production with id or name 'How I saved'"):
        resolve(store, Production, "How I saved")  # a name is matched whole, never by its start


def test_an_ambiguous_prefix_or_name_lists_the_candidates(store: Store) -> None:
    first = store.create(Production(title="Twin"))
    second = store.create(Production(title="Twin"))
    assert first.id and second.id
    with pytest.raises(AmbiguousId) as caught:
        resolve(store, Production, "twin")
    assert {c[0] for c in caught.value.candidates} == {first.id, second.id}
    assert first.id[:8] in str(caught.value) and second.id[:8] in str(caught.value)
    assert resolve(store, Production, first.id[:12]).id == first.id or first.id[:12] == second.id[:12]


def test_nothing_an_empty_string_or_a_short_prefix_is_one_clear_error(store: Store) -> None:
    entry = store.create(ViralDNA(title="A", url="https://example.com/a"))
    assert entry.id
    with pytest.raises(YPError, match="no Viral DNA entry given"):
        resolve(store, ViralDNA, "   ")
    with pytest.raises(YPError, match="at least 4 characters"):
        resolve(store, ViralDNA, entry.id[:3])
    with pytest.raises(YPError, match="no Viral DNA entry with id 'zzzzzzzz'"):
        resolve(store, ViralDNA, "zzzzzzzz")
    missing = "0" * 8 + "-0000-4000-8000-" + "0" * 12
    with pytest.raises(YPError, match="does not exist"):
        resolve(store, ViralDNA, missing)
    store.trash(ViralDNA, entry.id)
    with pytest.raises(YPError):
        resolve(store, ViralDNA, entry.id[:8])  # a removed record is not found by its prefix


def test_resolve_all_checks_every_ref_first_and_drops_repeats(store: Store) -> None:
    a = store.create(ViralDNA(title="A", url="https://example.com/a"))
    b = store.create(ViralDNA(title="B", url="https://example.com/b"))
    assert a.id and b.id
    assert [r.id for r in resolve_all(store, ViralDNA, [a.id, b.id, a.id])] == [a.id, b.id]
    with pytest.raises(YPError, match="nope"):
        resolve_all(store, ViralDNA, [a.id, "nope"])


def test_pick_id_serves_ids_that_are_not_store_records() -> None:
    runs = [("20261207-aaaa1111", "wf1"), ("20261207-aaaa2222", "wf2"), ("20261208-bbbb", "wf1")]
    assert pick_id("20261208", runs, "run") == "20261208-bbbb"
    with pytest.raises(AmbiguousId, match="2 run ids"):
        pick_id("20261207aaaa", runs, "run")
    with pytest.raises(YPError, match="no run with id"):
        pick_id("9999", runs, "run")
