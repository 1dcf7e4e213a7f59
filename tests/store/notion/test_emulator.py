"""The emulator speaks Notion's protocol: headers, error shapes, limits, pagination, faults."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from young_production.tools.notion_emulator import NOTION_VERSION, NotionEmulator


class Api:
    """Raw HTTP to the emulator, so the exact answers can be checked."""

    def __init__(self, emulator: NotionEmulator):
        self.emulator = emulator
        self.http = httpx.Client(
            base_url=emulator.base_url + "/v1",
            headers={"Authorization": f"Bearer {emulator.api_key}", "Notion-Version": NOTION_VERSION},
        )

    def __call__(self, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
        return self.http.request(method, path, json=body, params=params or None)

    def ok(self, method: str, path: str, body: Any = None, **params: Any) -> dict[str, Any]:
        answer = self(method, path, body, **params)
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture
def api() -> Iterator[Api]:
    with NotionEmulator() as emulator:
        client = Api(emulator)
        yield client
        client.http.close()


def text(content: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": content}}]


def database(api: Api, properties: dict[str, Any]) -> str:
    created = api.ok("POST", "/databases", {
        "parent": {"type": "page_id", "page_id": api.emulator.root_page_id},
        "title": text("Things"), "initial_data_source": {"properties": properties},
    })
    return created["data_sources"][0]["id"]


def assert_error(answer: httpx.Response, status: int, code: str, *words: str) -> None:
    assert answer.status_code == status
    body = answer.json()
    assert body["object"] == "error" and body["status"] == status and body["code"] == code
    for word in words:
        assert word in body["message"]


def test_auth_and_version_headers_are_checked(api: Api) -> None:
    headers = {"Notion-Version": NOTION_VERSION}
    assert_error(httpx.get(api.emulator.base_url + "/v1/users/me", headers=headers), 401, "unauthorized")
    auth = {"Authorization": f"Bearer {api.emulator.api_key}"}
    assert_error(httpx.get(api.emulator.base_url + "/v1/users/me", headers=auth), 400, "missing_version")
    old = {**auth, "Notion-Version": "2022-06-28"}
    me = api.emulator.base_url + "/v1/users/me"
    assert_error(httpx.get(me, headers=old), 400, "validation_error", NOTION_VERSION)
    assert_error(api("GET", "/nowhere"), 400, "invalid_request_url")
    assert_error(api("GET", f"/pages/{'0' * 32}"), 404, "object_not_found", "shared with your integration")


def test_property_values_are_validated_like_notion(api: Api) -> None:
    source = database(api, {"Name": {"title": {}}, "Views": {"number": {}}, "Tags": {"multi_select": {}},
                            "Link": {"relation": {"data_source_id": database(api, {"N": {"title": {}}})}}})
    parent = {"data_source_id": source}
    assert_error(api("POST", "/pages", {"parent": parent, "properties": {"Views": {"number": "12"}}}),
                 400, "validation_error", "Views", "number")
    assert_error(api("POST", "/pages", {"parent": parent, "properties": {"Views": {"rich_text": []}}}),
                 400, "validation_error", "Views is expected to be number")
    assert_error(api("POST", "/pages", {"parent": parent, "properties": {"Nope": {"number": 1}}}),
                 400, "validation_error", "Nope is not a property that exists")
    assert_error(api("POST", "/pages", {"parent": parent, "properties": {"Name": {"title": text("x" * 2001)}}}),
                 400, "validation_error", "2000")
    assert_error(api("POST", "/pages", {"parent": parent, "properties": {"Tags": {"multi_select": [{"name": "a,b"}]}}}),
                 400, "validation_error", "commas")
    too_many = [{"id": "0" * 32}] * 101
    assert_error(api("POST", "/pages", {"parent": parent, "properties": {"Link": {"relation": too_many}}}),
                 400, "validation_error", "100")
    assert api.emulator.state.pages_in(source) == []
    emoji = "😀" * 1000  # 2000 UTF-16 units: exactly at the limit
    page = api.ok("POST", "/pages", {"parent": parent, "properties": {"Name": {"title": text(emoji)}}})
    assert page["properties"]["Name"]["title"][0]["plain_text"] == emoji


def test_block_limits_are_enforced(api: Api) -> None:
    page = api.emulator.root_page_id
    para = {"type": "paragraph", "paragraph": {"rich_text": text("p")}}
    assert_error(api("PATCH", f"/blocks/{page}/children", {"children": [para] * 101}), 400, "validation_error", "100")

    def nested(levels: int) -> dict[str, Any]:
        block: dict[str, Any] = {"type": "bulleted_list_item", "bulleted_list_item": {"rich_text": text("b")}}
        if levels:
            block["bulleted_list_item"]["children"] = [nested(levels - 1)]
        return block

    api.ok("PATCH", f"/blocks/{page}/children", {"children": [nested(2)]})
    too_deep = api("PATCH", f"/blocks/{page}/children", {"children": [nested(3)]})
    assert_error(too_deep, 400, "validation_error", "nesting")
    heading = api.ok("PATCH", f"/blocks/{page}/children",
                     {"children": [{"type": "heading_2", "heading_2": {"rich_text": text("h")}}]})["results"][0]
    assert_error(api("PATCH", f"/blocks/{heading['id']}/children", {"children": [para]}),
                 400, "validation_error", "does not support children")


def test_children_paginate_and_append_after_a_block(api: Api) -> None:
    page = api.emulator.root_page_id
    blocks = [{"type": "paragraph", "paragraph": {"rich_text": text(str(i))}} for i in range(100)]
    first = api.ok("PATCH", f"/blocks/{page}/children", {"children": blocks})["results"]
    api.ok("PATCH", f"/blocks/{page}/children", {"children": blocks[:30]})
    inserted = api.ok("PATCH", f"/blocks/{page}/children",
                      {"children": [{"paragraph": {"rich_text": text("after 0")}}], "after": first[0]["id"]})
    assert inserted["results"][0]["paragraph"]["rich_text"][0]["plain_text"] == "after 0"
    seen, cursor = [], None
    while True:
        paging = {"start_cursor": cursor} if cursor else {}
        listing = api.ok("GET", f"/blocks/{page}/children", page_size=50, **paging)
        seen += [b["paragraph"]["rich_text"][0]["plain_text"] for b in listing["results"]]
        if not listing["has_more"]:
            break
        cursor = listing["next_cursor"]
    assert len(seen) == 131 and seen[:3] == ["0", "after 0", "1"]
    api.ok("DELETE", f"/blocks/{first[1]['id']}")
    assert_error(api("DELETE", f"/blocks/{first[1]['id']}"), 400, "validation_error", "archived")
    assert len(api.ok("GET", f"/blocks/{page}/children")["results"]) == 100


def test_queries_filter_sort_and_paginate(api: Api) -> None:
    source = database(api, {"Name": {"title": {}}, "Views": {"number": {}}, "Kind": {"select": {}}})
    for i in range(7):
        api.ok("POST", "/pages", {"parent": {"data_source_id": source}, "properties": {
            "Name": {"title": text(f"n{i}")}, "Views": {"number": i},
            "Kind": {"select": {"name": "even" if i % 2 == 0 else "odd"}},
        }})
    query = {
        "filter": {"or": [
            {"and": [{"property": "Kind", "select": {"equals": "even"}},
                     {"property": "Views", "number": {"greater_than": 0}}]},
            {"property": "Name", "title": {"equals": "n1"}},
        ]},
        "sorts": [{"property": "Views", "direction": "descending"}],
        "page_size": 2,
    }
    first = api.ok("POST", f"/data_sources/{source}/query", query)
    second = api.ok("POST", f"/data_sources/{source}/query", {**query, "start_cursor": first["next_cursor"]})
    names = [p["properties"]["Name"]["title"][0]["plain_text"] for p in first["results"] + second["results"]]
    assert names == ["n6", "n4", "n2", "n1"] and first["has_more"] and not second["has_more"]
    unknown = {"filter": {"property": "Nope", "number": {"equals": 1}}}
    assert_error(api("POST", f"/data_sources/{source}/query", unknown), 400, "validation_error", "Nope")
    assert_error(api("POST", f"/data_sources/{source}/query", {"page_size": 101}), 400, "validation_error", "100")


def test_trashed_pages_leave_queries_and_refuse_edits(api: Api) -> None:
    source = database(api, {"Name": {"title": {}}})
    page = api.ok("POST", "/pages", {"parent": {"data_source_id": source},
                                     "properties": {"Name": {"title": text("x")}}})
    api.ok("PATCH", f"/pages/{page['id']}", {"in_trash": True})
    assert api.ok("POST", f"/data_sources/{source}/query", {})["results"] == []
    assert api.ok("GET", f"/pages/{page['id']}")["in_trash"] is True
    assert_error(api("PATCH", f"/pages/{page['id']}", {"properties": {"Name": {"title": text("y")}}}),
                 400, "validation_error", "archived")
    api.ok("PATCH", f"/pages/{page['id']}", {"in_trash": False})
    assert len(api.ok("POST", f"/data_sources/{source}/query", {})["results"]) == 1


def test_rate_limit_answers_429_with_retry_after() -> None:
    with NotionEmulator(rate=2, burst=2) as emulator:
        api = Api(emulator)
        statuses = [api("GET", "/users/me").status_code for _ in range(4)]
        assert statuses[:2] == [200, 200] and 429 in statuses[2:]
        limited = api("GET", "/users/me")
        assert_error(limited, 429, "rate_limited")
        assert int(limited.headers["Retry-After"]) >= 1
        api.http.close()


def test_injected_faults_and_dropped_answers(api: Api) -> None:
    api.emulator.faults.fail_next(409, 502, 529)
    assert_error(api("GET", "/users/me"), 409, "conflict_error")
    assert api("GET", "/users/me").status_code == 502
    assert_error(api("GET", "/users/me"), 529, "service_overload")
    source = database(api, {"Name": {"title": {}}})
    api.emulator.faults.drop_next_writes(1)
    with pytest.raises(httpx.RemoteProtocolError):
        api("POST", "/pages", {"parent": {"data_source_id": source}, "properties": {"Name": {"title": text("x")}}})
    assert len(api.emulator.state.pages_in(source)) == 1  # applied, answer lost
    assert api.emulator.faults.injected == 3 and api.emulator.faults.dropped == 1
