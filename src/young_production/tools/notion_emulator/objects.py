"""Notion object shapes for the emulator: rich text, property schemas and values, blocks.

Everything here is a pure function over JSON-like dicts. Inputs are validated the
way Notion validates them (and rejected with Notion's error shape and wording);
outputs are rendered the way Notion renders them.
"""

from __future__ import annotations

import json
import random
import string
import uuid
from datetime import datetime, timezone
from typing import Any

TEXT_LIMIT = 2000  # UTF-16 code units per text object
ARRAY_LIMIT = 100  # items in a rich text array, relation list, children list
BLOCKS_PER_REQUEST = 1000
MAX_NESTING = 2  # levels of children below the blocks of one request
RELATION_PAGE_REFS = 25  # references shown in a page object before `has_more`

STRING_TYPES = ("url", "email", "phone_number")
PROPERTY_TYPES = (
    "title", "rich_text", "number", "select", "multi_select", "status", "date", "checkbox",
    "relation", *STRING_TYPES,
)
TEXT_BLOCKS = (
    "paragraph", "heading_1", "heading_2", "heading_3", "bulleted_list_item",
    "numbered_list_item", "quote", "toggle", "to_do", "callout", "code",
)
HEADINGS = ("heading_1", "heading_2", "heading_3")
PARENT_BLOCKS = ("paragraph", "bulleted_list_item", "numbered_list_item", "quote", "toggle", "to_do", "callout")
ANNOTATIONS = {
    "bold": False, "italic": False, "strikethrough": False, "underline": False, "code": False,
    "color": "default",
}


class ApiError(Exception):
    """An error answer, in Notion's shape."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.status, self.code, self.message, self.headers)

    def body(self) -> dict[str, Any]:
        return {
            "object": "error", "status": self.status, "code": self.code,
            "message": self.message, "request_id": str(uuid.uuid4()),
        }


def invalid(message: str) -> ApiError:
    return ApiError(400, "validation_error", message)


def failed(path: str, should: str, got: str) -> ApiError:
    """Notion's wording for a request body that does not fit the schema."""
    return invalid(f"body failed validation: {path} should be {should}, instead was {got}.")


def too_long(path: str, limit: int, length: int) -> ApiError:
    return failed(f"{path}.length", f"≤ `{limit}`", f"`{length}`")


def not_found(kind: str, object_id: str) -> ApiError:
    return ApiError(
        404, "object_not_found",
        f"Could not find {kind} with ID: {object_id}. Make sure the relevant pages and "
        "databases are shared with your integration.",
    )


def archived_error() -> ApiError:
    return invalid("Can't edit block that is archived. You must unarchive the block before editing.")


def new_id() -> str:
    return str(uuid.uuid4())


def normalize_id(raw: str) -> str:
    """Notion accepts ids with or without dashes; we keep the dashed form."""
    compact = raw.replace("-", "").lower()
    if len(compact) != 32 or any(c not in string.hexdigits for c in compact):
        raise invalid(f"path failed validation: path.id should be a valid uuid, instead was `\"{raw}\"`.")
    return str(uuid.UUID(compact))


def timestamp(at: datetime | None = None) -> str:
    """Notion reports created/edited times rounded down to the minute."""
    at = (at or datetime.now(timezone.utc)).replace(second=0, microsecond=0)
    return at.strftime("%Y-%m-%dT%H:%M:00.000Z")


def short_property_id(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(4))


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def describe(value: Any) -> str:
    return "`" + json.dumps(value, ensure_ascii=False)[:80] + "`"


# ---- rich text -------------------------------------------------------------------------


def parse_rich_text(items: Any, path: str) -> list[dict[str, Any]]:
    """Validate a rich text array from a request; return the rendered (stored) form."""
    if not isinstance(items, list):
        raise failed(path, "an array", describe(items))
    if len(items) > ARRAY_LIMIT:
        raise too_long(path, ARRAY_LIMIT, len(items))
    rendered = []
    for i, item in enumerate(items):
        where = f"{path}[{i}]"
        if not isinstance(item, dict) or item.get("type", "text") != "text" or not isinstance(item.get("text"), dict):
            raise failed(f"{where}.text", "defined", "`undefined`")
        content = item["text"].get("content")
        if not isinstance(content, str):
            raise failed(f"{where}.text.content", "a string", describe(content))
        length = utf16_len(content)
        if length > TEXT_LIMIT:
            raise too_long(f"{where}.text.content", TEXT_LIMIT, length)
        link = item["text"].get("link")
        url = link.get("url") if isinstance(link, dict) else None
        rendered.append({
            "type": "text",
            "text": {"content": content, "link": {"url": url} if url else None},
            "annotations": {**ANNOTATIONS, **(item.get("annotations") or {})},
            "plain_text": content,
            "href": url,
        })
    return rendered


