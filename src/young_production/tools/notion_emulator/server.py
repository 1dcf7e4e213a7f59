"""The loopback HTTP server speaking the Notion API subset we use.

    with NotionEmulator(rate=None) as emu:
        client = notion_client.Client(auth=emu.api_key, base_url=emu.base_url)

Each request is checked for the bearer token and the Notion-Version header (the
emulator speaks 2025-09-03 only: another version gets the 400 Notion sends for a
version it does not know), then goes through the fault knobs (latency, rate limit,
injected errors, access) before the in-memory state handles it. A "dropped" write is
applied and its connection closed without an answer.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .faults import Faults, InjectedFault, TokenBucket, retry_after_seconds
from .objects import ApiError
from .state import QUERY_RESULT_LIMIT, NotionState

NOTION_VERSION = "2025-09-03"
DEFAULT_API_KEY = "secret_yp_emulator"

_ID = r"([0-9a-fA-F-]{32,36})"
Route = tuple[str, re.Pattern[str], str]
ROUTES: list[Route] = [
    ("GET", re.compile(r"/v1/users/me"), "users.me"),
    ("POST", re.compile(r"/v1/databases"), "databases.create"),
    ("GET", re.compile(rf"/v1/databases/{_ID}"), "databases.retrieve"),
    ("GET", re.compile(rf"/v1/data_sources/{_ID}"), "data_sources.retrieve"),
    ("PATCH", re.compile(rf"/v1/data_sources/{_ID}"), "data_sources.update"),
    ("POST", re.compile(rf"/v1/data_sources/{_ID}/query"), "data_sources.query"),
    ("POST", re.compile(r"/v1/pages"), "pages.create"),
    ("GET", re.compile(rf"/v1/pages/{_ID}"), "pages.retrieve"),
    ("PATCH", re.compile(rf"/v1/pages/{_ID}"), "pages.update"),
    ("GET", re.compile(rf"/v1/pages/{_ID}/properties/([^/]+)"), "pages.properties.retrieve"),
    ("GET", re.compile(rf"/v1/blocks/{_ID}/children"), "blocks.children.list"),
    ("PATCH", re.compile(rf"/v1/blocks/{_ID}/children"), "blocks.children.append"),
    ("GET", re.compile(rf"/v1/blocks/{_ID}"), "blocks.retrieve"),
    ("PATCH", re.compile(rf"/v1/blocks/{_ID}"), "blocks.update"),
    ("DELETE", re.compile(rf"/v1/blocks/{_ID}"), "blocks.delete"),
    ("POST", re.compile(r"/v1/file_uploads"), "file_uploads.create"),
    ("POST", re.compile(rf"/v1/file_uploads/{_ID}/send"), "file_uploads.send"),
    ("GET", re.compile(rf"/v1/file_uploads/{_ID}"), "file_uploads.retrieve"),
]

_FAULT_BODIES = {
    409: ("conflict_error", "Conflict occurred while saving. Please try again."),
    429: ("rate_limited", "You have been rate limited. Please try again in a few minutes."),
    500: ("internal_server_error", "Unexpected error occurred."),
    503: ("service_unavailable", "Notion is unavailable, please try again later."),
    504: ("gateway_timeout", "Notion timed out, please try again later."),
    529: ("service_overload", "Notion is overloaded, please try again later."),
}


class NotionEmulator:
    """A Notion API emulator on 127.0.0.1; a context manager that starts and stops it.

    `rate` is requests/s for the 429 limiter (None: unlimited), `latency` seconds per
    request, `clock` the time pages are stamped with, `query_limit` where a query stops
    (Notion: 10,000), `exact_time_filters` whether timestamp filters compare the exact
    moment instead of the reported minute. `faults` and `state` stay reachable for tests; `requests` counts
    every request received by operation name (429 answers included).
    """

    def __init__(
        self,
        *,
        port: int = 0,
        rate: float | None = None,
        burst: float | None = None,
        latency: float = 0.0,
        api_key: str = DEFAULT_API_KEY,
        seed: int | None = None,
        clock: Callable[[], datetime] | None = None,
        query_limit: int = QUERY_RESULT_LIMIT,
        exact_time_filters: bool = False,
    ):
        self.api_key = api_key
        self.state = NotionState(seed=seed, clock=clock, query_limit=query_limit,
                                 exact_time_filters=exact_time_filters)
        self.faults = Faults(seed=seed)
        self.faults.configure(latency=latency)
        self.limiter = TokenBucket(rate, burst)
        self.requests: Counter[str] = Counter()
        self.rate_limited = 0
        self._count_lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def root_page_id(self) -> str:
        return self.state.root_page_id

    @property
    def total_requests(self) -> int:
        with self._count_lock:
            return sum(self.requests.values())

    def reset_counts(self) -> None:
        with self._count_lock:
            self.requests.clear()
            self.rate_limited = 0

    def start(self) -> NotionEmulator:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="notion-emulator", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve on the calling thread until interrupted (the `yp notion emulate` command)."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> NotionEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- called by the handler ------------------------------------------------------

    def count(self, operation: str, limited: bool = False) -> None:
        with self._count_lock:
            self.requests[operation] += 1
            self.rate_limited += limited

    def dispatch(self, operation: str, ids: tuple[str, ...], body: dict[str, Any], query: dict[str, Any]) -> Any:
        """`body` is the parsed JSON, or for a multipart file send {"content_type", "raw"}."""
        s = self.state
        handlers: dict[str, Callable[[], Any]] = {
            "users.me": s.bot_user,
            "databases.create": lambda: s.create_database(body),
            "databases.retrieve": lambda: s.retrieve_database(ids[0]),
            "data_sources.retrieve": lambda: s.retrieve_data_source(ids[0]),
            "data_sources.update": lambda: s.update_data_source(ids[0], body),
            "data_sources.query": lambda: s.query(ids[0], body),
            "pages.create": lambda: s.create_page(body),
            "pages.retrieve": lambda: s.retrieve_page(ids[0]),
            "pages.update": lambda: s.update_page(ids[0], body),
            "pages.properties.retrieve": lambda: s.retrieve_page_property(ids[0], ids[1], query),
            "blocks.children.list": lambda: s.list_children(ids[0], query),
            "blocks.children.append": lambda: s.append_children(ids[0], body),
            "blocks.retrieve": lambda: s.retrieve_block(ids[0]),
            "blocks.update": lambda: s.update_block(ids[0], body),
            "blocks.delete": lambda: s.delete_block(ids[0]),
            "file_uploads.create": lambda: s.uploads.create(body),
            "file_uploads.send": lambda: s.uploads.send(ids[0], body["content_type"], body["raw"]),
            "file_uploads.retrieve": lambda: s.uploads.retrieve(ids[0]),
        }
        return handlers[operation]()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler_for(emulator: NotionEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(_NotionHandler):
        emu = emulator

    return Handler


class _NotionHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "NotionEmulator/1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    emu: NotionEmulator

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: the emulator runs inside tests and benchmarks."""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def _handle(self, method: str) -> None:
        raw = self._read_body()
        emu = self.emu
        if emu.faults.latency:
            time.sleep(emu.faults.latency)
        url = urlsplit(self.path)
        operation, ids = _route(method, url.path)
        wait = emu.limiter.take()
        emu.count(operation or "unknown", limited=wait > 0)
        try:
            if wait > 0:
                raise _rate_limited(retry_after_seconds(wait))
            self._check_headers()
            if operation is None:
                raise ApiError(400, "invalid_request_url", "Invalid request URL.")
            fault = emu.faults.next_fault()
            if fault is not None:
                self._send_fault(fault)
                return
            if operation == "file_uploads.send":  # multipart bytes, not JSON
                body: dict[str, Any] = {"content_type": self.headers.get("Content-Type", ""), "raw": raw}
            else:
                body = self._parse_json(raw) if method in ("POST", "PATCH") else {}
            emu.state.check_access(ids, body)
            query = {k: v[-1] for k, v in parse_qs(url.query).items()}
            result = emu.dispatch(operation, ids, body, query)
        except ApiError as error:
            self._send(error.status, error.body(), error.headers)
            return
        except Exception as error:  # an emulator bug must not leave the client hanging
            failure = ApiError(500, "internal_server_error", f"emulator error: {type(error).__name__}: {error}")
            self._send(500, failure.body())
            return
        if method != "GET" and emu.faults.should_drop_write():
            self._drop_connection()
            return
        self._send(200, result)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _check_headers(self) -> None:
        auth = self.headers.get("Authorization", "")
        if auth != f"Bearer {self.emu.api_key}":
            raise ApiError(401, "unauthorized", "API token is invalid.")
        version = self.headers.get("Notion-Version")
        if version is None:
            raise ApiError(400, "missing_version",
                           "Notion-Version header failed validation: Notion-Version header should be defined, "
                           "instead was `undefined`.")
        if version != NOTION_VERSION:
            raise ApiError(400, "validation_error",
                           f"Notion-Version header failed validation: Notion-Version header should be "
                           f"`{NOTION_VERSION}`, instead was `{version}`.")

    @staticmethod
    def _parse_json(raw: bytes) -> dict[str, Any]:
        if not raw:
            return {}
        try:
            body = json.loads(raw)
        except ValueError:
            raise ApiError(400, "invalid_json", "Error parsing JSON body.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_json", "Error parsing JSON body.")
        return body

    def _send_fault(self, fault: InjectedFault) -> None:
        if fault.status in (429, 529):
            wait = 1 if fault.retry_after is None else fault.retry_after
            code, message = _FAULT_BODIES[fault.status]
            self._send(fault.status, ApiError(fault.status, code, message).body(), {"Retry-After": str(wait)})
        elif fault.status == 502:
            self._send_raw(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html")
        else:
            code, message = _FAULT_BODIES[fault.status]
            self._send(fault.status, ApiError(fault.status, code, message).body())

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self._send_raw(status, data, "application/json; charset=utf-8", headers)

    def _send_raw(self, status: int, data: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _drop_connection(self) -> None:
        """The write happened; the answer never arrives."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _route(method: str, path: str) -> tuple[str | None, tuple[str, ...]]:
    for verb, pattern, operation in ROUTES:
        match = pattern.fullmatch(path.rstrip("/"))
        if match and verb == method:
            return operation, match.groups()
    return None, ()


def _rate_limited(retry_after: int) -> ApiError:
    code, message = _FAULT_BODIES[429]
    return ApiError(429, code, message, {"Retry-After": str(retry_after)})
