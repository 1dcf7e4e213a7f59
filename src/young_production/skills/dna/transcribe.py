"""S04: the text of a scraped source, cheapest route first.

1. captions the source already has (free, exact timings);
2. article text;
3. Whisper on the audio (VAD on, segment timestamps kept), with on-screen text
   from a few frames of short videos appended as untimed segments;
4. OCR for images;
5. the post's own description, when there is nothing else.

`Transcript.source` records which route produced the text.
"""

from __future__ import annotations

from collections.abc import Callable

from ...config import TranscriptionConfig
from ...errors import AccountError, MediaError
from ...media import video
from ...media.ocr import OcrEngine
from ...media.scrape import ScrapedContent
from ...media.whisper import WhisperEngine
from ...records import TranscriptSource
from ...transcript import Segment, Transcript


class Transcriber:
    """Holds the Whisper model and OCR engine for one run; worker threads share one instance.

    Both load on first use (thread-safely), so a run without audio or images never
    pays for them.
    """

    def __init__(
        self,
        config: TranscriptionConfig,
        *,
        whisper: WhisperEngine | None = None,
        ocr: OcrEngine | None = None,
    ):
        self.config = config
        self.whisper = whisper or WhisperEngine(
            config.whisper_model, compute_type=config.compute_type, chunk_seconds=config.chunk_seconds
        )
        self.ocr = ocr or OcrEngine()

    def transcribe(
        self,
        content: ScrapedContent,
        *,
        should_stop: Callable[[], bool] | None = None,
        on_progress: Callable[[float, float | None], None] | None = None,
    ) -> Transcript:
        """The cheapest transcript of `content`.

        `should_stop` is polled while Whisper runs (a runner's Ctrl-C): when it returns
        True, `TranscriptionStopped` is raised within a couple of seconds. `on_progress(done,
        total)` hears how many seconds of the audio Whisper has got through (total: its duration,
        when known).
        """
        if content.captions:
            return content.captions
        if content.article_text and content.article_text.strip():
            return _article(content.article_text)
        if content.audio_path or content.video_path:
            transcript = self._media(content, should_stop, on_progress)
            if transcript:
                return transcript
        if content.image_path:
            lines = self.ocr.read_image(content.image_path)
            if lines:
                return Transcript(TranscriptSource.OCR, [Segment(line) for line in lines])
        if content.description and content.description.strip():
            return Transcript(TranscriptSource.DESCRIPTION, [Segment(content.description.strip())])
        raise MediaError(f"no speech or text found in {content.target}")

    def _media(
        self,
        content: ScrapedContent,
        should_stop: Callable[[], bool] | None,
        on_progress: Callable[[float, float | None], None] | None = None,
    ) -> Transcript | None:
        speech: list[Segment] = []
        language = self.config.language
        limit = self.config.max_media_minutes * 60
        if content.duration is not None and content.duration > limit:
            raise MediaError(
                f"{content.target} is {content.duration / 60:.0f} minutes long, over the "
                f"{self.config.max_media_minutes:g}-minute limit (transcription.max_media_minutes in pipeline.yaml)"
            )
        if content.audio_path:
            speech, language = self.whisper.transcribe(
                content.audio_path,
                language=self.config.language,
                vad=self.config.vad,
                beam_size=self.config.beam_size,
                max_seconds=limit,
                should_stop=should_stop,
                on_progress=None if on_progress is None else lambda done: on_progress(done, content.duration),
            )
        on_screen = [Segment(line) for line in self._on_screen_text(content)]
        if speech:
            return Transcript(TranscriptSource.WHISPER, speech + on_screen, language=language)
        if on_screen:
            return Transcript(TranscriptSource.OCR, on_screen, language=language)
        return None

    def _on_screen_text(self, content: ScrapedContent) -> list[str]:
        """Distinct text lines from a few frames of a short video (titles, captions burned in)."""
        path = content.video_path
        frames = self.config.ocr_video_frames
        if path is None or frames <= 0:
            return []
        duration = content.duration or video.probe(path).duration
        if duration is None or duration > self.config.max_ocr_video_sec:
            return []
        seen: dict[str, str] = {}
        for _, pixels in video.sample_frames(path, frames, duration):
            for line in self.ocr.read_pixels(pixels):
                seen.setdefault(line.casefold(), line)
        return list(seen.values())

    def check(self) -> dict[str, str]:
        """What works, for `yp doctor`: each value starts with "ok" or "error"."""
        status: dict[str, str] = {}
        try:
            import imageio_ffmpeg

            status["ffmpeg"] = f"ok: {imageio_ffmpeg.get_ffmpeg_exe()}"
        except Exception as exc:  # noqa: BLE001 - any failure here just means "not available"
            status["ffmpeg"] = f"error: {exc}"
        try:
            self.whisper.load()
            status["whisper"] = f"ok: {self.config.whisper_model} ({self.whisper.model_path()})"
        except AccountError as exc:
            status["whisper"] = f"error: {exc}"
        try:
            self.ocr.load()
            status["ocr"] = "ok: rapidocr"
        except AccountError as exc:
            status["ocr"] = f"error: {exc}"
        return status


def _article(text: str) -> Transcript:
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    return Transcript(TranscriptSource.ARTICLE, [Segment(p) for p in paragraphs])

