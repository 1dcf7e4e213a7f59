"""A small threaded HTTP server for the bundled sample content, on 127.0.0.1 only.

`yp demo` and the tests serve `young_production/samples/` with it so the real
yt-dlp, httpx and trafilatura fetch the samples over HTTP, exactly as they would
fetch a page on the web. Extra in-memory routes (`add_route`) let tests serve
corrupt bytes, error statuses and redirects without touching the samples.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..records import SourceType, TranscriptSource

_CONTENT_TYPES = {
    ".vtt": "text/vtt",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".png": "image/png",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}


@dataclass(frozen=True)
class Sample:
    """One bundled sample: where it is served and which transcription route it takes."""

    path: str
    title: str
    source_type: SourceType
    route: TranscriptSource
    key_words: tuple[str, ...]


SAMPLES: tuple[Sample, ...] = (
    Sample(
        "captioned/",
        "3 habits that beat talent (captioned video page)",
        SourceType.ARTICLE,  # a plain web page by URL; scraping finds the <video> and its captions
        TranscriptSource.CAPTIONS,
        ("habits", "breakfast", "talent"),
    ),
    Sample(
        "speech/story.mp4",
        "From 47 subscribers to a million views (speech clip, no captions)",
        SourceType.MEDIA,
        TranscriptSource.WHISPER,
        ("subscribers", "million", "question"),
    ),
    Sample(
        "article/",
        "Why some videos get 10x the views (article)",
        SourceType.ARTICLE,
        TranscriptSource.ARTICLE,
        ("outlier", "median", "packaging"),
    ),
    Sample(
        "images/quote-card.png",
        "Stop posting daily (quote card image)",
        SourceType.IMAGE,
        TranscriptSource.OCR,
        ("POSTING", "better", "average"),
    ),
)


def samples_dir() -> Path:
    """The folder holding the bundled samples (inside the installed package)."""
    return Path(str(resources.files("young_production") / "samples"))


@dataclass(frozen=True)
class Request:
    """One request the server answered: tests check who was (not) contacted, with which Host."""

    method: str
    path: str
    host: str


@dataclass
class _Route:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class _Handler(SimpleHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Stay quiet: the demo prints its own progress."""

    def guess_type(self, path: str | Path) -> str:
        suffix = Path(str(path)).suffix.lower()
        return _CONTENT_TYPES.get(suffix) or super().guess_type(path)

    def do_GET(self) -> None:
        self._record()
        if not self._send_route(with_body=True):
            super().do_GET()

    def do_HEAD(self) -> None:
        self._record()
        if not self._send_route(with_body=False):
            super().do_HEAD()

    def _record(self) -> None:
        with self.server.log_lock:
            self.server.log.append(Request(self.command, self.path, self.headers.get("Host", "")))

    def _send_route(self, with_body: bool) -> bool:
        route = self.server.routes.get(urlsplit(self.path).path)
        if route is None:
            return False
        self.send_response(route.status)
        self.send_header("Content-Type", route.content_type)
        self.send_header("Content-Length", str(len(route.body)))
        for name, value in route.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(route.body)
        return True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    routes: dict[str, _Route]
    log: list[Request]
    log_lock: threading.Lock

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients (yt-dlp probing a file) often hang up mid-body; that is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class SampleServer:
    """Serve a folder (the bundled samples by default) on an ephemeral 127.0.0.1 port.

    Use it as a context manager, or call `start()` and `stop()`.
    """

    def __init__(self, root: Path | None = None, port: int = 0):
        self.root = Path(root) if root is not None else samples_dir()
        if not self.root.is_dir():
            raise FileNotFoundError(f"sample folder not found: {self.root}")
        self._port = port
        self._routes: dict[str, _Route] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._log: list[Request] = []
        self._log_lock = threading.Lock()

    def add_route(
        self,
        path: str,
        body: bytes = b"",
        *,
        content_type: str = "application/octet-stream",
        status: int = HTTPStatus.OK,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer `path` with fixed bytes, status and headers (before or after `start()`)."""
        path = "/" + path.lstrip("/")
        self._routes[path] = _Route(body, content_type, int(status), dict(headers or {}))

    def start(self) -> SampleServer:
        if self._server is not None:
            return self
        root = str(self.root)

        def handler(*args: Any, **kwargs: Any) -> _Handler:
            return _Handler(*args, directory=root, **kwargs)

        self._server = _Server(("127.0.0.1", self._port), handler)
        self._server.routes = self._routes
        self._server.log, self._server.log_lock = self._log, self._log_lock
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="yp-sample-server", daemon=True
        )  # stop() waits for the next poll: 0.05 s instead of socketserver's 0.5 s
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    @property
    def requests(self) -> list[Request]:
        """Every request answered so far, oldest first."""
        with self._log_lock:
            return list(self._log)

    @property
    def address(self) -> tuple[str, int]:
        """(host, port) the server listens on, e.g. for `sources.allow_private_addresses`."""
        if self._server is None:
            raise RuntimeError("sample server is not running (call start())")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def allow_entry(self) -> str:
        """`host:port` of this server: the one allow-list entry a guard needs to reach it."""
        host, port = self.address
        return f"{host}:{port}"

    @property
    def base_url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}/"

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def __enter__(self) -> SampleServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
