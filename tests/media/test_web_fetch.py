import ssl

import pytest

from young_production.errors import AddressRefused, SourceError, TransientError
from young_production.media import web
from young_production.media.guard import AddressGuard
from young_production.media.pinned import tls_context
from young_production.tools.sample_server import SampleServer

from .guards import exact_guard


def fetch(url: str, max_bytes: int = 5_000_000, guard: AddressGuard | None = None) -> web.WebResponse:
    return web.fetch(url, guard=guard or exact_guard(url), timeout=5, max_bytes=max_bytes, user_agent="yp-tests")


def test_article_page_is_fetched_and_extracted(sample_server: str) -> None:
    response = fetch(sample_server + "article/")
    assert response.status == 200 and response.is_html and not response.embeds_media()
    article = web.extract_article(response.text(), response.url)
    assert article.title == "Why some videos get 10x the views of the rest of the channel"
    assert article.description and "outlier effect" in article.description
    assert article.author == "Creator Notes team"
    assert article.text.startswith("Why do some videos get ten times more views")
    assert "median views" in article.text and "the first thirty seconds" in article.text
    for clutter in ("Sign in", "Cookie settings", "Unsubscribe any time"):
        assert clutter not in article.text


def test_captioned_page_is_seen_to_embed_media(sample_server: str) -> None:
    assert fetch(sample_server + "captioned/").embeds_media()


def test_redirects_are_followed_and_each_hop_is_guarded(sample_http: SampleServer) -> None:
    sample_http.add_route("/go/article", status=302, headers={"Location": "/article/"})
    assert fetch(sample_http.url("go/article")).url.endswith("/article/")
    sample_http.add_route("/go/file", status=301, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(AddressRefused, match="only http and https"):
        fetch(sample_http.url("go/file"))
    sample_http.add_route("/go/loop", status=302, headers={"Location": "/go/loop"})
    with pytest.raises(SourceError, match="too many redirects"):
        fetch(sample_http.url("go/loop"))


def test_private_address_is_refused_before_connecting() -> None:
    with pytest.raises(AddressRefused):
        fetch("http://192.168.1.1/article", guard=AddressGuard())


def test_http_errors_are_permanent_or_transient(sample_http: SampleServer) -> None:
    with pytest.raises(SourceError, match=r"not found \(HTTP 404\)"):
        fetch(sample_http.url("missing/page.html"))
    sample_http.add_route("/status/403", status=403, content_type="text/html")
    with pytest.raises(SourceError, match=r"access denied \(HTTP 403\)"):
        fetch(sample_http.url("status/403"))
    sample_http.add_route("/status/503", status=503, content_type="text/html")
    with pytest.raises(TransientError, match="HTTP 503"):
        fetch(sample_http.url("status/503"))


def test_refused_connection_is_transient(closed_port_url: str) -> None:
    with pytest.raises(TransientError, match="connection refused by 127.0.0.1"):
        fetch(closed_port_url)


def test_downloads_are_capped(sample_server: str) -> None:
    with pytest.raises(SourceError, match="larger than the 0.1 MB download limit"):
        fetch(sample_server + "speech/story.mp4", max_bytes=104_858)


def test_page_without_text_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="no article text found"):
        web.extract_article("<html><head><title>Empty</title></head><body><div></div></body></html>", "http://x/")


def test_fetches_share_one_verifying_tls_context() -> None:
    context = tls_context()
    assert context is tls_context()
    assert context.verify_mode is ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] > 0  # httpx's default roots (certifi), loaded once


def test_unknown_charset_falls_back_to_utf8(sample_http: SampleServer) -> None:
    body = "<html><body><p>Caf\u00e9 hooks</p></body></html>".encode()
    sample_http.add_route("/odd-charset", body, content_type="text/html; charset=x-no-such-codec")
    sample_http.add_route("/latin1", "Caf\u00e9".encode("latin-1"), content_type="text/plain; charset=ISO-8859-1")
    assert "Caf\u00e9 hooks" in fetch(sample_http.url("odd-charset")).text()
    assert fetch(sample_http.url("latin1")).text() == "Caf\u00e9"
