import pytest

from young_production.records import SourceType
from young_production.tools.sample_server import SAMPLES
from young_production.skills.classification import classify_info_type


def test_rules_decide_when_nothing_is_declared() -> None:
    assert classify_info_type("https://youtu.be/dQw4w9WgXcQ") is SourceType.YOUTUBE_VIDEO
    assert classify_info_type("https://www.youtube.com/shorts/abcDEF12345") is SourceType.YOUTUBE_SHORT
    assert classify_info_type("https://example.com/post", None) is SourceType.ARTICLE


def test_a_declared_type_wins_over_the_rules() -> None:
    assert classify_info_type("https://example.com/post", SourceType.MEDIA) is SourceType.MEDIA


def test_unknown_declared_type_falls_back_to_the_rules() -> None:
    assert classify_info_type("clip.mp4", SourceType.UNKNOWN) is SourceType.MEDIA


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.path)
def test_bundled_samples_classify_as_documented(sample_server: str, sample) -> None:
    assert classify_info_type(sample_server + sample.path) is sample.source_type
