"""S04 end to end on the samples over 127.0.0.1: real yt-dlp, trafilatura, Whisper and OCR."""

from pathlib import Path

import pytest

from tests.speech import word_error_rate
from young_production.config import PipelineConfig, TranscriptionConfig
from young_production.errors import AccountError, MediaError
from young_production.media.scrape import ScrapedContent, scrape
from young_production.records import SourceType, TranscriptSource
from young_production.skills.dna.transcribe import Transcriber
from young_production.tools.sample_server import samples_dir
from young_production.transcript import Segment, Transcript

from ..media.guards import exact_guard


def scraped(url: str, source_type: SourceType, work_dir: Path) -> ScrapedContent:
    return scrape(url, source_type, work_dir=work_dir, config=PipelineConfig(), guard=exact_guard(url))


def test_captions_and_articles_need_no_models(sample_server: str, tmp_path: Path) -> None:
    fresh = Transcriber(TranscriptionConfig())
    captions = fresh.transcribe(scraped(sample_server + "captioned/", SourceType.ARTICLE, tmp_path / "c"))
    assert captions.source is TranscriptSource.CAPTIONS
    assert captions.text.startswith("Three habits made me more money than my degree ever did.")
    assert "pay myself first" in captions.text and captions.segments[0].start == 0.0
    article = fresh.transcribe(scraped(sample_server + "article/", SourceType.ARTICLE, tmp_path / "a"))
    assert article.source is TranscriptSource.ARTICLE
    assert article.segments[0].text.startswith("Why do some videos get ten times more views")
    assert not article.timed
    assert fresh.whisper._model is None and fresh.ocr._engine is None  # cost first: nothing loaded


@pytest.mark.slow
def test_speech_clip_goes_through_whisper_with_on_screen_text(
    sample_server: str, tmp_path: Path, transcriber: Transcriber
) -> None:
    transcript = transcriber.transcribe(scraped(sample_server + "speech/story.mp4", SourceType.MEDIA, tmp_path))
    assert transcript.source is TranscriptSource.WHISPER and transcript.language == "en"
    spoken = " ".join(s.text for s in transcript.segments if s.start is not None)
    script = (samples_dir() / "speech" / "story.txt").read_text(encoding="utf-8")
    assert word_error_rate(script, spoken) <= 0.10, spoken  # machines differ: a bound, not one exact word
    for word in ("subscribers", "surprising", "million", "question"):
        assert word in spoken.lower(), word
    timed = [s for s in transcript.segments if s.start is not None]
    assert len(timed) >= 4 and timed[0].start < 1.0
    untimed = [s.text for s in transcript.segments if s.start is None]
    assert untimed == ["ONE QUESTION", "ONE MILLION VIEWS"]  # on-screen text, appended


@pytest.mark.slow
def test_image_goes_through_ocr(sample_server: str, tmp_path: Path, transcriber: Transcriber) -> None:
    transcript = transcriber.transcribe(scraped(sample_server + "images/quote-card.png", SourceType.IMAGE,
                                                tmp_path))
    assert transcript.source is TranscriptSource.OCR
    assert transcript.text == ("STOP POSTING DAILY. Post better, not more. One great video beats "
                               "thirty average ones. @creator.playbook")


@pytest.mark.slow
def test_corrupt_media_is_a_clear_error(sample_server: str, tmp_path: Path, transcriber: Transcriber) -> None:
    content = scraped(sample_server + "corrupt.mp4", SourceType.MEDIA, tmp_path)
    assert content.audio_path is not None and content.audio_path.exists()
    with pytest.raises(MediaError, match=r"^could not decode audio: Invalid data"):
        transcriber.transcribe(content)


def test_description_is_the_last_resort() -> None:
    post = ScrapedContent("https://x.com/a/status/1", SourceType.X_POST,
                          description="Hot take: thumbnails matter less than the first line.")
    transcript = Transcriber(TranscriptionConfig()).transcribe(post)
    assert transcript.source is TranscriptSource.DESCRIPTION
    assert transcript.text == "Hot take: thumbnails matter less than the first line."


def test_nothing_to_transcribe_is_a_clear_error() -> None:
    with pytest.raises(MediaError, match="no speech or text found in https://x.com/a/status/2"):
        Transcriber(TranscriptionConfig()).transcribe(ScrapedContent("https://x.com/a/status/2", SourceType.X_POST))


def test_existing_captions_are_returned_as_they_are() -> None:
    captions = Transcript(TranscriptSource.CAPTIONS, [Segment("hello", 0.0, 1.0)], language="en")
    content = ScrapedContent("x", SourceType.YOUTUBE_VIDEO, captions=captions, description="ignored")
    assert Transcriber(TranscriptionConfig()).transcribe(content) is captions


@pytest.mark.slow
def test_check_reports_what_works(transcriber: Transcriber) -> None:
    status = transcriber.check()
    assert set(status) == {"ffmpeg", "whisper", "ocr"}
    assert all(value.startswith("ok") for value in status.values()), status
    assert "bundled:tiny.en" in status["whisper"]
    broken = Transcriber(TranscriptionConfig(whisper_model="bundled:huge")).check()["whisper"]
    assert broken.startswith("error: no bundled Whisper model 'huge'")


def test_a_missing_model_stops_the_run_instead_of_failing_the_entry(tmp_path: Path) -> None:
    content = ScrapedContent("clip", SourceType.MEDIA, audio_path=samples_dir() / "speech" / "story.mp4")
    with pytest.raises(AccountError, match="could not be loaded"):
        Transcriber(TranscriptionConfig(whisper_model=str(tmp_path))).transcribe(content)


def test_media_over_the_duration_limit_fails_before_any_work(tmp_path: Path) -> None:
    fresh = Transcriber(TranscriptionConfig(max_media_minutes=180))
    long_talk = ScrapedContent("https://e.x/talk.mp3", SourceType.MEDIA, duration=3 * 3600 + 60,
                               audio_path=tmp_path / "talk.mp3")
    with pytest.raises(MediaError, match=r"181 minutes long, over the 180-minute limit.*max_media_minutes"):
        fresh.transcribe(long_talk)
    assert fresh.whisper._model is None  # refused before the model was even loaded


@pytest.mark.slow
def test_media_of_unknown_length_is_limited_while_decoding(tmp_path: Path, transcriber: Transcriber) -> None:
    short_limit = Transcriber(TranscriptionConfig(max_media_minutes=0.25), whisper=transcriber.whisper,
                              ocr=transcriber.ocr)
    content = ScrapedContent("clip", SourceType.MEDIA, audio_path=samples_dir() / "speech" / "story.mp4")
    with pytest.raises(MediaError, match="longer than the 0.25-minute limit"):
        short_limit.transcribe(content)


def test_transcription_config_has_the_long_media_settings() -> None:
    config = TranscriptionConfig()
    assert config.max_media_minutes == 240 and config.chunk_seconds == 120
