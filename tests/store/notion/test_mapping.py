"""Records <-> properties as config/databases.yaml maps them, including renamed properties."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timezone
from importlib import resources

import notion_client
import pytest
import yaml

from young_production.config import NotionConfig, NotionDatabase, PropertyMap
from young_production.errors import StoreError
from young_production.records import DNAStatus, Production, SourceType, ViralDNA
from young_production.store.base import Filter, Sort
from young_production.tools.notion_emulator import NotionEmulator
from young_production.store.notion.mapping import CollectionMapping
from young_production.store.notion.store import NotionStore

from .factory import NotionRig, notion_rig, template_config


def rename_columns(config: NotionConfig) -> None:
    props = config.databases["viral_dna"].properties
    props["perspective"] = PropertyMap(name="Angle", type="rich_text")
    props["source_type"] = PropertyMap(name="Kind", type="rich_text")
    props["url"] = PropertyMap(name="Link", type="rich_text")
    props["status"] = PropertyMap(name="Stage", type="status")
    props["niche_tags"] = PropertyMap(name="Topics", type="multi_select")


@pytest.fixture
def renamed() -> Iterator[NotionRig]:
    """Databases whose columns a team named its own way, some in other compatible types."""
    with notion_rig(customize=rename_columns) as rig:
        yield rig


def raw_properties(rig: NotionRig, page_id: str) -> dict:
    sdk = notion_client.Client(auth=rig.emulator.api_key, base_url=rig.emulator.base_url)
    try:
        return sdk.pages.retrieve(page_id)["properties"]
    finally:
        sdk.close()


def test_renamed_properties_are_written_read_and_filtered_by_their_configured_names(renamed: NotionRig) -> None:
    store = renamed.store
    dna = store.create(ViralDNA(title="T", url="https://x.example/v", source_type=SourceType.ARTICLE,
                                niche_tags=["money", "habits"]))
    props = raw_properties(renamed, dna.id)
    assert {"Angle", "Kind", "Link", "Stage", "Topics"} <= set(props)
    assert "Extracted Perspective" not in props and "Tags (niche)" not in props
    assert props["Kind"]["rich_text"][0]["plain_text"] == "article"
    assert props["Link"]["type"] == "rich_text"
    assert props["Stage"]["status"]["name"] == "New"

    updated = store.update(ViralDNA, dna.id, {"perspective": "the angle", "status": DNAStatus.ENCODED})
    assert updated.perspective == "the angle" and updated.status is DNAStatus.ENCODED
    assert raw_properties(renamed, dna.id)["Angle"]["rich_text"][0]["plain_text"] == "the angle"

    assert store.get(ViralDNA, dna.id) == updated
    assert updated.source_type is SourceType.ARTICLE and updated.url == "https://x.example/v"
    assert [d.id for d in store.query(ViralDNA, [Filter.eq("status", "Encoded"),
                                                 Filter.contains("niche_tags", "money"),
                                                 Filter.eq("source_type", SourceType.ARTICLE)]).items] == [dna.id]
    assert store.query(ViralDNA, [Filter.empty("perspective")]).items == []


def default_dna_database() -> NotionDatabase:
    """The shipped mapping for Viral DNA."""
    raw = yaml.safe_load((resources.files("young_production") / "config_templates" / "databases.yaml").read_text())
    return NotionDatabase(properties=raw["notion"]["databases"]["viral_dna"]["properties"])


def mapping() -> CollectionMapping:
    return CollectionMapping(ViralDNA, default_dna_database())


def test_filters_become_notion_filter_objects() -> None:
    m = mapping()
    assert m.filter_json([Filter.empty("perspective")]) == {
        "property": "Extracted Perspective", "rich_text": {"is_empty": True}
    }
    assert m.filter_json([Filter.empty("perspective"), Filter("status", "ne", DNAStatus.FAILED)]) == {
        "and": [
            {"property": "Extracted Perspective", "rich_text": {"is_empty": True}},
            {"property": "Status", "select": {"does_not_equal": "Failed"}},
        ]
    }
    when = datetime(2025, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert m.filter_json([Filter("processed_at", "gte", when)]) == {
        "property": "Processed At", "date": {"on_or_after": "2025-01-01T12:00:00+00:00"}
    }
    assert m.filter_json([Filter("views", "lt", 5)]) == {"property": "Views", "number": {"less_than": 5}}
    assert m.filter_json([Filter.contains("niche_tags", "a")]) == {
        "property": "Tags (niche)", "multi_select": {"contains": "a"}
    }
    assert m.filter_json([Filter("created_at", "gt", when)]) == {
        "timestamp": "created_time", "created_time": {"after": "2025-01-01T12:00:00+00:00"}
    }
    assert m.sorts_json([Sort("views", descending=True)]) == [
        {"property": "Views", "direction": "descending"},
        {"timestamp": "created_time", "direction": "ascending"},
    ]


def test_values_become_notion_property_values_within_limits() -> None:
    m = mapping()
    props = m.to_properties({
        "title": "T", "transcript": "x" * 4100, "niche_tags": ["a, b", "a  b", "c"],
        "processed_at": datetime(2025, 1, 1, 13, 0, tzinfo=timezone.utc), "views": 3.0,
        "status": DNAStatus.NEW, "url": None, "empire_ids": ["p1", "p1", "p2"],
    })
    assert [len(t["text"]["content"]) for t in props["Transcript"]["rich_text"]] == [2000, 2000, 100]
    assert props["Tags (niche)"] == {"multi_select": [{"name": "a  b"}, {"name": "c"}]}  # commas are not allowed
    assert props["Status"] == {"select": {"name": "New"}}
    assert props["URL"] == {"url": None}
    assert props["Empires"] == {"relation": [{"id": "p1"}, {"id": "p2"}]}
    with pytest.raises(StoreError, match="at most 100 links"):
        m.to_properties({"empire_ids": [f"id{i}" for i in range(101)]})


def test_a_mapping_to_an_incompatible_type_is_refused_with_the_field_named() -> None:
    database = default_dna_database()
    database.properties["views"] = PropertyMap(name="Views", type="rich_text")
    with pytest.raises(StoreError, match=r"viral_dna\.views.*number"):
        CollectionMapping(ViralDNA, database)
    del database.properties["views"]
    with pytest.raises(StoreError, match="views"):
        CollectionMapping(ViralDNA, database)


def test_an_option_typed_by_hand_in_notion_is_ignored_with_a_warning(
    rig: NotionRig, caplog: pytest.LogCaptureFixture
) -> None:
    dna = rig.store.create(ViralDNA(title="T", status=DNAStatus.ENCODED, hook_pattern="question"))
    sdk = notion_client.Client(auth=rig.emulator.api_key, base_url=rig.emulator.base_url)
    try:
        sdk.pages.update(dna.id, properties={"Status": {"select": {"name": "Archived"}}})
    finally:
        sdk.close()
    with caplog.at_level(logging.WARNING):
        fetched = rig.store.get(ViralDNA, dna.id)
    assert fetched.status is DNAStatus.NEW and fetched.hook_pattern == "question"
    assert "Archived" in caplog.text and "Status" in caplog.text


def test_relations_over_25_links_are_read_in_full(rig: NotionRig) -> None:
    dna_ids = [rig.store.create(ViralDNA(title=f"d{i}")).id for i in range(40)]
    production = rig.store.create(Production(title="P", dna_ids=dna_ids))
    assert production.dna_ids == dna_ids
    assert rig.store.get(Production, production.id).dna_ids == dna_ids
    assert rig.store.query(Production).items[0].dna_ids == dna_ids


def test_the_store_refuses_to_start_without_a_database_id() -> None:
    with NotionEmulator() as emulator:
        config = template_config(emulator)
        store = NotionStore.from_config(config)
        try:
            with pytest.raises(StoreError, match="yp notion init"):
                store.query(ViralDNA)
        finally:
            store.close()
