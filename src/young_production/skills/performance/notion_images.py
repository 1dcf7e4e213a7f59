"""S13 on Notion: upload the report's chart PNGs with Notion's File Upload API.

Two calls per image, through the store's paced, retried `NotionClient`:
`POST /v1/file_uploads` (`mode: single_part`, filename, content type) answers a
pending upload's id; `POST /v1/file_uploads/{id}/send` with the bytes as multipart
`file` moves it to `uploaded`. An uploaded file must be attached to a block within
an hour, as an image block `{"type": "image", "image": {"type": "file_upload",
"file_upload": {"id": ...}}}` (`image_block`). Single-part uploads take up to 20 MB;
a chart is far smaller. A create is not retried blindly: the upload id is only known
from its answer, and an orphan pending upload expires on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from ...errors import StoreError
from ...records import Block, heading, image

SINGLE_PART_LIMIT = 20 * 1024 * 1024
T = TypeVar("T")


class PacedNotion(Protocol):
    """What `store.notion.client.NotionClient` offers: the SDK and its paced, retried `call`."""

    sdk: Any

    def call(self, operation: str, send: Callable[[], T], *, idempotent: bool,
             landed: Callable[[], T | None] | None = None) -> T: ...


def upload_png(client: PacedNotion, filename: str, data: bytes) -> str:
    """Upload one PNG; returns the file upload id to reference from an image block."""
    if len(data) > SINGLE_PART_LIMIT:
        raise StoreError(f"{filename} is {len(data) / 1048576:.1f} MB: Notion single-part uploads take 20 MB at most")
    created = client.call(
        "create file upload",
        lambda: client.sdk.file_uploads.create(mode="single_part", filename=filename, content_type="image/png"),
        idempotent=False,
    )
    upload_id = created["id"]
    sent = client.call(
        "send file upload",
        lambda: client.sdk.file_uploads.send(upload_id, file=(filename, data, "image/png")),
        idempotent=True,  # resending the same bytes to the same pending upload is harmless
    )
    if sent.get("status") != "uploaded":
        raise StoreError(f"Notion did not accept {filename}: upload status {sent.get('status')!r}")
    return upload_id


def upload_charts(client: PacedNotion, charts: Mapping[str, bytes]) -> dict[str, str]:
    """Every chart uploaded, by its file name: {filename: file upload id}."""
    return {name: upload_png(client, name, data) for name, data in charts.items()}


def image_block(upload_id: str, caption: str = "") -> dict[str, Any]:
    """The Notion block that shows an uploaded image (for the store's block appender)."""
    image: dict[str, Any] = {"type": "file_upload", "file_upload": {"id": upload_id}}
    if caption:
        image["caption"] = [{"type": "text", "text": {"content": caption[:2000]}}]
    return {"object": "block", "type": "image", "image": image}


def chart_blocks(store: object, charts: Mapping[str, bytes], titles: Mapping[str, str], local_dir: str) -> list[Block]:
    """A heading and an image block per chart: on Notion the PNG uploaded (`file_upload:<id>`),
    elsewhere its path `<local_dir>/<filename>` relative to the workspace."""
    client = getattr(store, "client", None) if getattr(store, "name", "") == "notion" else None
    blocks: list[Block] = []
    for name, data in charts.items():
        location = f"file_upload:{upload_png(client, name, data)}" if client is not None else f"{local_dir}/{name}"
        blocks += [heading(titles.get(name, name), 3), image(location)]
    return blocks
