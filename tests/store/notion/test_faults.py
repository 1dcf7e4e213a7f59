"""Faults on the emulator: 429/409/5xx, lost answers, refusals, trash.

Done-when of issue 3: zero duplicates and zero lost entries under injected errors
and dropped responses; validation errors name the property and type.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import notion_client
import pytest

from young_production.errors import NotFound, StoreError, TransientError
from young_production.records import DNAStatus, Empire, ViralDNA, bullet, heading, paragraph
from young_production.store.base import Filter, iter_records
from young_production.store.notion.client import RetryPolicy
from young_production.store.notion.store import TrashedRecord

from .factory import NotionRig, notion_rig

FAST_RETRIES = RetryPolicy(max_attempts=6, backoff_base_sec=0.005, backoff_max_sec=0.05)


@pytest.fixture
def rig() -> Iterator[NotionRig]:
    with notion_rig(policy=FAST_RETRIES, seed=3) as opened:
        opened.emulator.faults.configure(retry_after=0)
        yield opened


def pages(rig: NotionRig, kind: type) -> list[dict]:
    return rig.emulator.state.pages_in(rig.store.data_source_id(kind))


def sdk(rig: NotionRig) -> notion_client.Client:
    return notion_client.Client(auth=rig.emulator.api_key, base_url=rig.emulator.base_url)


@pytest.mark.parametrize("status", [409, 429, 500, 502, 503, 529])
def test_injected_errors_are_retried_and_nothing_is_doubled(rig: NotionRig, status: int) -> None:
    store = rig.store
    rig.emulator.faults.fail_next(status, status)
    empire = store.create(Empire(key="e1", name="E"))
    rig.emulator.faults.fail_next(status)
    dna = store.create(ViralDNA(title="no key", empire_ids=[empire.id]), [paragraph("body")])
    rig.emulator.faults.fail_next(status)
    updated = store.update(ViralDNA, dna.id, {"perspective": "p", "status": DNAStatus.ENCODED})
    rig.emulator.faults.fail_next(status)
    found = store.query(ViralDNA, [Filter.not_empty("perspective")]).items

    assert updated.perspective == "p" and [d.id for d in found] == [dna.id]
    assert len(pages(rig, Empire)) == 1 and len(pages(rig, ViralDNA)) == 1
    assert store.read_body(dna.id) == [paragraph("body")]


@pytest.mark.parametrize("key", ["dna:k", None])
def test_a_create_whose_answer_is_lost_is_found_not_sent_twice(rig: NotionRig, key: str | None) -> None:
    rig.emulator.faults.drop_next_writes(1)
    created = rig.store.create(ViralDNA(key=key, title="once"), [paragraph("body")])
    assert created.key == key and created.title == "once"
    assert len(pages(rig, ViralDNA)) == 1
    assert rig.emulator.requests["pages.create"] == 1
    assert rig.store.read_body(created.id) == [paragraph("body")]


def test_an_update_whose_answer_is_lost_is_applied_once(rig: NotionRig) -> None:
    dna = rig.store.create(ViralDNA(title="t"))
    rig.emulator.faults.drop_next_writes(1)
    updated = rig.store.update(ViralDNA, dna.id, {"hook": "h", "views": 7})
    assert updated.hook == "h" and updated.views == 7.0
    assert rig.store.get(ViralDNA, dna.id) == updated


def test_appends_and_sections_whose_answers_are_lost_are_not_duplicated(rig: NotionRig) -> None:
    empire = rig.store.create(Empire(name="E"), [heading("Style")])
    rig.emulator.faults.drop_next_writes(1)
    rig.store.append_body(empire.id, [paragraph("one"), bullet("two", [bullet("three")])])
    rig.emulator.faults.drop_next_writes(1)
    rig.store.write_section(empire.id, "Script", [paragraph("draft 1")])
    rig.emulator.faults.drop_next_writes(2)  # the delete of the old draft, then the append
    rig.store.write_section(empire.id, "Script", [paragraph("draft 2")])
    assert rig.store.read_body(empire.id) == [
        heading("Style"), paragraph("one"), bullet("two", [bullet("three")]), heading("Script"), paragraph("draft 2"),
    ]


def test_many_threads_under_random_faults_lose_and_double_nothing() -> None:
    policy = RetryPolicy(max_attempts=14, backoff_base_sec=0.005, backoff_max_sec=0.05)
    with notion_rig(policy=policy, seed=11) as rig:
        rig.emulator.faults.configure(
            fail_rate=0.2, fail_statuses=(409, 429, 500, 502, 529), drop_rate=0.15, retry_after=0
        )
        errors: list[BaseException] = []

        def work(worker: int) -> None:
            try:
                for i in range(8):
                    dna = rig.store.create(ViralDNA(key=f"dna:{worker}:{i}", title=f"{worker}-{i}"))
                    rig.store.update(ViralDNA, dna.id, {"perspective": f"p{worker}-{i}"})
            except BaseException as exc:  # collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rig.emulator.faults.clear()
        assert errors == []
        records = list(iter_records(rig.store, ViralDNA))
        assert sorted(r.key for r in records) == sorted(f"dna:{w}:{i}" for w in range(4) for i in range(8))
        assert all(r.perspective == f"p{r.title}" for r in records)
        assert len(pages(rig, ViralDNA)) == 32
        assert rig.emulator.faults.injected >= 5 and rig.emulator.faults.dropped >= 5


def test_validation_errors_name_the_field_property_and_type_and_are_not_retried(rig: NotionRig) -> None:
    dna = rig.store.create(ViralDNA(title="t"))
    client = sdk(rig)
    try:  # someone turns the Views column into text in Notion
        client.data_sources.update(rig.store.data_source_id(ViralDNA), properties={"Views": {"rich_text": {}}})
    finally:
        client.close()
    rig.emulator.reset_counts()
    with pytest.raises(StoreError) as error:
        rig.store.update(ViralDNA, dna.id, {"views": 12})
    message = str(error.value)
    assert "viral_dna.views" in message and "'Views'" in message and "number" in message
    assert rig.emulator.requests["pages.update"] == 1


def test_retries_stop_after_the_limit_with_a_transient_error(rig: NotionRig) -> None:
    rig.emulator.faults.fail_next(*[500] * FAST_RETRIES.max_attempts)
    with pytest.raises(TransientError, match="6 times"):
        rig.store.create(ViralDNA(key="k", title="t"))
    assert pages(rig, ViralDNA) == []
    assert rig.store.create(ViralDNA(key="k", title="t")).title == "t"


def test_trashed_pages_are_reported_as_such_and_skipped(rig: NotionRig) -> None:
    keep = rig.store.create(ViralDNA(key="keep", title="keep"))
    ours = rig.store.create(ViralDNA(key="ours", title="trashed by us"))
    theirs = rig.store.create(ViralDNA(key="theirs", title="trashed in Notion"))
    rig.store.trash(ViralDNA, ours.id)
    client = sdk(rig)
    try:
        client.pages.update(theirs.id, in_trash=True)
    finally:
        client.close()

    assert [d.id for d in iter_records(rig.store, ViralDNA)] == [keep.id]
    assert rig.store.find_by_key(ViralDNA, "theirs") is None
    for record_id in (ours.id, theirs.id):
        with pytest.raises(TrashedRecord, match="trash"):
            rig.store.get(ViralDNA, record_id)
        with pytest.raises(TrashedRecord, match="trash"):
            rig.store.update(ViralDNA, record_id, {"hook": "h"})
        with pytest.raises(NotFound):
            rig.store.append_body(record_id, [paragraph("x")])
    assert rig.store.query(ViralDNA, [Filter.empty("perspective")]).items == [keep]