def plain_text(rich_text: list[dict[str, Any]]) -> str:
    return "".join(item["plain_text"] for item in rich_text)


# ---- property schemas ------------------------------------------------------------------


def parse_schema_property(name: str, spec: Any, rng: random.Random) -> dict[str, Any]:
    """A property definition from a create-database request, as stored (without relation ids resolved)."""
    if not isinstance(spec, dict):
        raise invalid(f"body failed validation: body.initial_data_source.properties.{name} should be an object.")
    kinds = [k for k in spec if k in PROPERTY_TYPES]
    declared = spec.get("type")
    kind = declared or (kinds[0] if len(kinds) == 1 else None)
    if kind not in PROPERTY_TYPES:
        raise invalid(
            f"body failed validation: body.initial_data_source.properties.{name} should define exactly one "
            f"of the supported property types ({', '.join(PROPERTY_TYPES)})."
        )
    config = dict(spec.get(kind) or {})
    prop: dict[str, Any] = {"id": "title" if kind == "title" else short_property_id(rng), "name": name,
                            "type": kind, "description": ""}
    if kind in ("select", "multi_select", "status"):
        options = []
        for option in config.get("options", []):
            options.append(new_option(option.get("name", ""), option.get("color", "default"), f"{name} option"))
        prop[kind] = {"options": options}
        if kind == "status":
            prop[kind]["groups"] = []
    elif kind == "number":
        prop[kind] = {"format": config.get("format", "number")}
    elif kind == "relation":
        if "data_source_id" not in config:
            raise invalid(
                f"body failed validation: body.initial_data_source.properties.{name}.relation.data_source_id "
                "should be defined, instead was `undefined`."
            )
        prop[kind] = {"data_source_id": config["data_source_id"], "type": "single_property", "single_property": {}}
    else:
        prop[kind] = {}
    return prop


def new_option(name: str, color: str = "default", where: str = "option") -> dict[str, Any]:
    if not isinstance(name, str) or not name:
        raise invalid(f"body failed validation: {where} name should be a non-empty string.")
    if "," in name:
        raise invalid(f"Invalid select option, commas not allowed: {name}")
    if len(name) > 100:
        raise too_long(f"{where} name", 100, len(name))
    return {"id": str(uuid.uuid4())[:8], "name": name, "color": color, "description": None}


def empty_value(kind: str) -> Any:
    return {"title": [], "rich_text": [], "multi_select": [], "relation": [], "checkbox": False}.get(kind)


# ---- property values -------------------------------------------------------------------


def parse_property_value(prop: dict[str, Any], value: Any) -> Any:
    """Validate one page property value from a request; return the stored form.

    Select options named in the value are returned as plain names; the caller
    resolves them against (and adds them to) the schema.
    """
    name, kind = prop["name"], prop["type"]
    path = f"body.properties.{name}"
    if not isinstance(value, dict) or kind not in value:
        raise invalid(f"{name} is expected to be {kind}.")
    raw = value[kind]
    if kind in ("title", "rich_text"):
        return parse_rich_text(raw, f"{path}.{kind}")
    if kind == "number":
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, (int, float))):
            raise failed(f"{path}.number", "a number or `null`", describe(raw))
        return raw
    if kind == "checkbox":
        if not isinstance(raw, bool):
            raise failed(f"{path}.checkbox", "a boolean", describe(raw))
        return raw
    if kind in STRING_TYPES:
        if raw is not None and not isinstance(raw, str):
            raise failed(f"{path}.{kind}", "a string or `null`", describe(raw))
        if raw is not None and utf16_len(raw) > TEXT_LIMIT:
            raise too_long(f"{path}.{kind}", TEXT_LIMIT, utf16_len(raw))
        return raw or None
    if kind in ("select", "status"):
        if raw is None:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str):
            raise failed(f"{path}.{kind}.name", "a string", describe(raw))
        return raw["name"]
    if kind == "multi_select":
        if not isinstance(raw, list) or not all(isinstance(o, dict) and isinstance(o.get("name"), str) for o in raw):
            raise failed(f"{path}.multi_select", "an array of options", describe(raw))
        if len(raw) > ARRAY_LIMIT:
            raise too_long(f"{path}.multi_select", ARRAY_LIMIT, len(raw))
        return list(dict.fromkeys(o["name"] for o in raw))
    if kind == "date":
        if raw is None:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("start"), str) or not valid_date(raw["start"]):
            raise failed(f"{path}.date.start", "a valid ISO 8601 date string", describe(raw))
        return {"start": raw["start"], "end": raw.get("end"), "time_zone": raw.get("time_zone")}
    if kind == "relation":
        if not isinstance(raw, list) or not all(isinstance(r, dict) and isinstance(r.get("id"), str) for r in raw):
            raise failed(f"{path}.relation", "an array of page references", describe(raw))
        if len(raw) > ARRAY_LIMIT:
            raise too_long(f"{path}.relation", ARRAY_LIMIT, len(raw))
        return list(dict.fromkeys(normalize_id(r["id"]) for r in raw))
    raise invalid(f"{name} is expected to be {kind}.")


