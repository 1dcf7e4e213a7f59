"""Canonical targets: one spelling per reference, so the same video added twice is one entry."""

import pytest

from young_production.errors import AddressRefused
from young_production.media.canonical import canonical_target

VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"


@pytest.mark.parametrize(
    "spelling",
    [
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?si=Qx1-AbCdEfGh",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=abc",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ?start=10",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be",
        "http://YouTube.com/watch?feature=share&v=dQw4w9WgXcQ#comments",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/live/dQw4w9WgXcQ?utm_source=x",
        "  https://www.youtube.com:443/watch?v=dQw4w9WgXcQ  ",
    ],
)
def test_every_spelling_of_one_youtube_video_is_one_target(spelling: str) -> None:
    assert canonical_target(spelling) == VIDEO


def test_different_videos_stay_different() -> None:
    assert canonical_target("https://youtu.be/aaaaaaaaaaa") != canonical_target("https://youtu.be/bbbbbbbbbbb")
    channel = canonical_target("https://www.youtube.com/@creator/videos?utm_campaign=x")
    assert channel == "https://www.youtube.com/@creator/videos"


@pytest.mark.parametrize(
    ("spellings", "canonical"),
    [
        (["https://www.tiktok.com/@creator/video/7234567890123456789?is_from_webapp=1&sender_device=pc",
          "https://m.tiktok.com/v/7234567890123456789.html",
          "https://www.tiktok.com/embed/v2/7234567890123456789"],
         "https://www.tiktok.com/video/7234567890123456789"),
        (["https://vm.tiktok.com/ZMabc123/", "https://vm.tiktok.com/ZMabc123"], "https://vm.tiktok.com/ZMabc123/"),
        (["https://www.instagram.com/reel/C0deAbc123/?igsh=MWx2", "https://instagram.com/p/C0deAbc123/",
          "https://www.instagram.com/creator/reel/C0deAbc123/", "https://www.instagram.com/reels/C0deAbc123"],
         "https://www.instagram.com/p/C0deAbc123/"),
        (["https://x.com/creator/status/1790000000000000001?s=20&t=abc",
          "https://twitter.com/creator/status/1790000000000000001",
          "https://mobile.twitter.com/creator/status/1790000000000000001/photo/1",
          "https://x.com/i/web/status/1790000000000000001"],
         "https://x.com/i/status/1790000000000000001"),
    ],
)
def test_platform_posts_are_keyed_by_their_ids(spellings: list[str], canonical: str) -> None:
    assert {canonical_target(s) for s in spellings} == {canonical}


def test_other_urls_lose_tracking_fragments_and_default_ports() -> None:
    assert canonical_target(
        "HTTPS://Blog.Example.COM:443/Posts/Hook?utm_source=tw&b=2&fbclid=x&a=1&gclid=y#top"
    ) == "https://blog.example.com/Posts/Hook?a=1&b=2"
    assert canonical_target("http://example.com") == "http://example.com/"
    assert canonical_target("http://example.com:8080/x") == "http://example.com:8080/x"
    assert canonical_target("https://user:pw@example.com/x") == "https://example.com/x"
    assert canonical_target("http://[2606:4700::1111]/x") == "http://[2606:4700::1111]/x"
    assert canonical_target("http://[2606:4700::1111]:8443/x") == "http://[2606:4700::1111]:8443/x"
    assert canonical_target("https://bücher.example/") == "https://xn--bcher-kva.example/"


def test_malformed_urls_raise_a_clear_error() -> None:
    with pytest.raises(AddressRefused, match="port must be a number"):
        canonical_target("https://example.com:99999/")
    with pytest.raises(AddressRefused, match="no host"):
        canonical_target("https:///x")
