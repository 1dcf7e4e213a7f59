"""Finding the data source behind a configured database (API 2025-09-03: a database holds data sources).

Shared by the store and by setup/check, so neither imports the other for it.
"""

from __future__ import annotations

from notion_client.helpers import extract_notion_id

from .client import NotionAccountError, NotionClient, NotionRequestError


def resolve_data_source(client: NotionClient, configured: str) -> str | None:
    """The data source id for a configured database id or URL (a data source id works too).

    None when Notion has neither a database nor a data source at that id for this
    integration. A refused key or capability (401/403) is raised: nothing else would work.
    """
    raw = extract_notion_id(configured) or configured
    try:
        database = client.retrieve_database(raw)
    except NotionAccountError as error:
        if error.status != 404:
            raise
        database = None
    except NotionRequestError:
        return None
    if database is not None:
        sources = database.get("data_sources") or []
        return sources[0]["id"] if sources else None
    try:
        return client.retrieve_data_source(raw)["id"]
    except NotionAccountError as error:
        if error.status != 404:
            raise
        return None
    except NotionRequestError:
        return None
