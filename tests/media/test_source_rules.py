import pytest

from young_production.media.sources import classify_source, is_url
from young_production.records import SourceType


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", SourceType.YOUTUBE_VIDEO),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", SourceType.YOUTUBE_VIDEO),
        ("https://youtu.be/dQw4w9WgXcQ?si=abc", SourceType.YOUTUBE_VIDEO),
        ("https://www.youtube.com/live/abcDEF12345", SourceType.YOUTUBE_VIDEO),
        ("https://www.youtube.com/shorts/abcDEF12345", SourceType.YOUTUBE_SHORT),
        ("https://youtube.com/shorts/abcDEF12345?feature=share", SourceType.YOUTUBE_SHORT),
        ("https://www.tiktok.com/@creator/video/7234567890123456789", SourceType.TIKTOK),
        ("https://vm.tiktok.com/ZMabc123/", SourceType.TIKTOK),
        ("https://www.instagram.com/reel/Cabc123/", SourceType.INSTAGRAM),
        ("https://instagram.com/p/Cabc123/", SourceType.INSTAGRAM),
        ("https://x.com/someone/status/1790000000000000000", SourceType.X_POST),
        ("https://twitter.com/someone/status/1790000000000000000", SourceType.X_POST),
        ("https://cdn.example.com/cards/quote.PNG?w=800", SourceType.IMAGE),
        ("https://cdn.example.com/clips/episode-12.mp4", SourceType.MEDIA),
        ("https://podcasts.example.com/ep1.mp3", SourceType.MEDIA),
        ("https://blog.example.com/why-videos-go-viral", SourceType.ARTICLE),
        ("http://127.0.0.1:8000/captioned/", SourceType.ARTICLE),
        # near misses fall through to the generic rules
        ("https://www.youtube.com/@somechannel", SourceType.ARTICLE),
        ("https://www.instagram.com/somecreator/", SourceType.ARTICLE),
        ("https://x.com/someone", SourceType.ARTICLE),
        ("https://notyoutube.com/watch?v=abc", SourceType.ARTICLE),
        # local paths, by extension
        ("/data/clips/story.mp4", SourceType.MEDIA),
        ("voice-note.M4A", SourceType.MEDIA),
        ("~/Pictures/card.jpeg", SourceType.IMAGE),
        ("notes/article.html", SourceType.ARTICLE),
        ("notes/script.md", SourceType.ARTICLE),
        ("archive.zip", SourceType.UNKNOWN),
        ("ftp://example.com/video.mp4", SourceType.UNKNOWN),
        ("file:///etc/passwd", SourceType.UNKNOWN),
    ],
)
def test_rules_classify_targets(target: str, expected: SourceType) -> None:
    assert classify_source(target) is expected


def test_is_url_tells_urls_from_paths() -> None:
    assert is_url("https://example.com/a")
    assert is_url("file:///etc/passwd")
    assert not is_url("/home/me/video.mp4")
    assert not is_url("C:\\Users\\me\\video.mp4")
    assert not is_url("clips/story.mp4")
