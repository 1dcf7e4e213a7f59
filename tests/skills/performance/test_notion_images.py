"""Chart upload through Notion's File Upload API: the real SDK and our paced client against a loopback server.

The server speaks the two endpoints as Notion documents them (create a single-part
upload, then send the bytes as multipart `file`), with Notion's object shape and
its `validation_error` for a send to an unknown upload. The shared Notion emulator
does not serve file uploads; this one is enough for the upload half.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from young_production.config import NotionConfig
from young_production.errors import StoreError
from young_production.skills.performance.notion_images import image_block, upload_charts, upload_png
from young_production.store.notion.client import NotionClient, Pacer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


class FileUploads(BaseHTTPRequestHandler):
    uploads: dict[str, dict] = {}
    received: dict[str, bytes] = {}
    fail_creates = 0

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length)
        if self.headers.get("Authorization") != "Bearer secret_test":
            return self._send(401, {"object": "error", "status": 401, "code": "unauthorized", "message": "API token is invalid."})
        if self.path == "/v1/file_uploads":
            if FileUploads.fail_creates:
                FileUploads.fail_creates -= 1
                return self._send(503, {"object": "error", "status": 503, "code": "service_unavailable", "message": "Unavailable"})
            request = json.loads(body)
            upload_id = str(uuid.uuid4())
            upload = {"object": "file_upload", "id": upload_id, "created_time": "2025-06-01T12:00:00.000Z",
                      "last_edited_time": "2025-06-01T12:00:00.000Z", "expiry_time": "2025-06-01T13:00:00.000Z",
                      "upload_url": f"https://api.notion.com/v1/file_uploads/{upload_id}/send", "archived": False,
                      "status": "pending", "filename": request.get("filename"),
                      "content_type": request.get("content_type"), "content_length": None,
                      "request_id": str(uuid.uuid4())}
            FileUploads.uploads[upload_id] = upload
            return self._send(200, upload)
        parts = self.path.strip("/").split("/")
        if len(parts) == 4 and parts[:2] == ["v1", "file_uploads"] and parts[3] == "send":
            upload = FileUploads.uploads.get(parts[2])
            if upload is None:
                return self._send(400, {"object": "error", "status": 400, "code": "validation_error",
                                        "message": f"Could not find file upload with ID: {parts[2]}."})
            message = BytesParser(policy=HTTP).parsebytes(
                f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode() + body)
            files = [p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "file"]
            data = files[0].get_payload(decode=True) if files else b""
            FileUploads.received[parts[2]] = data
            upload.update(status="uploaded", content_length=len(data))
            upload.pop("upload_url", None)
            return self._send(200, upload)
        return self._send(404, {"object": "error", "status": 404, "code": "object_not_found", "message": "Not found"})

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def notion() -> Iterator[NotionClient]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FileUploads)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    FileUploads.uploads.clear()
    FileUploads.received.clear()
    config = NotionConfig(api_key="secret_test", base_url=f"http://127.0.0.1:{server.server_address[1]}")
    client = NotionClient.from_config(config, pacer=Pacer(1000.0), sleep=lambda s: None)
    try:
        yield client
    finally:
        client.close()
        server.shutdown()
        server.server_close()


def test_charts_are_created_then_sent_as_multipart(notion):
    ids = upload_charts(notion, {"views_over_time.png": PNG, "pattern_lift.png": PNG + b"x"})
    assert set(ids) == {"views_over_time.png", "pattern_lift.png"}
    for name, upload_id in ids.items():
        upload = FileUploads.uploads[upload_id]
        assert upload["status"] == "uploaded" and upload["filename"] == name
        assert upload["content_type"] == "image/png"
    assert FileUploads.received[ids["pattern_lift.png"]] == PNG + b"x"
    block = image_block(ids["pattern_lift.png"], "Pattern lift")
    assert block["image"] == {"type": "file_upload", "file_upload": {"id": ids["pattern_lift.png"]},
                              "caption": [{"type": "text", "text": {"content": "Pattern lift"}}]}


def test_a_failed_create_is_retried_by_the_paced_client(notion):
    FileUploads.fail_creates = 1
    upload_id = upload_png(notion, "chart.png", PNG)
    assert FileUploads.uploads[upload_id]["status"] == "uploaded"


def test_oversized_image_is_refused_before_any_request(notion):
    with pytest.raises(StoreError, match="20 MB"):
        upload_png(notion, "huge.png", b"\x00" * (20 * 1024 * 1024 + 1))
    assert FileUploads.uploads == {}
