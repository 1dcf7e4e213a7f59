"""Every connection made for a target is judged and pinned, whichever library makes it.

Two loopback servers: `site` is the only address:port the guard allows; `inside`
stands for a private address the site tries to reach (a 302, a <video src>, a caption
track, an HLS segment). `inside` must never see a request.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from young_production.config import PipelineConfig
from young_production.errors import AddressRefused, SourceError
from young_production.media import web, ytdlp
from young_production.media.guard import AddressGuard
from young_production.media.scrape import scrape
from young_production.records import SourceType
from young_production.tools.sample_server import SampleServer, samples_dir

CLIP = (samples_dir() / "speech" / "story.mp4").read_bytes()
VTT = (samples_dir() / "captioned" / "habits.en.vtt").read_bytes()


@pytest.fixture
def site() -> Iterator[SampleServer]:
    with SampleServer() as server:
        yield server


@pytest.fixture
def inside() -> Iterator[SampleServer]:
    with SampleServer() as server:
        server.add_route("/secret.mp4", CLIP, content_type="video/mp4")
        server.add_route("/secret.vtt", VTT, content_type="text/vtt")
        server.add_route("/seg0.ts", CLIP, content_type="video/mp2t")
        yield server


def only(server: SampleServer) -> AddressGuard:
    return AddressGuard([server.allow_entry])


def fetch_media(url: str, guard: AddressGuard, work_dir: Path) -> ytdlp.MediaFetch:
    return ytdlp.fetch_media(url, work_dir=work_dir, guard=guard, timeout=5, max_bytes=50_000_000, language="en")


def page(body: str) -> bytes:
    return f"<!doctype html><html><head><title>clip</title></head><body>{body}</body></html>".encode()


def test_httpx_redirect_to_a_refused_port(site: SampleServer, inside: SampleServer) -> None:
    site.add_route("/go", status=302, headers={"Location": inside.url("secret.mp4")})
    with pytest.raises(AddressRefused, match=f"refused 127.0.0.1:{inside.address[1]}"):
        web.fetch(site.url("go"), guard=only(site), timeout=5, max_bytes=10**7, user_agent="t")
    assert [r.path for r in site.requests] == ["/go"] and inside.requests == []


def test_ytdlp_media_url_redirect(site: SampleServer, inside: SampleServer, tmp_path: Path) -> None:
    site.add_route("/clip.mp4", status=302, headers={"Location": inside.url("secret.mp4")})
    with pytest.raises(AddressRefused, match=str(inside.address[1])):
        fetch_media(site.url("clip.mp4"), only(site), tmp_path)
    assert inside.requests == [] and site.requests


def test_ytdlp_page_redirect(site: SampleServer, inside: SampleServer, tmp_path: Path) -> None:
    site.add_route("/watch/1", status=301, headers={"Location": inside.url("captioned/")})
    with pytest.raises(AddressRefused):
        fetch_media(site.url("watch/1"), only(site), tmp_path)
    assert inside.requests == []


def test_video_src_that_redirects_to_a_refused_port(site: SampleServer, inside: SampleServer, tmp_path: Path) -> None:
    site.add_route("/hop.mp4", status=302, headers={"Location": inside.url("secret.mp4")})
    site.add_route("/embed/", page('<video src="/hop.mp4"></video>'), content_type="text/html")
    with pytest.raises(AddressRefused):
        fetch_media(site.url("embed/"), only(site), tmp_path / "a")
    with pytest.raises(AddressRefused):  # the same page through scraping (no article text to fall back on)
        scrape(site.url("embed/"), SourceType.ARTICLE, work_dir=tmp_path / "b", config=PipelineConfig(),
               guard=only(site))
    assert inside.requests == []


def test_video_src_pointing_straight_at_a_refused_port(site: SampleServer, inside: SampleServer,
                                                       tmp_path: Path) -> None:
    site.add_route("/embed/", page(f'<video src="{inside.url("secret.mp4")}"></video>'), content_type="text/html")
    with pytest.raises(AddressRefused):
        fetch_media(site.url("embed/"), only(site), tmp_path)
    assert inside.requests == []


def test_caption_track_that_redirects(site: SampleServer, inside: SampleServer, tmp_path: Path) -> None:
    site.add_route("/clip.mp4", CLIP, content_type="video/mp4")
    site.add_route("/subs.vtt", status=302, headers={"Location": inside.url("secret.vtt")})
    site.add_route("/captioned/", page('<video src="/clip.mp4"><track kind="subtitles" srclang="en" '
                                       'src="/subs.vtt"></video>'), content_type="text/html")
    with pytest.raises(AddressRefused):
        fetch_media(site.url("captioned/"), only(site), tmp_path)
    assert inside.requests == []


def test_hls_manifest_segments_on_a_refused_port(site: SampleServer, inside: SampleServer, tmp_path: Path) -> None:
    manifest = (f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:0\n"
                f"#EXTINF:10.0,\n{inside.url('seg0.ts')}\n#EXT-X-ENDLIST\n")
    site.add_route("/live/index.m3u8", manifest.encode(), content_type="application/vnd.apple.mpegurl")
    with pytest.raises(AddressRefused):
        fetch_media(site.url("live/index.m3u8"), only(site), tmp_path)
    assert inside.requests == []
    assert not any(p.suffix in (".ts", ".mp4") for p in tmp_path.iterdir())


@pytest.fixture
def rebinding_dns(monkeypatch: pytest.MonkeyPatch) -> None:
    """The system resolver says `rebind.test` is 10.0.0.9: any second look-up would go there.

    The guard's own resolver (below) answers 127.0.0.1 once. If any library resolved the
    name again instead of connecting to the checked address, it would connect to 10.0.0.9
    and the conftest would fail the test.
    """
    real = socket.getaddrinfo

    def system(host: str, port: int, *args, **kwargs):
        if host == "rebind.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.9", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", system)


def pinned_guard(server: SampleServer) -> tuple[AddressGuard, list[str]]:
    looked_up: list[str] = []

    def once(host: str, port: int, *args, **kwargs):
        looked_up.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    return AddressGuard([server.allow_entry], resolver=once), looked_up


def test_httpx_connects_to_the_checked_address_with_the_original_host(
    site: SampleServer, rebinding_dns: None
) -> None:
    guard, looked_up = pinned_guard(site)
    port = site.address[1]
    response = web.fetch(f"http://rebind.test:{port}/article/", guard=guard, timeout=5, max_bytes=10**7,
                         user_agent="t")
    assert response.status == 200 and b"outlier" in response.body
    assert looked_up == ["rebind.test"]
    assert [r.host for r in site.requests] == [f"rebind.test:{port}"]


def test_ytdlp_connects_to_the_checked_address_with_the_original_host(
    site: SampleServer, rebinding_dns: None, tmp_path: Path
) -> None:
    guard, looked_up = pinned_guard(site)
    port = site.address[1]
    result = fetch_media(f"http://rebind.test:{port}/captioned/", guard, tmp_path)
    assert result.caption_segments and set(looked_up) == {"rebind.test"}
    assert {r.host for r in site.requests} == {f"rebind.test:{port}"}


def test_a_proxy_in_the_environment_is_not_used(site: SampleServer, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://10.0.0.8:3128")
    assert web.fetch(site.url("article/"), guard=only(site), timeout=5, max_bytes=10**7, user_agent="t").status == 200
    assert fetch_media(site.url("captioned/"), only(site), tmp_path).caption_segments


def test_formats_that_need_an_external_downloader_are_refused(site: SampleServer, tmp_path: Path) -> None:
    """A live HLS stream would go to ffmpeg, which connects on its own, past the guard."""
    site.add_route("/seg5.ts", CLIP, content_type="video/mp2t")
    live = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:10\n#EXT-X-MEDIA-SEQUENCE:5\n#EXTINF:10.0,\n/seg5.ts\n"
    site.add_route("/live/index.m3u8", live.encode(), content_type="application/vnd.apple.mpegurl")
    with pytest.raises(SourceError, match="needs an external downloader"):
        fetch_media(site.url("live/index.m3u8"), only(site), tmp_path)
    assert "/seg5.ts" not in [r.path for r in site.requests]
