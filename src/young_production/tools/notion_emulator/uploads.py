"""Notion's File Upload API in the emulator: create, send (multipart), retrieve, attach.

Shapes follow Notion's reference: `POST /v1/file_uploads` answers a `file_upload`
object with status `pending`, an `upload_url` and an `expiry_time` an hour ahead;
`POST /v1/file_uploads/{id}/send` takes the bytes as the multipart `file` part and
answers status `uploaded` with `content_length`; an image block naming an uploaded
upload (`{"type": "file_upload", "file_upload": {"id": ...}}`) is stored as a
Notion-hosted file (`{"type": "file", "file": {"url", "expiry_time"}}`) and the
upload's `expiry_time` becomes null (attached). Only `single_part` uploads (up to
20 MB) are served; a send to an upload that is not pending, or an attach of one not
yet uploaded, is the 400 `validation_error` Notion answers.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from . import objects as o

SINGLE_PART_LIMIT = 20 * 1024 * 1024
HOSTED_URL = "https://prod-files-secure.s3.us-west-2.amazonaws.com/emulator/{id}/{name}"


class FileUploads:
    """The uploads of one emulated workspace (thread-safe)."""

    def __init__(self, clock: Callable[[], datetime]):
        self.clock = clock
        self.uploads: dict[str, dict[str, Any]] = {}
        self.contents: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        mode = body.get("mode", "single_part")
        if mode != "single_part":
            raise o.invalid(f"body failed validation: body.mode `{mode}` is not served by the emulator "
                            "(single_part only).")
        for name in ("filename", "content_type"):
            if body.get(name) is not None and not isinstance(body[name], str):
                raise o.failed(f"body.{name}", "a string", o.describe(body[name]))
        now = self.clock()
        upload_id = o.new_id()
        upload = {
            "object": "file_upload", "id": upload_id, "created_time": o.timestamp(now),
            "last_edited_time": o.timestamp(now), "expiry_time": o.timestamp(now + timedelta(hours=1)),
            "upload_url": f"https://api.notion.com/v1/file_uploads/{upload_id}/send", "archived": False,
            "status": "pending", "filename": body.get("filename"), "content_type": body.get("content_type"),
            "content_length": None,
        }
        with self._lock:
            self.uploads[upload_id] = upload
            return dict(upload)

    def send(self, raw_id: str, content_type: str, raw: bytes) -> dict[str, Any]:
        upload_id = o.normalize_id(raw_id)
        data, filename = _file_part(content_type, raw)
        if len(data) > SINGLE_PART_LIMIT:
            raise o.invalid(f"The file is larger than the {SINGLE_PART_LIMIT // 1048576} MB limit for single_part uploads.")
        with self._lock:
            upload = self._get(upload_id)
            if upload["status"] != "pending":
                raise o.invalid(f"File upload with ID {upload_id} is in status `{upload['status']}` and cannot be sent.")
            self.contents[upload_id] = data
            upload.update(status="uploaded", content_length=len(data), last_edited_time=o.timestamp(self.clock()))
            upload["filename"] = upload["filename"] or filename
            upload.pop("upload_url", None)
            return dict(upload)

    def retrieve(self, raw_id: str) -> dict[str, Any]:
        with self._lock:
            return dict(self._get(o.normalize_id(raw_id)))

    def attach_images(self, tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Parsed blocks with every `file_upload` image turned into the hosted file it becomes."""
        for node in tree:
            if node["type"] == "image" and node["data"].get("type") == "file_upload":
                node["data"] = self._hosted(node["data"])
            self.attach_images(node["children"])
        return tree

    def _hosted(self, image: dict[str, Any]) -> dict[str, Any]:
        upload_id = o.normalize_id(str(image["file_upload"].get("id", "")))
        with self._lock:
            upload = self.uploads.get(upload_id)
            if upload is None:
                raise o.invalid(f"Could not find file upload with ID: {upload_id}.")
            if upload["status"] != "uploaded":
                raise o.invalid(f"File upload with ID {upload_id} is in status `{upload['status']}`; "
                                "only uploaded files can be attached.")
            upload["expiry_time"] = None  # attached: it no longer expires
            name = upload.get("filename") or "file"
        expires = o.timestamp(self.clock() + timedelta(hours=1))
        return {"caption": image.get("caption", []), "type": "file",
                "file": {"url": HOSTED_URL.format(id=upload_id, name=name), "expiry_time": expires}}

    def _get(self, upload_id: str) -> dict[str, Any]:
        upload = self.uploads.get(upload_id)
        if upload is None:
            raise o.not_found("file upload", upload_id)
        return upload


def _file_part(content_type: str, raw: bytes) -> tuple[bytes, str | None]:
    """The multipart `file` part's bytes and file name; Notion's 400 when there is none."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise o.invalid("Send a file upload with Content-Type multipart/form-data and the file under the `file` key.")
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
    for part in message.iter_parts():
        if part.get_param("name", header="content-disposition") == "file":
            return part.get_payload(decode=True) or b"", part.get_filename()
    raise o.invalid("body failed validation: body.file should be defined, instead was `undefined`.")
