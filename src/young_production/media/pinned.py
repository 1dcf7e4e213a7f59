"""Connections that go only where the guard allowed (httpx; `ytdlp_handler` reuses it for yt-dlp).

Both route every TCP connection through `AddressGuard.resolve(host, port)`, which looks
the host up once, judges every address, and hands back the address to connect to. The
socket then connects to that address, while HTTP keeps the original Host header and
TLS the original server name (SNI and certificate checks). Redirect hops open their
own connections, so each hop is judged the same way, whichever library follows it.

- httpx: `pinned_transport(guard)` is an `httpx.HTTPTransport` whose connection pool
  uses `PinnedBackend` for its sockets.
- yt-dlp: `ytdlp_handler.GuardedRH` sends every yt-dlp request (pages, media,
  captions, manifests, fragments) through httpx on a pinned transport.
Proxies are never used: a proxy would make the checked address the proxy's, not the
target's.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpcore
import httpx

from .guard import AddressGuard


class PinnedBackend(httpcore.SyncBackend):
    """httpcore's socket backend, connecting only to the address the guard returned."""

    def __init__(self, guard: AddressGuard):
        self.guard = guard

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        address = self.guard.resolve(host, port)
        return super().connect_tcp(address, port, timeout, local_address, socket_options)


def pinned_transport(guard: AddressGuard, *, ssl_context: ssl.SSLContext) -> httpx.HTTPTransport:
    """An HTTP/1.1 transport whose every connection is judged by `guard` and pinned to the checked address."""
    transport = httpx.HTTPTransport(verify=ssl_context, trust_env=False)
    transport._pool = httpcore.ConnectionPool(  # the one pool httpx builds, with our socket backend
        ssl_context=ssl_context, http1=True, http2=False, network_backend=PinnedBackend(guard)
    )
    return transport


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every fetch: loading the CA bundle costs ~40 ms each time.

    Built as httpx builds its default (certifi, or SSL_CERT_FILE / SSL_CERT_DIR), so
    sharing it trusts the same roots as `verify=True` did. httpcore sets ALPN on it per
    connection; every client here speaks HTTP/1.1 only, so the shared value never changes.
    """
    return httpx.create_ssl_context()


def pinned_client(guard: AddressGuard, **options: Any) -> httpx.Client:
    """An httpx client on a pinned transport, ignoring proxy settings from the environment."""
    return httpx.Client(transport=pinned_transport(guard, ssl_context=tls_context()), trust_env=False, **options)
