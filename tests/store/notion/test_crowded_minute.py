"""More pages created in one minute than one Notion query returns are still all read (issue 17, item 5).

The emulator stops a query at LIMIT results (Notion: 10,000) and stamps pages to the
minute from a test clock. CROWD pages share one created_time minute, as Notion's CSV
import makes them; some carry a YP Key, some none (an import without that column).
The store reads that minute in parts: by last_edited_time, then by the YP Key.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import pytest

from young_production.errors import StoreError
from young_production.records import ViralDNA
from young_production.skills.crud import dna_filters
from young_production.store.base import Filter, Sort, iter_records
from young_production.store.notion.client import NotionClient
from young_production.store.notion.store import NotionStore
from young_production.tools.notion_emulator import NotionEmulator

from .factory import template_config, with_databases

LIMIT = 100
CROWD = 150
KEYLESS = 60  # of the crowd: pages an import made without a YP Key
START = datetime(2026, 11, 2, 8, 59, tzinfo=timezone.utc)


@dataclass
class Rig:
    store: NotionStore
    emulator: NotionEmulator
    now: list[datetime]
    minute_of: dict[str, int] = field(default_factory=dict)  # page id -> minutes after START

    def create(self, n: int, *, keyed: bool = True) -> str:
        """A page made at the clock's minute: through the store, or, keyless, straight into the database."""
        record = ViralDNA(key=f"dna:import:{n}" if keyed else None, title=f"row {n}", views=float(n % 3))
        if keyed:
            page_id = self.store.create(record).id
        else:
            mapping = self.store.mapping(ViralDNA)
            properties = mapping.to_properties({"title": record.title, "views": record.views, "status": record.status})
            source = self.store.data_source_id(ViralDNA)
            page_id = self.emulator.state.create_page(
                {"parent": {"data_source_id": source}, "properties": properties})["id"]
        self.minute_of[page_id] = int((self.now[0] - START).total_seconds() // 60)
        return page_id

    def queries(self) -> int:
        return sum(n for op, n in self.emulator.requests.items() if "query" in op)


@contextmanager
def crowded(exact: bool = False) -> Iterator[Rig]:
    """5 pages in 08:59, CROWD in 09:00 (KEYLESS of them without a YP Key), 5 in 09:01, seconds apart.

    `exact`: the emulator's timestamp filters compare the exact moment, not the reported minute.
    """
    now = [START]
    with NotionEmulator(clock=lambda: now[0], query_limit=LIMIT, exact_time_filters=exact) as emulator:
        config = with_databases(emulator, template_config(emulator))
        rig = Rig(NotionStore(config, NotionClient.from_config(config)), emulator, now)
        try:
            n = 0
            for minute, count in ((0, 5), (1, CROWD), (2, 5)):
                for i in range(count):
                    now[0] = START + timedelta(minutes=minute, seconds=i * 0.35)
                    rig.create(n, keyed=not (minute == 1 and i % 2 == 0 and i < 2 * KEYLESS))
                    n += 1
            yield rig
        finally:
            rig.store.close()


@pytest.fixture(scope="module", params=[False, True], ids=["minute-filters", "exact-filters"])
def rig(request: pytest.FixtureRequest) -> Iterator[Rig]:
    with crowded(request.param) as opened:
        yield opened


def test_the_crowd_is_what_the_issue_describes(rig: Rig) -> None:
    minutes = Counter(rig.minute_of.values())
    assert minutes == {0: 5, 1: CROWD, 2: 5}
    keyless = [r for r in iter_records(rig.store, ViralDNA) if r.key is None]
    assert len(keyless) == KEYLESS


@pytest.mark.parametrize("page_size", [100, 30])
def test_every_page_comes_once_in_creation_order(rig: Rig, page_size: int) -> None:
    got = [r.id for r in iter_records(rig.store, ViralDNA, page_size=page_size)]
    assert sorted(got) == sorted(rig.minute_of) and len(got) == len(set(got))  # 160 of 160, none twice
    assert [rig.minute_of[i] for i in got] == sorted(rig.minute_of[i] for i in got)


def test_newest_first_and_a_filter_are_complete_too(rig: Rig) -> None:
    newest = [r.id for r in iter_records(rig.store, ViralDNA, sorts=[Sort("created_at", descending=True)])]
    assert sorted(newest) == sorted(rig.minute_of) and len(newest) == len(set(newest))
    assert [rig.minute_of[i] for i in newest] == sorted((rig.minute_of[i] for i in newest), reverse=True)
    zeros = {r.id for r in iter_records(rig.store, ViralDNA, [Filter.eq("views", 0)])}
    expected = {r.id for r in iter_records(rig.store, ViralDNA) if r.views == 0}
    assert zeros == expected and len(zeros) > LIMIT // 3


@pytest.mark.parametrize("exact", [False, True], ids=["minute-filters", "exact-filters"])
def test_pages_edited_while_the_minute_is_read_are_neither_lost_nor_doubled(exact: bool) -> None:
    with crowded(exact) as rig:
        crowd = [i for i, m in rig.minute_of.items() if m == 1]
        got: list[str] = []
        cursor = None
        while True:
            page = rig.store.query(ViralDNA, page_size=40, cursor=cursor)
            got += [r.id for r in page.items]
            if len(got) == 80:  # halfway through the crowd: a collaborator edits ten of its pages
                rig.now[0] = START + timedelta(minutes=7, seconds=13)
                for page_id in crowd[::15]:
                    rig.store.update(ViralDNA, page_id, {"views": 99.0})
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert sorted(got) == sorted(rig.minute_of) and len(got) == len(set(got))


@pytest.mark.parametrize("exact", [False, True], ids=["minute-filters", "exact-filters"])
def test_edit_minutes_split_the_crowd_before_keys_do(exact: bool) -> None:
    with crowded(exact) as rig:
        rig.now[0] = START + timedelta(minutes=4, seconds=41)
        for page_id in [i for i, m in rig.minute_of.items() if m == 1][::2]:  # half the crowd edited later
            rig.store.update(ViralDNA, page_id, {"views": 7.0})
        before = rig.queries()
        got = [r.id for r in iter_records(rig.store, ViralDNA)]
        assert sorted(got) == sorted(rig.minute_of) and len(got) == len(set(got))
        assert rig.queries() - before <= 8  # a few parts, not a query per key


def test_a_minute_that_cannot_be_split_names_what_is_stuck() -> None:
    """More keyless pages in one minute, edited in one minute, than a query returns."""
    one_minute = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)
    with NotionEmulator(clock=lambda: one_minute, query_limit=5) as emulator:
        config = with_databases(emulator, template_config(emulator))
        store = NotionStore(config, NotionClient.from_config(config))
        rig = Rig(store, emulator, [one_minute])
        try:
            for i in range(8):
                rig.create(i, keyed=False)
            with pytest.raises(StoreError, match="created at 2026-11-02T09:00.*no YP Key") as caught:
                list(iter_records(store, ViralDNA, page_size=3))
            assert "\n" not in str(caught.value)
        finally:
            store.close()


def test_people_can_list_one_minute_with_created_after_and_before(rig: Rig) -> None:
    """`yp dna list --created-after/--created-before` as a library call: back-to-back windows tile."""
    windows = [("2026-11-02T08:00", "2026-11-02 09:00"), ("2026-11-02T09:00Z", "2026-11-02T09:01:00+00:00"),
               ("2026-11-02T10:01+01:00", "2026-11-03")]
    listed = [[r.id for r in iter_records(rig.store, ViralDNA, dna_filters(None, after, before))]
              for after, before in windows]
    assert [len(ids) for ids in listed] == [5, CROWD, 5]
    assert sorted(sum(listed, [])) == sorted(rig.minute_of)
    assert {rig.minute_of[i] for i in listed[1]} == {1}
    new = iter_records(rig.store, ViralDNA, dna_filters("new", "2026-11-02T09:00", "2026-11-02T09:01"))
    assert len(list(new)) == CROWD
