"""What only the embedded store promises: its file, migrations, threads and transactions."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import ClassVar

import pytest

from young_production.errors import StoreError
from young_production.records import (
    Block,
    Empire,
    Production,
    Record,
    Report,
    ViralDNA,
    bullet,
    heading,
    kind,
    paragraph,
)
from young_production.store.base import Filter, Sort, Store, iter_records
from young_production.store.sqlite import SQLiteStore
from young_production.store.sqlite_schema import MIGRATIONS, migrate


class GadgetV1(Record):
    """A record type as an older release knew it."""

    collection: ClassVar[str] = "gadgets"

    name: str = kind("title")


class GadgetV2(GadgetV1):
    """The same collection after a release added two fields."""

    in_stock: bool = kind("checkbox", default=False)
    weight: float | None = kind("number", default=None)


def raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_a_new_database_is_at_the_latest_version_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "young.db"
    SQLiteStore(path).close()
    conn = raw(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"empires", "viral_dna", "productions", "reports", "relations", "blocks"} <= tables


def test_memory_store_fits_the_store_protocol() -> None:
    store = SQLiteStore(":memory:")
    assert isinstance(store, Store) and store.name == "sqlite"
    assert store.get(Empire, store.create(Empire(name="E")).id).name == "E"
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.query(Empire)


def test_a_database_from_an_older_release_is_upgraded_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = raw(path)
    conn.execute(
        "CREATE TABLE viral_dna (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
        "created_at TEXT NOT NULL, key TEXT, title TEXT, status TEXT)"
    )
    conn.execute(
        "INSERT INTO viral_dna (id, created_at, key, title, status) "
        "VALUES ('old-1', '2024-05-01T10:00:00.000000+00:00', 'k-old', 'From last year', 'Encoded')"
    )
    conn.close()

    store = SQLiteStore(path)
    old = store.get(ViralDNA, "old-1")
    assert old.title == "From last year" and old.status.value == "Encoded"
    assert old.niche_tags == [] and old.views is None and old.empire_ids == []
    assert all(f.ok for info in store.inspect() for f in info.fields)
    assert store.create(ViralDNA(key="k-old", title="again")).id == "old-1"  # key index added
    assert old.confidence == {} and old.unsure == [] and old.needs_review is False
    updated = store.update(ViralDNA, "old-1", {"views": 10, "niche_tags": ["x"], "unsure": ["perspective"]})
    assert updated.views == 10.0 and updated.niche_tags == ["x"] and updated.unsure == ["perspective"]
    store.close()
    assert raw(path).execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)


def test_pending_migration_steps_run_once_each_and_a_failed_step_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    SQLiteStore(path).close()
    runs: list[str] = []

    def add_notes_table(conn: sqlite3.Connection) -> None:
        runs.append("v2")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")

    def broken_step(conn: sqlite3.Connection) -> None:
        conn.execute("CREATE TABLE half_done (id INTEGER)")
        raise RuntimeError("power cut")

    conn = raw(path)
    migrate(conn, [Empire], [*MIGRATIONS, add_notes_table])
    migrate(conn, [Empire], [*MIGRATIONS, add_notes_table])
    assert runs == ["v2"]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    with pytest.raises(RuntimeError):
        migrate(conn, [Empire], [*MIGRATIONS, add_notes_table, broken_step])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
    assert (
        conn.execute("SELECT name FROM sqlite_master WHERE name = 'half_done'").fetchone() is None
    )


def test_a_database_newer_than_this_release_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    raw(path).execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer"):
        SQLiteStore(path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        SQLiteStore(path)


def test_a_field_added_to_a_model_gets_its_column(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    v1 = SQLiteStore(path, record_types=[GadgetV1])
    old_id = v1.create(GadgetV1(name="old")).id
    v1.close()

    v2 = SQLiteStore(path, record_types=[GadgetV2])
    old = v2.get(GadgetV2, old_id)
    assert old.in_stock is False and old.weight is None
    new = v2.create(GadgetV2(name="new", in_stock=True, weight=1.5))
    assert v2.get(GadgetV2, new.id) == new
    assert [g.name for g in v2.query(GadgetV2, [Filter.eq("in_stock", True)]).items] == ["new"]
    assert [g.name for g in v2.query(GadgetV2, [Filter("in_stock", "ne", True)]).items] == ["old"]
    assert [
        g.name for g in v2.query(GadgetV2, sorts=[Sort("in_stock", descending=True)]).items
    ] == [
        "new",
        "old",
    ]
    with pytest.raises(StoreError, match="in_stock"):
        v2.query(GadgetV2, [Filter.eq("in_stock", "yes")])
    with pytest.raises(StoreError, match="in_stock"):
        v2.query(GadgetV2, [Filter.empty("in_stock")])
    fields = {f.name: f for f in v2.inspect()[0].fields}
    assert (
        fields["in_stock"].stored_as.startswith("INTEGER") and fields["weight"].stored_as == "REAL"
    )
    with pytest.raises(StoreError, match="Empire"):
        v2.query(Empire)
    v2.close()


def test_inspect_flags_where_the_live_tables_differ_from_the_models(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    conn = raw(path)
    conn.execute(
        "CREATE TABLE viral_dna (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, "
        "created_at TEXT NOT NULL, views TEXT, legacy_score REAL)"
    )
    conn.close()
    store = SQLiteStore(path)
    conn = raw(path)  # another program changes the tables while the store is open
    conn.execute("ALTER TABLE viral_dna DROP COLUMN hook")
    conn.execute("DROP INDEX empires_key")
    conn.execute("DROP TABLE reports")

    infos = {info.collection: info for info in store.inspect()}
    problems = {
        (info.collection, f.name): f.problem
        for info in infos.values()
        for f in info.fields
        if not f.ok
    }
    assert infos["reports"].count is None
    assert {
        problems.pop(("reports", name)) for name in Report.field_kinds() if name != "empire_ids"
    } == {"column missing"}
    assert problems == {
        ("viral_dna", "hook"): "column missing",
        ("viral_dna", "views"): "column is TEXT, expected REAL",
        ("viral_dna", "legacy_score"): "column has no field in the model (ignored)",
        ("empires", "key"): "no UNIQUE index, so creates by key are not idempotent",
    }
    assert infos["viral_dna"].count == 0 and str(path) in infos["viral_dna"].location
    store.close()


def test_concurrent_creates_updates_and_reads_from_8_threads(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "young.db")
    start = threading.Barrier(8)

    def worker(n: int) -> list[str]:
        start.wait()
        ids = []
        for i in range(25):
            body = [paragraph(f"w{n} e{i}"), bullet("point", [bullet(f"detail {n}-{i}")])]
            dna = store.create(ViralDNA(key=f"w{n}-{i}", title=f"w{n} e{i}"), body)
            store.update(ViralDNA, dna.id, {"perspective": f"p{n}-{i}", "views": i})
            store.create(ViralDNA(key="shared", title=f"shared from {n}"))
            store.query(ViralDNA, [Filter.not_empty("perspective")], page_size=5)
            ids.append(dna.id)
        return ids

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(worker, range(8)))

    ids = [i for batch in results for i in batch]
    assert len(set(ids)) == 200
    records = list(iter_records(store, ViralDNA))
    assert len(records) == 201  # 200 entries + exactly one "shared"
    assert len(store.query(ViralDNA, [Filter.eq("key", "shared")]).items) == 1
    for record in records:
        if record.key != "shared":
            n, i = record.key.removeprefix("w").split("-")
            assert record.perspective == f"p{n}-{i}" and record.views == float(i)
    sample = store.get(ViralDNA, ids[137])
    assert [b.text for b in store.read_body(sample.id)[1].children] == [
        f"detail {sample.key.removeprefix('w')}"
    ]
    store.close()


def test_records_bodies_and_relations_survive_reopening(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    store = SQLiteStore(path)
    empire = store.create(
        Empire(key="e", name="E", niche_tags=["a"]), [heading("Style"), bullet("x", [bullet("y")])]
    )
    production = store.create(Production(title="P", empire_ids=[empire.id]))
    store.write_section(production.id, "Script", [paragraph("line")])
    store.close()

    reopened = SQLiteStore(path)
    assert reopened.get(Empire, empire.id) == empire
    assert reopened.get(Production, production.id) == production
    assert reopened.read_body(empire.id) == [heading("Style"), bullet("x", [bullet("y")])]
    reopened.write_section(production.id, "Script", [paragraph("line 2")])
    assert reopened.read_body(production.id) == [heading("Script"), paragraph("line 2")]
    assert reopened.create(Empire(key="e", name="dup")).id == empire.id
    reopened.close()


def test_a_write_that_fails_midway_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    store = SQLiteStore(path)
    empire = store.create(Empire(name="E"))
    # A trigger makes the database refuse one block, halfway through the body.
    raw(path).execute(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON blocks WHEN NEW.text = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'disk went away'); END"
    )
    with pytest.raises(StoreError, match="disk went away"):
        store.create(
            ViralDNA(key="half", title="half", empire_ids=[empire.id]),
            [paragraph("fine"), bullet("also fine", [paragraph("boom")])],
        )
    assert store.find_by_key(ViralDNA, "half") is None
    assert store.query(ViralDNA).items == []
    counts = raw(path).execute(
        "SELECT (SELECT COUNT(*) FROM blocks), (SELECT COUNT(*) FROM relations)"
    )
    assert counts.fetchone() == (0, 0)

    store.write_section(empire.id, "Script", [paragraph("v1")])
    with pytest.raises(StoreError):
        store.write_section(empire.id, "Script", [paragraph("v2"), paragraph("boom")])
    assert store.read_body(empire.id) == [heading("Script"), paragraph("v1")]
    store.close()


def test_trash_removes_links_in_both_directions_and_the_body(tmp_path: Path) -> None:
    path = tmp_path / "young.db"
    store = SQLiteStore(path)
    empire = store.create(Empire(name="E"), [paragraph("style")])
    other = store.create(Empire(name="F"))
    dna = store.create(ViralDNA(title="D", empire_ids=[empire.id, other.id]))
    report = store.create(Report(title="R", empire_ids=[empire.id]))
    store.trash(Empire, empire.id)
    assert store.get(ViralDNA, dna.id).empire_ids == [other.id]
    assert store.get(Report, report.id).empire_ids == []
    conn = raw(path)
    assert (
        conn.execute(
            "SELECT COUNT(*) FROM relations WHERE record_id = ? OR target_id = ?",
            (empire.id, empire.id),
        ).fetchone()[0]
        == 0
    )
    assert (
        conn.execute("SELECT COUNT(*) FROM blocks WHERE record_id = ?", (empire.id,)).fetchone()[0]
        == 0
    )
    store.close()


def test_cursors_stay_stable_while_records_are_inserted() -> None:
    store = SQLiteStore(":memory:")
    originals = [store.create(Empire(name=f"m{i:02d}")).id for i in range(30)]

    first = store.query(Empire, page_size=10)
    for i in range(5):
        store.create(Empire(name=f"late{i}"))
    rest = list(first.items)
    cursor = first.next_cursor
    while cursor:
        page = store.query(Empire, page_size=10, cursor=cursor)
        rest.extend(page.items)
        cursor = page.next_cursor
    assert [e.id for e in rest][:30] == originals and len({e.id for e in rest}) == 35

    by_name = store.query(
        Empire, [Filter.contains("name", "m")], [Sort("name", descending=True)], 10
    )
    store.create(Empire(name="m99"))  # sorts before the cursor: not seen, pushes nothing out
    store.create(Empire(name="m00b"))  # sorts after it: seen once
    seen = [e.name for e in by_name.items]
    cursor = by_name.next_cursor
    while cursor:
        page = store.query(
            Empire, [Filter.contains("name", "m")], [Sort("name", descending=True)], 10, cursor
        )
        seen.extend(e.name for e in page.items)
        cursor = page.next_cursor
    assert seen == [f"m{i:02d}" for i in range(29, 0, -1)] + ["m00b", "m00"]
    store.close()


def test_damaged_or_foreign_cursors_are_refused() -> None:
    store = SQLiteStore(":memory:")
    for i in range(3):
        store.create(Empire(name=f"e{i}"))
    cursor = store.query(Empire, sorts=[Sort("name")], page_size=1).next_cursor
    assert cursor
    for bad in ("not-a-cursor", cursor[:-3], "e30="):
        with pytest.raises(StoreError, match="cursor"):
            store.query(Empire, sorts=[Sort("name")], page_size=1, cursor=bad)
    with pytest.raises(StoreError, match="cursor"):
        store.query(Empire, sorts=[Sort("name", descending=True)], page_size=1, cursor=cursor)
    with pytest.raises(StoreError, match="cursor"):
        store.query(ViralDNA, page_size=1, cursor=cursor)
    store.close()


def test_empty_values_sort_last_in_both_directions() -> None:
    store = SQLiteStore(":memory:")
    for title, views in [("none1", None), ("low", 1), ("none2", None), ("high", 9)]:
        store.create(ViralDNA(title=title, views=views))
    up = [d.title for d in store.query(ViralDNA, sorts=[Sort("views")]).items]
    down = [d.title for d in store.query(ViralDNA, sorts=[Sort("views", descending=True)]).items]
    assert up == ["low", "high", "none1", "none2"]
    assert down == ["high", "low", "none1", "none2"]
    pages = [store.query(ViralDNA, sorts=[Sort("views")], page_size=1)]
    while pages[-1].next_cursor:
        pages.append(
            store.query(ViralDNA, sorts=[Sort("views")], page_size=1, cursor=pages[-1].next_cursor)
        )
    assert [p.items[0].title for p in pages] == up
    store.close()


def test_a_section_is_a_marked_heading_followed_by_its_blocks() -> None:
    store = SQLiteStore(":memory:")
    record = store.create(Production(title="P"), [paragraph("intro"), heading("Script")])
    store.write_section(record.id, "Script", [paragraph("ours")])
    store.append_body(record.id, [paragraph("tail")])
    store.write_section(record.id, "Script", [paragraph("ours 2"), bullet("b", [bullet("c")])])
    # the user's own "Script" heading is not ours and is left alone
    assert store.read_body(record.id) == [
        paragraph("intro"),
        heading("Script"),
        heading("Script"),
        paragraph("ours 2"),
        bullet("b", [bullet("c")]),
        paragraph("tail"),
    ]
    with pytest.raises(StoreError, match="name"):
        store.write_section(record.id, "  ", [paragraph("x")])
    store.close()


def test_update_refuses_store_fields_and_duplicate_keys() -> None:
    store = SQLiteStore(":memory:")
    first = store.create(Empire(key="a", name="A"))
    second = store.create(Empire(key="b", name="B"))
    with pytest.raises(StoreError, match="key 'a'"):
        store.update(Empire, second.id, {"key": "a"})
    for field in ("id", "created_at"):
        with pytest.raises(StoreError, match=field):
            store.update(Empire, first.id, {field: "x"})
    assert store.update(Empire, first.id, {}) == first
    assert store.get(Empire, second.id).key == "b"
    store.close()


def test_text_contains_is_unicode_case_insensitive_and_literal() -> None:
    store = SQLiteStore(":memory:")
    store.create(Empire(name="ÉCOLE 100% réelle"))
    store.create(Empire(name="plain_name"))

    def names(needle: str) -> list[str]:
        return [e.name for e in store.query(Empire, [Filter.contains("name", needle)]).items]

    assert names("école") == ["ÉCOLE 100% réelle"]
    assert names("100%") == ["ÉCOLE 100% réelle"]
    assert names("pl_in") == []  # "_" is no wildcard
    assert names("_") == ["plain_name"]
    store.close()


def test_block_children_may_nest_deeper_than_notion_allows_in_one_call() -> None:
    store = SQLiteStore(":memory:")
    deep = [
        bullet(
            "1",
            [
                bullet(
                    "2", [bullet("3", [Block(type="toggle", text="4", children=[paragraph("5")])])]
                )
            ],
        )
    ]
    record = store.create(Empire(name="E"), deep)
    assert store.read_body(record.id) == deep
    store.close()
