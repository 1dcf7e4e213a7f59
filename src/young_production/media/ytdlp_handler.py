"""A yt-dlp request handler that sends every request through httpx on a pinned transport.

yt-dlp follows redirects and fetches media, caption, manifest and fragment URLs on
its own; with this handler as its only one (see `ytdlp.py`), each of those
connections is judged by the address guard and pinned to the checked address.
"""

from __future__ import annotations

import io
from typing import Any

import httpx
from yt_dlp.networking.common import Request, RequestHandler, Response
from yt_dlp.networking.exceptions import HTTPError, IncompleteRead, TransportError

from ..errors import AddressRefused, TransientError
from .guard import AddressGuard
from .pinned import pinned_client


class _Headers:
    """Response headers as yt-dlp's Response reads them (`.items()`), repeats kept."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self._pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return self._pairs


class _StreamReader(io.RawIOBase):
    """A file-like view of an httpx streaming response body (decoded, as yt-dlp expects)."""

    def __init__(self, response: httpx.Response):
        self._response = response
        self._chunks = response.iter_bytes()
        self._pending = b""

    def readable(self) -> bool:
        return True

    def read(self, amt: int | None = -1) -> bytes:
        if amt is None or amt < 0:
            data = self._pending + b"".join(self._chunks)
            self._pending = b""
            return data
        while len(self._pending) < amt:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            self._pending += chunk
        data, self._pending = self._pending[:amt], self._pending[amt:]
        return data

    def close(self) -> None:
        if not self.closed:
            self._response.close()
        super().close()


class _HttpxResponse(Response):
    def read(self, amt: int | None = None) -> bytes:
        try:
            data = self.fp.read(amt)
        except httpx.RemoteProtocolError as exc:
            raise IncompleteRead(partial=0, cause=exc) from exc
        except httpx.HTTPError as exc:
            raise TransportError(cause=exc) from exc
        if amt is None or (amt > 0 and not data):
            self.close()
        return data


class GuardedRH(RequestHandler):
    """yt-dlp request handler over httpx with pinned, guarded connections.

    `guard` is swapped per call by the owner (one YoutubeDL per thread); `refusal`
    keeps the last refusal, so the caller can report it instead of yt-dlp's wrapping.
    """

    _SUPPORTED_URL_SCHEMES = ("http", "https")
    _SUPPORTED_PROXY_SCHEMES = ()
    _SUPPORTED_FEATURES = ()

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.guard = AddressGuard()
        self.refusal: AddressRefused | None = None
        self.failed_url: str | None = None
        self._client: httpx.Client | None = None
        self._client_guard: AddressGuard | None = None

    def _check_proxies(self, proxies: dict[str, Any]) -> None:
        """Proxies are ignored, never used (see the module docstring)."""

    def _check_extensions(self, extensions: dict[str, Any]) -> None:
        super()._check_extensions(extensions)
        for supported in ("cookiejar", "timeout", "legacy_ssl", "keep_header_casing"):
            extensions.pop(supported, None)

    def client(self) -> httpx.Client:
        if self._client is None or self._client_guard is not self.guard:
            if self._client is not None:
                self._client.close()
            self._client = pinned_client(self.guard, follow_redirects=True, max_redirects=10)
            self._client_guard = self.guard
        return self._client

    def _send(self, request: Request) -> Response:
        client = self.client()
        client.cookies = self._get_cookiejar(request)  # httpx wraps the jar itself: cookies flow both ways
        data = request.data
        if data is not None and hasattr(data, "read"):
            data = data.read()
        try:
            built = client.build_request(
                request.method,
                request.url,
                headers=self._get_headers(request),
                content=data,
                timeout=self._calculate_timeout(request),
            )
            response = client.send(built, stream=True)
        except AddressRefused as exc:
            self.refusal, self.failed_url = exc, request.url
            raise TransportError(msg=str(exc), cause=exc) from exc
        except TransientError as exc:  # the host name did not resolve
            self.failed_url = request.url
            raise TransportError(msg=str(exc), cause=exc) from exc
        except httpx.TimeoutException as exc:
            self.failed_url = _hop_url(exc, request.url)
            raise TransportError(msg=f"timed out connecting to {self.failed_url}", cause=exc) from exc
        except httpx.TooManyRedirects as exc:
            self.failed_url = request.url
            raise TransportError(msg=f"too many redirects starting at {request.url}", cause=exc) from exc
        except httpx.HTTPError as exc:
            self.failed_url = _hop_url(exc, request.url)
            raise TransportError(cause=exc) from exc
        adapted = _HttpxResponse(
            fp=_StreamReader(response),
            url=str(response.url),
            headers=_Headers(response.headers.multi_items()),  # type: ignore[arg-type]
            status=response.status_code,
            reason=response.reason_phrase or None,
        )
        if not 200 <= response.status_code < 300:
            self.failed_url = str(response.url)
            raise HTTPError(adapted)
        return adapted

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _hop_url(exc: httpx.HTTPError, fallback: str) -> str:
    try:
        return str(exc.request.url)
    except RuntimeError:  # no request attached
        return fallback
