"""Past Notion's per-query result limit nothing is lost: the store reads on in created_time windows.

The emulator caps a query as Notion does at 10,000 results (here 50, to stay small):
the last page says `has_more: false` with `request_status: incomplete`. Pages are
stamped by a test clock, several per minute, since created_time ties within a minute.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

import pytest

from young_production.errors import StoreError
from young_production.records import ViralDNA
from young_production.store.base import Filter, Sort, iter_records
from young_production.store.notion.client import NotionClient
from young_production.store.notion.store import NotionStore
from young_production.tools.notion_emulator import NotionEmulator

from .factory import template_config, with_databases

LIMIT = 50
PER_MINUTE = 7
TOTAL = 130


@contextmanager
def capped_store() -> Iterator[tuple[NotionStore, NotionEmulator, list[str]]]:
    """A store whose emulator stops queries at LIMIT, holding TOTAL pages, PER_MINUTE a minute."""
    made = [0]
    start = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)

    def clock() -> datetime:
        return start + timedelta(minutes=made[0] // PER_MINUTE)

    with NotionEmulator(clock=clock, query_limit=LIMIT) as emulator:
        config = with_databases(emulator, template_config(emulator))
        store = NotionStore(config, NotionClient.from_config(config))
        try:
            ids = []
            for i in range(TOTAL):
                ids.append(store.create(ViralDNA(key=f"dna:{i}", title=f"entry {i}", views=float(i % 3))).id)
                made[0] += 1
            yield store, emulator, ids
        finally:
            store.close()


@pytest.fixture(scope="module")
def capped() -> Iterator[tuple[NotionStore, NotionEmulator, list[str]]]:
    with capped_store() as opened:
        yield opened


def test_the_emulator_cuts_a_query_off_like_notion(capped: tuple[NotionStore, NotionEmulator, list[str]]) -> None:
    store, emulator, _ = capped
    source = store.data_source_id(ViralDNA)
    seen, cursor, statuses = 0, None, []
    while True:
        answer = store.client.query_data_source(source, {"page_size": 20, **({"start_cursor": cursor} if cursor else {})})
        seen += len(answer["results"])
        statuses.append((answer.get("request_status") or {}).get("type"))
        if not answer["has_more"]:
            break
        cursor = answer["next_cursor"]
    assert seen == LIMIT and statuses == ["incomplete"] * 3


@pytest.mark.parametrize("page_size", [20, 100])
def test_every_record_comes_once_in_creation_order(
    capped: tuple[NotionStore, NotionEmulator, list[str]], page_size: int, caplog: pytest.LogCaptureFixture
) -> None:
    store, _, ids = capped
    with caplog.at_level(logging.WARNING):
        got = [r.id for r in iter_records(store, ViralDNA, page_size=page_size)]
    assert got == ids  # 130 of 130: nothing lost, nothing doubled
    assert any("result limit" in r.getMessage() for r in caplog.records)


def test_newest_first_and_filtered_queries_are_complete_too(capped: tuple[NotionStore, NotionEmulator, list[str]]) -> None:
    store, _, ids = capped
    newest = [r.id for r in iter_records(store, ViralDNA, sorts=[Sort("created_at", descending=True)], page_size=30)]
    # pages of one minute tie on created_time; across minutes the order is newest first
    assert sorted(newest) == sorted(ids) and len(newest) == len(ids)
    minute = {i: n // PER_MINUTE for n, i in enumerate(ids)}
    assert [minute[i] for i in newest] == sorted((minute[i] for i in ids), reverse=True)
    zeros = [r.id for r in iter_records(store, ViralDNA, [Filter.eq("views", 0)])]
    assert zeros == [i for n, i in enumerate(ids) if n % 3 == 0]


def test_a_notice_comes_back_with_the_page_where_notion_stopped(capped: tuple[NotionStore, NotionEmulator, list[str]]) -> None:
    store, _, _ = capped
    cursor, notices = None, []
    while True:
        page = store.query(ViralDNA, page_size=50, cursor=cursor)
        notices.append(page.notice)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert notices[0] is not None and "result limit" in notices[0]


def test_a_query_sorted_by_a_field_that_notion_cuts_off_is_refused_not_shortened(
    capped: tuple[NotionStore, NotionEmulator, list[str]],
) -> None:
    store, _, _ = capped
    with pytest.raises(StoreError, match="result limit"):
        list(iter_records(store, ViralDNA, sorts=[Sort("title")]))

