"""Fetch web pages and files with httpx, and extract article text (trafilatura, then `media.article`).

We fetch ourselves instead of `trafilatura.fetch_url` so that every hop of a
redirect chain passes the address guard (the connection itself is pinned to the
checked address, see `pinned`), downloads are capped in size, and failures become
errors a person can act on.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

import httpx

from ..errors import SourceError, TransientError, YPError
from .article import extract_parts
from .guard import AddressGuard
from .pinned import pinned_client
from .sources import check_url_syntax

MAX_REDIRECTS = 5
_EMBEDDED_MEDIA = re.compile(
    rb"<video\b|<audio\b|<meta[^>]+property=[\"']og:(?:video|audio)[\"':]", re.IGNORECASE
)


@dataclass
class WebResponse:
    url: str  # after redirects
    status: int
    content_type: str  # lower case, without parameters
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def is_html(self) -> bool:
        return self.content_type in ("text/html", "application/xhtml+xml")

    def text(self) -> str:
        return self.body.decode(_charset(self.headers.get("content-type", "")), errors="replace")

    def embeds_media(self) -> bool:
        """True when an HTML page carries a <video>/<audio> element or an og:video tag."""
        return self.is_html and bool(_EMBEDDED_MEDIA.search(self.body))


def _charset(content_type: str) -> str:
    """The declared charset if Python knows it; UTF-8 otherwise (a server's typo is not our failure)."""
    match = re.search(r"charset=([\w.-]+)", content_type, re.IGNORECASE)
    if match:
        try:
            return codecs.lookup(match.group(1)).name
        except LookupError:
            pass
    return "utf-8"


def fetch(
    url: str,
    *,
    guard: AddressGuard,
    timeout: float,
    max_bytes: int,
    user_agent: str,
) -> WebResponse:
    """GET `url`, following up to 5 redirects; every connection is judged by `guard` and pinned."""
    with pinned_client(guard, timeout=timeout, follow_redirects=False, headers={"User-Agent": user_agent}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_url_syntax(url)  # scheme and form; the address is judged when connecting
            response = _get(client, url, timeout=timeout, max_bytes=max_bytes)
            if response.status in (301, 302, 303, 307, 308) and "location" in response.headers:
                url = urljoin(url, response.headers["location"])
                continue
            _raise_for_status(response.status, url)
            return response
    raise SourceError(f"too many redirects (more than {MAX_REDIRECTS}) starting at {url}")


def _get(client: httpx.Client, url: str, *, timeout: float, max_bytes: int) -> WebResponse:
    limit_mb = max_bytes / (1024 * 1024)
    try:
        with client.stream("GET", url) as r:
            headers = {k.lower(): v for k, v in r.headers.items()}
            if r.is_redirect:
                return WebResponse(url, r.status_code, "", b"", headers)
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(f"{url} is larger than the {limit_mb:.3g} MB download limit")
            chunks, size = [], 0
            for chunk in r.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(f"{url} is larger than the {limit_mb:.3g} MB download limit")
                chunks.append(chunk)
            content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
            return WebResponse(str(r.url), r.status_code, content_type, b"".join(chunks), headers)
    except httpx.TimeoutException:
        raise TransientError(f"timed out after {timeout:g} s fetching {url}") from None
    except httpx.ConnectError as exc:
        if "refused" in str(exc).lower():
            raise TransientError(f"connection refused by {_origin(url)} (is the server up?)") from None
        raise TransientError(f"could not connect to {_origin(url)}: {exc}") from None
    except httpx.InvalidURL as exc:
        raise SourceError(f"invalid URL {url}: {exc}") from None
    except httpx.HTTPError as exc:
        raise TransientError(f"network error fetching {url}: {exc}") from None


def _origin(url: str) -> str:
    parsed = httpx.URL(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port else parsed.host


def _raise_for_status(status: int, url: str) -> None:
    if status >= 400:
        raise http_status_error(status, url) or SourceError(f"server answered HTTP {status} for {url}")


def http_status_error(status: int, url: str) -> YPError | None:
    """Our error for an HTTP status with a clear meaning (gone, denied, retry later), else None."""
    if status in (404, 410):
        return SourceError(f"not found (HTTP {status}): {url}")
    if status in (401, 403):
        return SourceError(f"access denied (HTTP {status}): {url}")
    if status in (408, 425, 429) or status >= 500:
        return TransientError(f"server answered HTTP {status} for {url}; try again later")
    return None


@dataclass
class Article:
    title: str | None
    description: str | None
    text: str
    author: str | None = None
    date: str | None = None
    sitename: str | None = None


def extract_article(html: str, url: str | None = None) -> Article:
    """Main text and metadata of an HTML page; navigation, ads, footers, headlines, standfirst, bylines,
    dates and photo credits are kept out of the text (see `media.article`)."""
    parts = extract_parts(html, url)
    return Article(
        title=parts.title,
        description=parts.standfirst or parts.description,
        text=parts.body,
        author=parts.byline,
        date=parts.date,
        sitename=parts.sitename,
    )
