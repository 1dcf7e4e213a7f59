"""Creating the four databases under a page, and checking a workspace's databases.

`init_databases` is safe to run twice: a database already configured and reachable,
or already under the parent page with the expected title, is reused, not recreated;
a reused database gets the mapped properties it lacks (a release that adds record
fields ships their mapping in the template, see `config.with_template_defaults`).
`check_databases` verifies the key, access to each database, and every mapped
property's presence and type, before any workflow spends anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from notion_client.helpers import extract_notion_id

from ...config import NotionConfig, PropertyMap, Workspace
from ...errors import NotFound, StoreError
from ...records import RECORD_TYPES, Record
from ..base import CollectionInfo, FieldInfo
from ..fields import enum_of
from .blocks import iter_children
from .client import NotionAccountError, NotionClient, Pacer
from .data_sources import resolve_data_source
from .mapping import CollectionMapping

Json = dict[str, Any]

DATABASE_TITLES = {"empires": "Empires", "viral_dna": "Viral DNA", "productions": "Productions", "reports": "Reports"}
RELATION_TARGETS = {"empire_ids": "empires", "dna_ids": "viral_dna"}
CREATION_ORDER = ("empires", "viral_dna", "productions", "reports")


@dataclass
class DatabaseSetup:
    collection: str
    database_id: str
    data_source_id: str
    created: bool
    added_properties: list[str] = field(default_factory=list)  # Notion property names added to a reused database


def init_databases(
    client: NotionClient,
    parent_page: str,
    config: NotionConfig,
    record_types: Iterable[type[Record]] = RECORD_TYPES.values(),
) -> list[DatabaseSetup]:
    """Make sure every collection has its database under `parent_page` (an id or URL)."""
    kinds = {t.collection: t for t in record_types}
    parent_id = extract_notion_id(parent_page) or parent_page
    try:
        client.retrieve_page(parent_id)
    except NotFound:
        raise StoreError(
            f"Notion page {parent_page!r} not found, or not shared with the integration "
            "(open the page, … menu > Connections, add your integration)"
        ) from None
    existing = _child_databases(client, parent_id)
    done: dict[str, DatabaseSetup] = {}
    for collection in sorted(kinds, key=_creation_rank):
        kind = kinds[collection]
        mapping = _mapping(kind, config)
        title = DATABASE_TITLES.get(collection, collection.replace("_", " ").title())
        configured = config.databases[collection].id
        source = resolve_data_source(client, configured) if configured else None
        if source is not None:
            reused = DatabaseSetup(collection, extract_notion_id(configured) or configured, source, False)
        elif title in existing:
            reused = DatabaseSetup(collection, existing[title], _first_source(client, existing[title]), False)
        else:
            reused = None
        if reused is not None:
            reused.added_properties = _add_missing_properties(client, mapping, reused.data_source_id, done)
            done[collection] = reused
            continue
        body = {
            "parent": {"type": "page_id", "page_id": parent_id},
            "title": [{"type": "text", "text": {"content": title}}],
            "initial_data_source": {"properties": _schema(mapping, done)},
        }

        def landed(title: str = title) -> Json | None:
            found = _child_databases(client, parent_id).get(title)
            return client.retrieve_database(found) if found else None

        database = client.create_database(body, landed=landed)
        done[collection] = DatabaseSetup(collection, database["id"], database["data_sources"][0]["id"], True)
    return [done[c] for c in sorted(done, key=_creation_rank)]


def init_workspace(
    workspace: Workspace, parent_page: str, *, use_notion: bool = True, pacer: Pacer | None = None
) -> list[DatabaseSetup]:
    """`yp notion init`: the databases under `parent_page`, their ids saved in the workspace config.

    Field mappings the file lacked (taken from the shipped template) are written into it too.
    """
    config = workspace.store_config().notion
    client = NotionClient.from_config(config, pacer=pacer)
    try:
        setups = init_databases(client, parent_page, config)
    finally:
        client.close()
    defaulted = {
        collection: {name: database.properties[name] for name in sorted(database.from_template)}
        for collection, database in config.databases.items() if database.from_template
    }
    save_database_ids(workspace, setups, use_notion=use_notion, properties=defaulted)
    return setups


def save_database_ids(
    workspace: Workspace,
    setups: Iterable[DatabaseSetup],
    use_notion: bool = True,
    properties: Mapping[str, Mapping[str, PropertyMap]] | None = None,
) -> None:
    """Write the database ids (and any missing field mappings) into config/databases.yaml.

    Also selects the Notion store unless `use_notion` is false. Entries already in the
    file are never changed.
    """
    ids = {s.collection: s.database_id for s in setups}

    def mutate(data: dict[str, Any]) -> None:
        databases = data.setdefault("notion", {}).setdefault("databases", {})
        for collection, database_id in ids.items():
            databases.setdefault(collection, {})["id"] = database_id
        for collection, mapped in (properties or {}).items():
            entries = databases.setdefault(collection, {}).setdefault("properties", {})
            for name, prop in mapped.items():
                entries.setdefault(name, {"name": prop.name, "type": prop.type})
        if use_notion:
            data["store"] = "notion"

    workspace.update_yaml("databases.yaml", mutate)


def check_databases(
    client: NotionClient,
    config: NotionConfig,
    record_types: Iterable[type[Record]] = RECORD_TYPES.values(),
) -> list[CollectionInfo]:
    """Each collection's database and mapped properties as Notion has them, problems marked.

    Raises StoreError when the key itself is refused: nothing else can be checked then.
    """
    client.me()
    kinds = {t.collection: t for t in record_types}
    sources: dict[str, str] = {}
    infos = []
    for collection in sorted(kinds, key=_creation_rank):
        info, source = _check_collection(client, config, kinds[collection], sources)
        if source is not None:
            sources[collection] = source
        infos.append(info)
    return infos


def _check_collection(
    client: NotionClient, config: NotionConfig, kind: type[Record], sources: Mapping[str, str]
) -> tuple[CollectionInfo, str | None]:
    collection = kind.collection
    database = config.databases.get(collection)
    if database is None or not database.id:
        return _broken(collection, "not configured", "no database id: run `yp notion init --parent PAGE_ID`"), None
    location = f"Notion database {database.id}"
    try:
        mapping = CollectionMapping(kind, database)
    except StoreError as error:
        return _broken(collection, location, str(error)), None
    try:
        source_id = resolve_data_source(client, database.id)
        if source_id is None:
            return _broken(collection, location, "database not found, or not shared with the integration"), None
        properties = client.retrieve_data_source(source_id).get("properties", {})
    except NotionAccountError as error:
        if error.status == 401:
            raise
        return _broken(collection, location, str(error)), None  # one database refused: report, check the rest
    fields = []
    for name, kind_name in mapping.kinds.items():
        wanted = mapping.properties[name]
        found = properties.get(wanted.name)
        shipped = name in database.from_template
        note = " [mapping from the shipped template]" if shipped else ""
        info = FieldInfo(name=name, kind=kind_name, stored_as=f"{wanted.name} ({wanted.type}){note}")
        if found is None:
            fix = "; `yp notion init --parent PAGE_ID` adds it" if shipped else ""
            info.ok, info.problem = False, f"property {wanted.name!r} is missing (expected type {wanted.type}){fix}"
        elif found.get("type") != wanted.type:
            info.ok = False
            info.problem = f"property {wanted.name!r} is {found.get('type')}, expected {wanted.type}"
        elif wanted.type == "relation":
            target = sources.get(RELATION_TARGETS.get(name, ""))
            points_to = (found.get("relation") or {}).get("data_source_id")
            if target and points_to and points_to != target:
                info.ok = False
                info.problem = f"relation {wanted.name!r} points to another database than {RELATION_TARGETS[name]}"
        fields.append(info)
    return CollectionInfo(collection, f"{location} (data source {source_id})", None, fields), source_id


def _broken(collection: str, location: str, problem: str) -> CollectionInfo:
    return CollectionInfo(collection, location, None,
                          [FieldInfo(name="(database)", kind="database", stored_as="-", ok=False, problem=problem)])


def _mapping(kind: type[Record], config: NotionConfig) -> CollectionMapping:
    database = config.databases.get(kind.collection)
    if database is None:
        raise StoreError(f"config/databases.yaml has no notion.databases.{kind.collection} section")
    return CollectionMapping(kind, database)


def _schema(mapping: CollectionMapping, done: Mapping[str, DatabaseSetup]) -> Json:
    """The property definitions for a new database, from the config mapping."""
    schema: Json = {}
    for name, prop in mapping.properties.items():
        config: Json = {}
        if prop.type in ("select", "multi_select", "status"):
            options = enum_of(mapping.record_type, name) or ()
            config = {"options": [{"name": str(option.value)} for option in options]}
        elif prop.type == "relation":
            target = RELATION_TARGETS.get(name)
            if target not in done:
                raise StoreError(f"cannot create relation {prop.name!r}: no database for {target or name} yet")
            config = {"data_source_id": done[target].data_source_id, "single_property": {}}
        elif prop.type == "number":
            config = {"format": "number"}
        schema[prop.name] = {prop.type: config}
    return schema


def _add_missing_properties(
    client: NotionClient, mapping: CollectionMapping, data_source_id: str, done: Mapping[str, DatabaseSetup]
) -> list[str]:
    """Create the mapped properties a reused database lacks; returns their Notion names.

    A property that exists with another type is left alone (`check` reports it): changing
    a column's type in someone's workspace would lose their data.
    """
    present = client.retrieve_data_source(data_source_id).get("properties", {})
    schema = _schema(mapping, done)
    missing = {name: spec for name, spec in schema.items() if name not in present and "title" not in spec}
    if missing:
        client.update_data_source(data_source_id, {"properties": missing})
    return sorted(missing)


def _child_databases(client: NotionClient, page_id: str) -> dict[str, str]:
    """Databases directly under a page, id by title."""
    return {
        block["child_database"].get("title", ""): block["id"]
        for block in iter_children(client.list_children, page_id)
        if block.get("type") == "child_database"
    }


def _first_source(client: NotionClient, database_id: str) -> str:
    sources = client.retrieve_database(database_id).get("data_sources") or []
    if not sources:
        raise StoreError(f"Notion database {database_id} has no data source")
    return sources[0]["id"]


def _creation_rank(collection: str) -> int:
    return CREATION_ORDER.index(collection) if collection in CREATION_ORDER else len(CREATION_ORDER)

