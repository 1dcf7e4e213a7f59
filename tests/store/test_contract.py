"""The Store contract: behaviour every backend must show, tested through the interface only.

Values are chosen so a remote backend can keep them exactly: date-times on whole minutes,
no empty strings (use None), no commas in multi_select options. Orders of empty values and
of select options are backend-specific and are not asserted here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from young_production.errors import NotFound, StoreError
from young_production.records import (
    RECORD_TYPES,
    Block,
    DNAStatus,
    Empire,
    Production,
    ProductionStatus,
    Record,
    Report,
    SourceType,
    TranscriptSource,
    VideoFormat,
    ViralDNA,
    bullet,
    heading,
    paragraph,
)
from young_production.store.base import Filter, Sort, Store, iter_records
from young_production.store.sample_data import load_sample_data

UTC = timezone.utc
CET = timezone(timedelta(hours=1))


def flatten(blocks: list[Block]) -> list[tuple[str, str]]:
    """(type, text) of every block, depth first: the reading order, whatever the nesting."""
    out: list[tuple[str, str]] = []
    for block in blocks:
        out.append((block.type, block.text))
        out.extend(flatten(block.children))
    return out


def fields_of(record: Record) -> dict[str, object]:
    return record.model_dump(exclude={"id", "created_at"})


# --- create / get ---------------------------------------------------------------------------


def full_empire() -> Empire:
    return Empire(
        key="empire:full",
        name="Money Lab",
        channel_url="https://www.youtube.com/@moneylab",
        youtube_channel_id="UC1234567890",
        niche_tags=["personal finance", "budgeting"],
        status="Active",
        notes="Plain talk about money.\nSecond line, with unicode: café ✓",
    )


def full_dna(empire_ids: list[str]) -> ViralDNA:
    return ViralDNA(
        key="dna:full",
        title="I tracked every coffee for a year",
        url="https://www.youtube.com/watch?v=abc123",
        source_type=SourceType.YOUTUBE_SHORT,
        niche_tags=["finance", "habits"],
        transcript="I spent $1,412 on coffee last year.",
        transcript_source=TranscriptSource.CAPTIONS,
        perspective="Small spending matters once you see the yearly total.",
        hook="I spent $1,412 on coffee last year.",
        hook_pattern="result_first",
        open_loop="By the end you'll see the one line that changed everything.",
        status=DNAStatus.ENCODED,
        error_reason=None,
        processed_at=datetime(2025, 3, 1, 15, 30, tzinfo=CET),
        views=1_840_000.0,
        empire_ids=empire_ids,
    )


def full_production(empire_ids: list[str], dna_ids: list[str]) -> Production:
    return Production(
        key="production:full",
        title="What a year of coffee costs you",
        status=ProductionStatus.PUBLISHED,
        format=VideoFormat.SHORT,
        empire_ids=empire_ids,
        dna_ids=dna_ids,
        youtube_url="https://www.youtube.com/watch?v=prod01",
        published_at=datetime(2025, 10, 14, 16, 0, tzinfo=UTC),
        views=86_000.0,
        outlier_score=2.4,
    )


def full_report(empire_ids: list[str]) -> Report:
    return Report(
        key="report:full",
        title="Money Lab review, October",
        empire_ids=empire_ids,
        workflow="wf4",
        period="2025-10",
        summary="Shorts outperform long videos 3:1.",
    )


def test_create_and_get_round_trip_every_record_type_and_field_kind(store: Store) -> None:
    before = datetime.now(UTC)
    empire = store.create(full_empire())
    other = store.create(Empire(name="Deep Build"))
    dna = store.create(full_dna([empire.id, other.id]))
    production = store.create(full_production([empire.id], [dna.id]))
    report = store.create(full_report([other.id, empire.id]))
    after = datetime.now(UTC)

    expected = {
        empire.id: full_empire(),
        dna.id: full_dna([empire.id, other.id]),
        production.id: full_production([empire.id], [dna.id]),
        report.id: full_report([other.id, empire.id]),
    }
    for created in (empire, dna, production, report):
        assert isinstance(created.id, str) and created.id
        assert created.created_at is not None and created.created_at.utcoffset() == timedelta(0)
        assert before - timedelta(minutes=2) <= created.created_at <= after + timedelta(minutes=1)
        fetched = store.get(type(created), created.id)
        assert fetched == created
        assert fields_of(fetched) == fields_of(expected[created.id])
    assert len({empire.id, other.id, dna.id, production.id, report.id}) == 5

    fetched_dna = store.get(ViralDNA, dna.id)
    assert fetched_dna.status is DNAStatus.ENCODED
    assert fetched_dna.source_type is SourceType.YOUTUBE_SHORT
    assert fetched_dna.transcript_source is TranscriptSource.CAPTIONS
    assert fetched_dna.processed_at == datetime(2025, 3, 1, 14, 30, tzinfo=UTC)
    assert fetched_dna.processed_at.utcoffset() == timedelta(0)
    fetched_production = store.get(Production, production.id)
    assert fetched_production.format is VideoFormat.SHORT
    assert fetched_production.status is ProductionStatus.PUBLISHED


def test_minimal_records_keep_nothing_as_nothing(store: Store) -> None:
    dna = store.get(ViralDNA, store.create(ViralDNA(title="bare")).id)
    assert dna.key is None and dna.url is None and dna.source_type is None
    assert dna.transcript is None and dna.processed_at is None and dna.views is None
    assert dna.niche_tags == [] and dna.empire_ids == []
    assert dna.status is DNAStatus.NEW
    production = store.get(Production, store.create(Production(title="bare")).id)
    assert production.status is ProductionStatus.IDEA and production.format is VideoFormat.VIDEO
    assert production.empire_ids == [] and production.dna_ids == []


def test_create_with_an_existing_key_returns_the_existing_record(store: Store) -> None:
    first = store.create(Empire(key="k1", name="First"), [paragraph("first body")])
    again = store.create(Empire(key="k1", name="Second"), [paragraph("second body")])
    assert again.id == first.id
    assert again.name == "First"
    assert [e.name for e in iter_records(store, Empire)] == ["First"]
    assert flatten(store.read_body(first.id)) == [("paragraph", "first body")]
    found = store.find_by_key(Empire, "k1")
    assert found is not None and found.id == first.id
    assert store.find_by_key(Empire, "k2") is None
    # keys are per collection
    dna = store.create(ViralDNA(key="k1", title="same key, other list"))
    assert dna.id != first.id


def test_unknown_ids_raise_not_found(store: Store) -> None:
    missing = str(uuid.uuid4())
    store.create(Empire(name="someone"))
    with pytest.raises(NotFound):
        store.get(Empire, missing)
    with pytest.raises(NotFound):
        store.update(Empire, missing, {"notes": "x"})
    with pytest.raises(NotFound):
        store.add_relations(Production, missing, "dna_ids", [missing])
    with pytest.raises(NotFound):
        store.read_body(missing)
    with pytest.raises(NotFound):
        store.append_body(missing, [paragraph("x")])
    with pytest.raises(NotFound):
        store.write_section(missing, "Script", [paragraph("x")])
    with pytest.raises(NotFound):
        store.trash(Empire, missing)
    assert issubclass(NotFound, StoreError)


# --- filters --------------------------------------------------------------------------------


@pytest.fixture
def dna_set(store: Store) -> tuple[list[str], list[str]]:
    """Four DNA entries (titles A-D) with varied values; returns (empire ids, dna ids)."""
    e1 = store.create(Empire(name="E1")).id
    e2 = store.create(Empire(name="E2")).id
    entries = [
        ViralDNA(
            title="A coffee habits",
            url="https://a.example/1",
            hook="Why do we buy coffee?",
            niche_tags=["finance", "habits"],
            status=DNAStatus.ENCODED,
            source_type=SourceType.YOUTUBE_VIDEO,
            views=100,
            perspective="Totals matter",
            processed_at=datetime(2025, 1, 10, 8, 0, tzinfo=UTC),
            empire_ids=[e1],
            hook_pattern="question",
        ),
        ViralDNA(
            title="B Bridge engineering",
            url="https://b.example/2",
            hook="This bridge moves.",
            niche_tags=["engineering"],
            status=DNAStatus.NEW,
            source_type=SourceType.ARTICLE,
            views=5000,
            processed_at=datetime(2025, 2, 10, 8, 0, tzinfo=UTC),
            empire_ids=[e1, e2],
            hook_pattern="bold_claim",
        ),
        ViralDNA(
            title="C rent tips",
            status=DNAStatus.FAILED,
            source_type=SourceType.TIKTOK,
            error_reason="private video",
        ),
        ViralDNA(
            title="D budget rules",
            url="https://d.example/4",
            niche_tags=["finance"],
            status=DNAStatus.NEW,
            views=250,
            processed_at=datetime(2025, 3, 10, 8, 0, tzinfo=UTC),
            empire_ids=[e2],
            perspective="Rules age",
        ),
    ]
    return [e1, e2], [store.create(entry).id for entry in entries]


JAN = datetime(2025, 1, 10, 8, 0, tzinfo=UTC)
FEB = datetime(2025, 2, 10, 8, 0, tzinfo=UTC)

FILTER_CASES: list[tuple[str, Callable[[list[str]], list[Filter]], str]] = [
    ("title eq", lambda e: [Filter.eq("title", "C rent tips")], "C"),
    ("text ne keeps empties", lambda e: [Filter("hook", "ne", "This bridge moves.")], "ACD"),
    ("text contains", lambda e: [Filter.contains("title", "Bridge")], "B"),
    ("text is_empty", lambda e: [Filter.empty("perspective")], "BC"),
    ("text is_not_empty", lambda e: [Filter.not_empty("error_reason")], "C"),
    ("url eq", lambda e: [Filter.eq("url", "https://d.example/4")], "D"),
    ("url is_empty", lambda e: [Filter.empty("url")], "C"),
    ("select eq enum", lambda e: [Filter.eq("status", DNAStatus.NEW)], "BD"),
    ("select eq by value", lambda e: [Filter.eq("status", "New")], "BD"),
    ("select ne", lambda e: [Filter("status", "ne", DNAStatus.FAILED)], "ABD"),
    ("plain select ne keeps empties", lambda e: [Filter("hook_pattern", "ne", "question")], "BCD"),
    ("select eq plain", lambda e: [Filter.eq("hook_pattern", "bold_claim")], "B"),
    ("select is_empty", lambda e: [Filter.empty("source_type")], "D"),
    ("select is_not_empty", lambda e: [Filter.not_empty("source_type")], "ABC"),
    ("multi_select contains", lambda e: [Filter.contains("niche_tags", "finance")], "AD"),
    ("multi_select is_empty", lambda e: [Filter.empty("niche_tags")], "C"),
    ("multi_select is_not_empty", lambda e: [Filter.not_empty("niche_tags")], "ABD"),
    ("relation contains", lambda e: [Filter.contains("empire_ids", e[0])], "AB"),
    ("relation contains other", lambda e: [Filter.contains("empire_ids", e[1])], "BD"),
    ("relation is_empty", lambda e: [Filter.empty("empire_ids")], "C"),
    ("relation is_not_empty", lambda e: [Filter.not_empty("empire_ids")], "ABD"),
    ("number eq", lambda e: [Filter.eq("views", 250)], "D"),
    ("number ne keeps empties", lambda e: [Filter("views", "ne", 250)], "ABC"),
    ("number gt", lambda e: [Filter("views", "gt", 100)], "BD"),
    ("number gte", lambda e: [Filter("views", "gte", 100)], "ABD"),
    ("number lt", lambda e: [Filter("views", "lt", 250)], "A"),
    ("number lte", lambda e: [Filter("views", "lte", 250.0)], "AD"),
    ("number is_empty", lambda e: [Filter.empty("views")], "C"),
    ("number is_not_empty", lambda e: [Filter.not_empty("views")], "ABD"),
    ("date eq", lambda e: [Filter.eq("processed_at", FEB)], "B"),
    ("date eq other zone", lambda e: [Filter.eq("processed_at", FEB.astimezone(CET))], "B"),
    ("date gt", lambda e: [Filter("processed_at", "gt", JAN)], "BD"),
    ("date gte", lambda e: [Filter("processed_at", "gte", JAN)], "ABD"),
    ("date lt", lambda e: [Filter("processed_at", "lt", FEB)], "A"),
    ("date lte", lambda e: [Filter("processed_at", "lte", FEB)], "AB"),
    ("date is_empty", lambda e: [Filter.empty("processed_at")], "C"),
    ("date is_not_empty", lambda e: [Filter.not_empty("processed_at")], "ABD"),
    (
        "filters are ANDed",
        lambda e: [Filter.eq("status", DNAStatus.NEW), Filter.contains("niche_tags", "finance")],
        "D",
    ),
    ("nothing matches", lambda e: [Filter.contains("niche_tags", "cooking")], ""),
]


@pytest.mark.parametrize(
    ("filters", "expected"), [c[1:] for c in FILTER_CASES], ids=[c[0] for c in FILTER_CASES]
)
def test_every_filter_op(
    store: Store,
    dna_set: tuple[list[str], list[str]],
    filters: Callable[[list[str]], list[Filter]],
    expected: str,
) -> None:
    empire_ids, _ = dna_set
    page = store.query(ViralDNA, filters(empire_ids))
    assert "".join(d.title[0] for d in page.items) == expected
    assert page.next_cursor is None


def test_text_contains_ignores_case(store: Store, dna_set: tuple[list[str], list[str]]) -> None:
    assert [d.title for d in store.query(ViralDNA, [Filter.contains("hook", "WHY DO")]).items] == [
        "A coffee habits"
    ]


BAD_FILTERS: list[tuple[Filter, tuple[str, ...]]] = [
    (Filter.eq("colour", "red"), ("colour",)),
    (Filter("title", "gt", "A"), ("title",)),
    (Filter("views", "contains", "1"), ("views", "number")),
    (Filter.eq("niche_tags", "finance"), ("niche_tags", "multi_select")),
    (Filter("empire_ids", "gt", "x"), ("empire_ids", "relation")),
    (Filter("processed_at", "ne", JAN), ("processed_at", "date")),
    (Filter("views", "gt", "ten"), ("views",)),
    (Filter("processed_at", "gt", 12), ("processed_at",)),
    (Filter.eq("status", "Bogus"), ("status",)),
]


@pytest.mark.parametrize(
    ("flt", "named"), BAD_FILTERS, ids=[f"{f.field}-{f.op}" for f, _ in BAD_FILTERS]
)
def test_filters_that_do_not_fit_the_field_are_refused(
    store: Store, flt: Filter, named: tuple[str, ...]
) -> None:
    with pytest.raises(StoreError) as error:
        store.query(ViralDNA, [flt])
    for word in named:
        assert word in str(error.value)


# --- sorts and pagination -------------------------------------------------------------------


def test_default_order_is_creation_order(store: Store) -> None:
    names = ["zeta", "alpha", "mid", "beta", "omega"]
    for name in names:
        store.create(Empire(name=name))
    assert [e.name for e in store.query(Empire).items] == names


def test_sorts(store: Store, dna_set: tuple[list[str], list[str]]) -> None:
    with_views = [Filter.not_empty("views")]

    def titles(filters: list[Filter], *sorts: Sort) -> str:
        return "".join(d.title[0] for d in store.query(ViralDNA, filters, list(sorts)).items)

    assert titles(with_views, Sort("views")) == "ADB"
    assert titles(with_views, Sort("views", descending=True)) == "BDA"
    assert titles(with_views, Sort("processed_at", descending=True)) == "DBA"
    assert titles([], Sort("title", descending=True)) == "DCBA"
    assert titles([], Sort("title")) == "ABCD"


def test_sort_by_several_fields(store: Store) -> None:
    for title, views in [("c", 10), ("a", 20), ("b", 10), ("d", 20), ("e", 5)]:
        store.create(Production(title=title, views=views))
    page = store.query(Production, sorts=[Sort("views", descending=True), Sort("title")])
    assert [p.title for p in page.items] == ["a", "d", "b", "c", "e"]


@pytest.mark.parametrize("field", ["niche_tags", "empire_ids", "colour"])
def test_sorting_by_a_list_or_unknown_field_is_refused(store: Store, field: str) -> None:
    with pytest.raises(StoreError, match=field):
        store.query(ViralDNA, sorts=[Sort(field)])


def test_pagination_over_more_than_100_records(store: Store) -> None:
    created = [
        store.create(Report(title=f"Report {i:03d}", workflow="even" if i % 2 == 0 else "odd")).id
        for i in range(105)
    ]
    first = store.query(Report)
    assert len(first.items) == 100 and first.next_cursor
    second = store.query(Report, cursor=first.next_cursor)
    assert len(second.items) == 5 and second.next_cursor is None
    assert [r.id for r in first.items + second.items] == created

    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = store.query(
            Report, [Filter.eq("workflow", "even")], [Sort("title", descending=True)], 7, cursor
        )
        seen.extend(r.title for r in page.items)
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == [f"Report {i:03d}" for i in range(104, -1, -2)]
    assert pages == 8  # 53 records in pages of 7


@pytest.mark.parametrize("size", [0, 101, -1])
def test_page_size_outside_1_to_100_is_refused(store: Store, size: int) -> None:
    with pytest.raises(StoreError, match="page_size"):
        store.query(Empire, page_size=size)


def test_iter_records_follows_cursors(store: Store) -> None:
    names = [f"Empire {i:02d}" for i in range(25)]
    for name in names:
        store.create(Empire(name=name))
    assert [e.name for e in iter_records(store, Empire, page_size=10)] == names
    assert [
        e.name for e in iter_records(store, Empire, [Filter.contains("name", "1")], page_size=3)
    ] == [
        "Empire 01",
        "Empire 10",
        "Empire 11",
        "Empire 12",
        "Empire 13",
        "Empire 14",
        "Empire 15",
        "Empire 16",
        "Empire 17",
        "Empire 18",
        "Empire 19",
        "Empire 21",
    ]


# --- update ---------------------------------------------------------------------------------


def test_update_sets_only_the_named_fields(store: Store) -> None:
    empire = store.create(Empire(name="E"))
    dna = store.create(full_dna([empire.id]))
    updated = store.update(ViralDNA, dna.id, {"hook": "A new hook", "views": 12})
    assert updated.hook == "A new hook" and updated.views == 12.0
    assert fields_of(updated) == {**fields_of(dna), "hook": "A new hook", "views": 12.0}
    assert store.get(ViralDNA, dna.id) == updated
    assert updated.created_at == dna.created_at


def test_update_converts_and_clears_values(store: Store) -> None:
    e1 = store.create(Empire(name="E1")).id
    e2 = store.create(Empire(name="E2")).id
    dna = store.create(full_dna([e1]))
    when = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    updated = store.update(
        ViralDNA,
        dna.id,
        {
            "status": "Failed",
            "source_type": SourceType.ARTICLE,
            "processed_at": when,
            "perspective": None,
            "niche_tags": ["renting"],
            "empire_ids": [e2],
        },
    )
    assert updated.status is DNAStatus.FAILED and updated.source_type is SourceType.ARTICLE
    assert updated.processed_at == when and updated.perspective is None
    assert updated.niche_tags == ["renting"] and updated.empire_ids == [e2]
    assert store.get(ViralDNA, dna.id) == updated
    assert [d.id for d in store.query(ViralDNA, [Filter.empty("perspective")]).items] == [dna.id]


def test_decoding_confidences_and_unsure_fields_round_trip(store: Store) -> None:
    dna = store.create(full_dna([]))
    assert dna.confidence == {} and dna.unsure == [] and dna.needs_review is False
    changes = {"confidence": {"hook_pattern": 0.42, "perspective": 0.91}, "unsure": ["hook_pattern"],
               "needs_review": True, "hook_pattern": None}
    updated = store.update(ViralDNA, dna.id, changes)
    assert updated.confidence == {"hook_pattern": 0.42, "perspective": 0.91}
    assert updated.unsure == ["hook_pattern"] and updated.needs_review is True
    assert store.get(ViralDNA, dna.id) == updated
    assert [d.id for d in store.query(ViralDNA, [Filter("needs_review", "eq", True)]).items] == [dna.id]
    cleared = store.update(ViralDNA, dna.id, {"confidence": {}, "unsure": [], "needs_review": False})
    assert cleared.confidence == {} and cleared.unsure == [] and not cleared.needs_review


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"confidence": {"hook": 1.5}}, ("confidence",)),
        ({"confidence": "not json"}, ("confidence",)),
        ({"views": "lots"}, ("views", "number")),
        ({"status": "Bogus"}, ("status", "Encoded")),
        ({"processed_at": "yesterday-ish"}, ("processed_at", "date")),
        ({"niche_tags": "finance"}, ("niche_tags", "list")),
        ({"colour": "red"}, ("colour",)),
    ],
)
def test_update_refuses_values_that_do_not_fit(
    store: Store, changes: dict[str, object], named: tuple[str, ...]
) -> None:
    dna = store.create(full_dna([]))
    with pytest.raises(StoreError) as error:
        store.update(ViralDNA, dna.id, changes)
    for word in named:
        assert word in str(error.value)
    assert store.get(ViralDNA, dna.id) == dna


# --- relations ------------------------------------------------------------------------------


def test_add_relations_keeps_existing_dedupes_and_preserves_order(store: Store) -> None:
    d1, d2, d3 = (store.create(ViralDNA(title=t)).id for t in ("one", "two", "three"))
    production = store.create(Production(title="P", dna_ids=[d1]))
    other = store.create(Production(title="Q"))
    assert store.add_relations(Production, production.id, "dna_ids", [d2, d1, d2]).dna_ids == [
        d1,
        d2,
    ]
    again = store.add_relations(Production, production.id, "dna_ids", [d3, d1])
    assert again.dna_ids == [d1, d2, d3]
    assert store.get(Production, production.id).dna_ids == [d1, d2, d3]
    assert store.get(Production, production.id).empire_ids == []
    assert [p.id for p in store.query(Production, [Filter.contains("dna_ids", d3)]).items] == [
        production.id
    ]
    assert store.get(Production, other.id).dna_ids == []
    with pytest.raises(StoreError, match="title"):
        store.add_relations(Production, production.id, "title", [d1])


def test_a_relation_with_more_links_than_a_notion_page_object_shows(store: Store) -> None:
    # Notion cuts a relation at 25 links in page objects; the rest is read page by page.
    dna = [store.create(ViralDNA(title=f"d{i:02d}")).id for i in range(30)]
    production = store.create(Production(title="P", dna_ids=dna))
    assert production.dna_ids == dna
    assert store.get(Production, production.id).dna_ids == dna
    assert [p.dna_ids for p in store.query(Production).items] == [dna]


# --- page bodies ----------------------------------------------------------------------------


STYLE_BODY = [
    heading("Writing style", 1),
    paragraph("Plain talk about money."),
    bullet("Second person", [bullet("Say 'you'"), bullet("Short sentences")]),
    Block(type="numbered_list_item", text="Hook with the result"),
    Block(
        type="toggle",
        text="Words we avoid",
        children=[paragraph("hack, guru"), bullet("habit, not hack")],
    ),
    Block(type="quote", text="Rewrite it if a kid can't follow it."),
    Block(type="divider"),
    Block(type="code", text="print('hi')"),
    heading("End", 3),
]


def test_body_round_trip_with_nesting_and_a_toggle(store: Store) -> None:
    empire = store.create(Empire(name="Money Lab"), STYLE_BODY)
    assert store.read_body(empire.id) == STYLE_BODY
    assert store.read_body(store.create(Empire(name="No body")).id) == []


def test_append_body_adds_at_the_end(store: Store) -> None:
    empire = store.create(Empire(name="E"), [paragraph("first")])
    store.append_body(empire.id, [paragraph("second"), bullet("third", [bullet("fourth")])])
    store.append_body(empire.id, [paragraph("fifth")])
    assert flatten(store.read_body(empire.id)) == [
        ("paragraph", "first"),
        ("paragraph", "second"),
        ("bulleted_list_item", "third"),
        ("bulleted_list_item", "fourth"),
        ("paragraph", "fifth"),
    ]


def test_write_section_replaces_instead_of_duplicating(store: Store) -> None:
    production = store.create(Production(title="P"), [heading("Notes"), paragraph("keep me")])
    store.write_section(production.id, "Script", [paragraph("draft one")])
    store.append_body(production.id, [paragraph("added later")])
    second = [paragraph("draft two"), bullet("scene", [bullet("shot")])]
    store.write_section(production.id, "Script", second)
    store.write_section(production.id, "Script", second)
    store.write_section(production.id, "Titles", [bullet("title A")])
    store.write_section(production.id, "Titles", [bullet("title B")])

    flat = flatten(store.read_body(production.id))
    headings = [text for kind, text in flat if kind.startswith("heading")]
    assert headings == ["Notes", "Script", "Titles"]
    assert [(k, t) for k, t in flat if not k.startswith("heading")] == [
        ("paragraph", "keep me"),
        ("paragraph", "draft two"),
        ("bulleted_list_item", "scene"),
        ("bulleted_list_item", "shot"),
        ("paragraph", "added later"),
        ("bulleted_list_item", "title B"),
    ]
    texts = [t for _, t in flat]
    assert texts.index("Script") < texts.index("draft two") < texts.index("added later")
    assert texts.index("Titles") < texts.index("title B")


# --- trash, inspect, sample data --------------------------------------------------------------


def test_trash_removes_the_record(store: Store) -> None:
    keep = store.create(ViralDNA(key="keep", title="keep"))
    gone = store.create(ViralDNA(key="gone", title="gone"), [paragraph("body")])
    store.trash(ViralDNA, gone.id)
    with pytest.raises(NotFound):
        store.get(ViralDNA, gone.id)
    assert [d.id for d in iter_records(store, ViralDNA)] == [keep.id]
    assert store.find_by_key(ViralDNA, "gone") is None
    assert store.create(ViralDNA(key="gone", title="again")).id != gone.id


def test_inspect_lists_every_collection_and_field(store: Store) -> None:
    store.create(Empire(name="E"))
    infos = {info.collection: info for info in store.inspect()}
    assert set(infos) == set(RECORD_TYPES)
    for collection, record_type in RECORD_TYPES.items():
        info = infos[collection]
        kinds = {f.name: f.kind for f in info.fields}
        assert {n: kinds.get(n) for n in record_type.field_kinds()} == record_type.field_kinds()
        assert all(f.ok for f in info.fields), [f for f in info.fields if not f.ok]
        assert info.location
    assert infos["empires"].count in (1, None)


def test_sample_data_loads_once_with_linked_records_and_style_bodies(store: Store) -> None:
    assert load_sample_data(store) == {"empires": 2, "viral_dna": 6, "productions": 4}
    assert load_sample_data(store) == {"empires": 0, "viral_dna": 0, "productions": 0}

    empires = list(iter_records(store, Empire))
    assert len(empires) == 2
    for empire in empires:
        body = store.read_body(empire.id)
        assert any(b.type == "toggle" and b.children for b in body)
        assert any(b.type == "bulleted_list_item" and b.children for b in body)
    dna = list(iter_records(store, ViralDNA))
    assert len(dna) == 6
    assert len({d.source_type for d in dna}) == 6
    encoded = store.query(ViralDNA, [Filter.eq("status", DNAStatus.ENCODED)]).items
    assert len(encoded) >= 2 and all(d.perspective and d.hook for d in encoded)
    assert store.query(
        ViralDNA, [Filter.empty("perspective"), Filter("status", "ne", DNAStatus.FAILED)]
    ).items
    productions = list(iter_records(store, Production))
    assert len(productions) == 4
    empire_ids = {e.id for e in empires}
    dna_ids = {d.id for d in dna}
    assert all(p.empire_ids and set(p.empire_ids) <= empire_ids for p in productions)
    assert any(p.dna_ids for p in productions)
    assert all(set(p.dna_ids) <= dna_ids for p in productions)
