"""parse_channel_url for `yp empire add`, and video ids in URLs."""

from __future__ import annotations

import pickle

import pytest

from young_production.errors import SourceError
from young_production.youtube.channels import (
    long_playlist,
    parse_channel_url,
    shorts_playlist,
    uploads_playlist,
    video_id_from_url,
)

UC = "UCCTLP0aZxWx25BZYzbzHjvA"


@pytest.mark.parametrize(
    "url, kind, value",
    [
        (f"https://www.youtube.com/channel/{UC}", "channel_id", UC),
        (f"https://youtube.com/channel/{UC}/videos?view=0", "channel_id", UC),
        (UC, "channel_id", UC),
        ("https://www.youtube.com/@MrBeast", "handle", "@MrBeast"),
        ("m.youtube.com/@some.creator/shorts", "handle", "@some.creator"),
        ("@some_creator", "handle", "@some_creator"),
        ("https://www.youtube.com/user/GoogleDevelopers", "username", "GoogleDevelopers"),
        ("https://www.youtube.com/c/LinusTechTips/featured", "custom", "LinusTechTips"),
        ("https://www.youtube.com/veritasium", "custom", "veritasium"),
        ("https://www.youtube.com/@%C3%A9t%C3%A9", "handle", "@\u00e9t\u00e9"),
    ],
)
def test_channel_forms(url, kind, value):
    ref = parse_channel_url(url)
    assert (ref.kind, ref.value) == (kind, value)


@pytest.mark.parametrize(
    "url, message",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "watch page, not a channel"),
        ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "shorts page, not a channel"),
        ("https://www.youtube.com/playlist?list=PL123", "playlist page, not a channel"),
        ("https://youtu.be/dQw4w9WgXcQ", "not a YouTube channel URL"),
        ("https://vimeo.com/@someone", "not a YouTube channel URL"),
        ("ftp://www.youtube.com/@x", "not a YouTube channel URL"),
        ("https://www.youtube.com/channel/UCshort", "expected /channel/UC"),
        ("https://www.youtube.com/@ab", "bad handle"),
        ("https://www.youtube.com/", "no channel in the path"),
        ("https://www.youtube.com/@name/videos/extra", "bad handle"),
        ("", "no channel given"),
    ],
)
def test_urls_that_are_not_channels_are_refused(url, message):
    with pytest.raises(SourceError, match=message) as caught:
        parse_channel_url(url)
    assert "\n" not in str(caught.value)
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)


def test_playlists_of_a_channel():
    assert uploads_playlist(UC) == "UUCTLP0aZxWx25BZYzbzHjvA"
    assert shorts_playlist(UC) == "UUSHCTLP0aZxWx25BZYzbzHjvA"
    assert long_playlist(UC) == "UULFCTLP0aZxWx25BZYzbzHjvA"
    with pytest.raises(SourceError):
        shorts_playlist("not-an-id")


@pytest.mark.parametrize(
    "url, video_id",
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3", "dQw4w9WgXcQ"),
        ("youtu.be/-HHGH-TTqYM", "-HHGH-TTqYM"),
        ("https://youtube.com/shorts/xmp2IDTEG3A?feature=share", "xmp2IDTEG3A"),
        ("-PtBwSiKP6w", "-PtBwSiKP6w"),
        ("https://example.com/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com/@name", None),
        (None, None),
    ],
)
def test_video_id_from_url(url, video_id):
    assert video_id_from_url(url) == video_id
