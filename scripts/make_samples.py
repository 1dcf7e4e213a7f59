#!/usr/bin/env python3
"""Regenerate the bundled sample content in src/young_production/samples/.

Run once by a maintainer; the outputs are committed, so tests and the demo never
need these tools. Needs: espeak-ng on PATH (`apt-get install espeak-ng`), the
ffmpeg binary shipped by imageio-ffmpeg, Pillow, and the DejaVu fonts.

    .venv/bin/python scripts/make_samples.py

All texts are our own writing; voices are espeak-ng; images are drawn here.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import imageio_ffmpeg
from PIL import Image, ImageDraw, ImageFont

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "young_production" / "samples"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_REGULAR = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
VOICE = ["espeak-ng", "-v", "en-us", "-s", "145", "-g", "4"]
PAUSE_SEC = 0.35

# Captioned video: number/list hook, open loop on "the third one", resolved at the end.
HABITS_CUES = [
    "Three habits made me more money than my degree ever did.",
    "Stay until the end, because the third one sounds crazy, and it is the one that actually worked.",
    "Habit one: I write down every video idea before breakfast.",
    "Habit two: I publish something small every single day, even when nobody watches.",
    "And habit three, the crazy one: I pay myself first, before rent, before anything.",
    "Compound habits beat talent, every single time.",
]

# Speech clip without captions: story hook, open loop "that's not the surprising part".
STORY_TEXT = (
    "Last year I almost quit my channel with forty seven subscribers. "
    "But that's not the surprising part. "
    "I stopped chasing trends, and started answering the one question my viewers kept asking in the comments. "
    "Within ninety days, one video reached a million views. "
    "Here is the surprising part: it was the shortest, simplest video I had ever made. "
    "Small creators win by solving one specific problem for one specific viewer."
)


def ffmpeg(*args: str) -> None:
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *args], check=True)


def speak(text: str, out: Path) -> float:
    subprocess.run([*VOICE, "-w", str(out), text], check=True)
    with wave.open(str(out)) as w:
        return w.getnframes() / w.getframerate()


def concat_wavs(parts: list[Path], out: Path, pause_sec: float) -> None:
    with wave.open(str(parts[0])) as first:
        params = first.getparams()
    silence = b"\0" * int(params.framerate * pause_sec) * params.sampwidth * params.nchannels
    with wave.open(str(out), "wb") as dst:
        dst.setparams(params)
        for part in parts:
            with wave.open(str(part)) as src:
                dst.writeframes(src.readframes(src.getnframes()))
            dst.writeframes(silence)


def vtt_time(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"00:{int(minutes):02d}:{secs:06.3f}"


def card(lines: list[tuple[str, int, bool]], size: tuple[int, int], bg: str, fg: str, out: Path) -> None:
    """Draw centred lines of (text, font size, bold) on a plain background."""
    img = Image.new("RGB", size, bg)
    draw = ImageDraw.Draw(img)
    fonts = [ImageFont.truetype(FONT_BOLD if bold else FONT_REGULAR, px) for _, px, bold in lines]
    heights = [draw.textbbox((0, 0), text, font=f)[3] for (text, _, _), f in zip(lines, fonts, strict=True)]
    gap = 18
    y = (size[1] - sum(heights) - gap * (len(lines) - 1)) // 2
    for (text, _, _), font, h in zip(lines, fonts, heights, strict=True):
        width = draw.textlength(text, font=font)
        draw.text(((size[0] - width) / 2, y), text, font=font, fill=fg)
        y += h + gap
    img.save(out)


def make_captioned(tmp: Path) -> None:
    folder = SAMPLES / "captioned"
    folder.mkdir(parents=True, exist_ok=True)
    parts, cues, t = [], [], 0.0
    for i, text in enumerate(HABITS_CUES):
        part = tmp / f"cue{i}.wav"
        length = speak(text, part)
        parts.append(part)
        cues.append((t, t + length, text))
        t += length + PAUSE_SEC
    concat_wavs(parts, tmp / "habits.wav", PAUSE_SEC)
    total = t
    vtt = ["WEBVTT", ""]
    for i, (start, end, text) in enumerate(cues, 1):
        vtt += [str(i), f"{vtt_time(start)} --> {vtt_time(end)}", text, ""]
    (folder / "habits.en.vtt").write_text("\n".join(vtt), encoding="utf-8")
    card([("3 HABITS", 64, True), ("that beat talent", 30, False)], (480, 270), "#1d3557", "#f1faee",
         tmp / "habits.png")
    encode_video(tmp / "habits.png", tmp / "habits.wav", total, folder / "habits.mp4")


def make_speech(tmp: Path) -> None:
    folder = SAMPLES / "speech"
    folder.mkdir(parents=True, exist_ok=True)
    length = speak(STORY_TEXT, tmp / "story.wav")
    (folder / "story.txt").write_text(STORY_TEXT + "\n", encoding="utf-8")  # what speech tests score against
    card([("ONE QUESTION", 52, True), ("ONE MILLION VIEWS", 40, True)], (480, 270), "#111111", "#ffd166",
         tmp / "story.png")
    encode_video(tmp / "story.png", tmp / "story.wav", length, folder / "story.mp4")


def encode_video(still: Path, audio: Path, seconds: float, out: Path) -> None:
    """A still image over speech; `-t` (not `-shortest`, which overshoots with a looped image)."""
    ffmpeg("-loop", "1", "-framerate", "2", "-i", str(still), "-i", str(audio), "-t", f"{seconds:.2f}",
           "-c:v", "libx264", "-tune", "stillimage", "-preset", "veryslow", "-crf", "30", "-pix_fmt", "yuv420p",
           "-r", "2", "-c:a", "aac", "-b:a", "40k", "-ac", "1", "-ar", "22050",
           "-movflags", "+faststart", str(out))


def make_quote_card() -> None:
    folder = SAMPLES / "images"
    folder.mkdir(parents=True, exist_ok=True)
    card(
        [
            ("STOP POSTING DAILY.", 54, True),
            ("Post better, not more.", 38, False),
            ("One great video beats", 38, False),
            ("thirty average ones.", 38, False),
            ("@creator.playbook", 26, False),
        ],
        (800, 800), "#fefae0", "#283618", folder / "quote-card.png",
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        make_captioned(Path(tmp))
        make_speech(Path(tmp))
    make_quote_card()
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    print(f"samples written to {SAMPLES} ({total / 1e6:.2f} MB in all)")


if __name__ == "__main__":
    main()