def valid_date(text: str) -> bool:
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


def parse_date(text: str) -> datetime:
    """A Notion date start as an aware datetime (a bare date is midnight UTC)."""
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def render_property_value(prop: dict[str, Any], stored: Any, options: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A page property value as Notion returns it inside a page object."""
    kind = prop["type"]
    out: dict[str, Any] = {"id": prop["id"], "type": kind}
    if kind in ("select", "status"):
        out[kind] = options.get(stored) if stored else None
    elif kind == "multi_select":
        out[kind] = [options[name] for name in stored if name in options]
    elif kind == "relation":
        out[kind] = [{"id": page_id} for page_id in stored[:RELATION_PAGE_REFS]]
        out["has_more"] = len(stored) > RELATION_PAGE_REFS
    else:
        out[kind] = stored
    return out


# ---- blocks ----------------------------------------------------------------------------


def parse_children(children: Any, path: str = "body.children", depth: int = 0) -> list[dict[str, Any]]:
    """Validate blocks to append (Notion's limits included); return a normalised tree.

    Each node is `{"type", "data", "children"}` where data is the type's object
    with rich text rendered and without `children`.
    """
    if not isinstance(children, list):
        raise failed(path, "an array", describe(children))
    if len(children) > ARRAY_LIMIT:
        raise too_long(path, ARRAY_LIMIT, len(children))
    nodes = []
    for i, block in enumerate(children):
        where = f"{path}[{i}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind is None and isinstance(block, dict):
            kind = next((k for k in (*TEXT_BLOCKS, "divider", "image") if k in block), None)
        if kind not in (*TEXT_BLOCKS, "divider", "image") or not isinstance(block.get(kind), dict):
            raise failed(where, "a supported block object", describe(block))
        if kind == "image":
            nodes.append({"type": "image", "data": parse_image(block["image"], f"{where}.image"), "children": []})
            continue
        spec = dict(block[kind])
        nested = spec.pop("children", None)
        data: dict[str, Any] = {}
        if kind in TEXT_BLOCKS:
            data["rich_text"] = parse_rich_text(spec.get("rich_text", []), f"{where}.{kind}.rich_text")
            data["color"] = spec.get("color", "default")
            if kind in HEADINGS:
                data["is_toggleable"] = bool(spec.get("is_toggleable", False))
            if kind == "code":
                data["language"] = spec.get("language", "plain text")
                data["caption"] = []
            if kind == "to_do":
                data["checked"] = bool(spec.get("checked", False))
        sub: list[dict[str, Any]] = []
        if nested:
            if depth >= MAX_NESTING:
                raise invalid(
                    f"body failed validation: {where}.{kind}.children should be not present, instead was "
                    f"an array (at most {MAX_NESTING} levels of nesting per request)."
                )
            if not can_have_children(kind, data):
                raise invalid(f"Block type {kind} does not support children.")
            sub = parse_children(nested, f"{where}.{kind}.children", depth + 1)
        nodes.append({"type": kind, "data": data, "children": sub})
    return nodes


def parse_image(spec: dict[str, Any], path: str) -> dict[str, Any]:
    """An image block's file object: an uploaded file (by id) or an external URL."""
    source = spec.get("type")
    if source == "file_upload" and isinstance(spec.get("file_upload"), dict) and isinstance(spec["file_upload"].get("id"), str):
        data: dict[str, Any] = {"type": "file_upload", "file_upload": {"id": spec["file_upload"]["id"]}}
    elif source == "external" and isinstance(spec.get("external"), dict) and isinstance(spec["external"].get("url"), str):
        data = {"type": "external", "external": {"url": spec["external"]["url"]}}
    else:
        raise failed(path, "a file object of type `file_upload` or `external`", describe(spec))
    data["caption"] = parse_rich_text(spec.get("caption", []), f"{path}.caption")
    return data


def count_blocks(nodes: list[dict[str, Any]]) -> int:
    return sum(1 + count_blocks(n["children"]) for n in nodes)


def can_have_children(kind: str, data: dict[str, Any]) -> bool:
    return kind in PARENT_BLOCKS or (kind in HEADINGS and data.get("is_toggleable", False))


def parse_block_update(kind: str, current: dict[str, Any], spec: Any) -> dict[str, Any]:
    """New data for a block from an update-block request naming its type."""
    if not isinstance(spec, dict):
        raise invalid(f"body failed validation: body.{kind} should be an object.")
    data = dict(current)
    if "rich_text" in spec:
        data["rich_text"] = parse_rich_text(spec["rich_text"], f"body.{kind}.rich_text")
    for key in ("color", "is_toggleable", "checked", "language"):
        if key in spec and key in data:
            data[key] = spec[key]
    return data
