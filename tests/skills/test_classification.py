import pytest

from young_production.records import SourceType
from young_production.tools.sample_server import SAMPLES
from young_production.skills.dna.classify import classify_info_type


def test_rules_decide_when_nothing_is_declared() -> None:
    assert classify_info_type("https://youtu.be/dQw4w9WgXcQ") is SourceType.YOUTUBE_VIDEO
    assert classify_info_type("https://www.youtube.com/shorts/abcDEF12345") is SourceType.YOUTUBE_SHORT
    assert classify_info_type("https://example.com/post", None) is SourceType.ARTICLE


def test_a_declared_type_wins_over_the_rules() -> None:
    assert classify_info_type("https://example.com/post", SourceType.MEDIA) is SourceType.MEDIA


def test_unknown_declared_type_falls_back_to_the_rules() -> None:
    assert classify_info_type("clip.mp4", SourceType.UNKNOWN) is SourceType.MEDIA


@pytest.mark.parametrize(
    ("target", "declared", "route"),
    [
        ("/etc/passwd", SourceType.ARTICLE, SourceType.UNKNOWN),  # a path stays a path, by its own extension
        ("../../notes.txt", SourceType.MEDIA, SourceType.ARTICLE),
        ("clip.mp4", SourceType.ARTICLE, SourceType.MEDIA),
        ("https://youtu.be/dQw4w9WgXcQ", SourceType.ARTICLE, SourceType.YOUTUBE_VIDEO),
        ("https://cdn.example.com/v/clip.mp4", SourceType.IMAGE, SourceType.MEDIA),
        ("file:///etc/passwd", SourceType.ARTICLE, SourceType.UNKNOWN),
    ],
)
def test_a_declared_type_never_changes_how_a_target_is_read(target: str, declared: SourceType,
                                                            route: SourceType) -> None:
    assert classify_info_type(target, declared) is route


def test_instagram_reels_under_a_user_path() -> None:
    assert classify_info_type("https://www.instagram.com/creator/reel/C0deAbc123/") is SourceType.INSTAGRAM


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.path)
def test_bundled_samples_classify_as_documented(sample_server: str, sample) -> None:
    assert classify_info_type(sample_server + sample.path) is sample.source_type
