from pathlib import Path

import pytest

from young_production.errors import AccountError, MediaError
from young_production.media import video
from young_production.media.ocr import OcrEngine, load_image, reading_order
from young_production.tools.sample_server import samples_dir
from young_production.skills.dna.transcribe import Transcriber


def box(x: float, y: float, w: float = 100, h: float = 30) -> list[list[float]]:
    return [[x, y], [x + w, y], [x + w, y + h], [x, y + h]]


def test_reading_order_groups_lines_left_to_right() -> None:
    words = [(box(300, 102), "beats"), (box(10, 100), "One great"), (box(10, 20), "STOP"),
             (box(150, 22), "POSTING"), (box(10, 180), "average ones.")]
    assert reading_order(words) == ["STOP POSTING", "One great beats", "average ones."]


def test_unreadable_image_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "card.png"
    bad.write_bytes(b"\x89PNG but not really")
    with pytest.raises(MediaError, match="could not read image card.png"):
        load_image(bad)


def test_video_frames_are_sampled_evenly() -> None:
    frames = video.sample_frames(samples_dir() / "speech" / "story.mp4", 3, 36.0)
    assert [round(t) for t, _ in frames] == [6, 18, 30]
    assert frames[0][1].shape == (270, 480, 3)


@pytest.mark.slow
def test_quote_card_is_read_in_order(transcriber: Transcriber) -> None:
    lines = transcriber.ocr.read_image(samples_dir() / "images" / "quote-card.png")
    assert lines == ["STOP POSTING DAILY.", "Post better, not more.", "One great video beats",
                     "thirty average ones.", "@creator.playbook"]


@pytest.mark.slow
def test_text_in_a_video_frame_is_read(transcriber: Transcriber) -> None:
    _, pixels = video.sample_frames(samples_dir() / "captioned" / "habits.mp4", 1, None)[0]
    assert transcriber.ocr.read_pixels(pixels) == ["3 HABITS", "that beat talent"]


def test_missing_detection_model_stops_the_run() -> None:
    with pytest.raises(AccountError, match="OCR engine .* could not be loaded"):
        OcrEngine(params={"Det.model_path": "/nonexistent/det.onnx"}).load()


@pytest.mark.slow
def test_missing_recognition_model_stops_the_run_at_first_text() -> None:
    engine = OcrEngine(params={"Rec.model_path": "/nonexistent/rec.onnx"})
    with pytest.raises(AccountError, match="could not load a model"):
        engine.read_image(samples_dir() / "images" / "quote-card.png")
