"""Peak memory of Whisper transcription: a 1-minute file against a 3-hour one.

    .venv/bin/python benchmarks/long_media.py [--minutes 1 180] [--mode chunked|whole]
        [--chunk-seconds 120] [--keep DIR]

Long media is looped speech (the bundled 36-second story clip, re-encoded as 16 kHz
mono AAC by the ffmpeg that imageio-ffmpeg ships): silence would let the VAD skip
almost everything and flatter the figures. Each duration is transcribed in a fresh
child process with the bundled tiny.en model, and the child reports its own peak
resident memory (`resource.getrusage`, no psutil). `--mode whole` measures the old
way for comparison: faster-whisper decodes the whole file into one array first.

The 3-hour run transcribes three hours of speech: on 2 cores that takes ~10-20
minutes. The last line is machine-readable:
`peak_rss_mb_1min=A peak_rss_mb_180min=B ratio=B/A`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from young_production.config import TranscriptionConfig


def make_looped_speech(minutes: float, folder: Path) -> Path:
    """`minutes` of the story clip, looped, as 16 kHz mono AAC (cached in `folder`)."""
    import imageio_ffmpeg

    from young_production.tools.sample_server import samples_dir

    out = folder / f"speech-{minutes:g}min.m4a"
    if not out.exists():
        partial = out.with_suffix(".part.m4a")
        subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
             "-stream_loop", "-1", "-i", str(samples_dir() / "speech" / "story.mp4"),
             "-t", str(minutes * 60), "-vn", "-ac", "1", "-ar", "16000", "-c:a", "aac", "-b:a", "32k", str(partial)],
            check=True,
        )
        partial.replace(out)  # a run killed midway leaves no short file behind under the final name
    return out


def child(path: Path, mode: str, chunk_seconds: float) -> None:
    """Transcribe `path` and print one JSON line: peak RSS, seconds, segments."""
    started = time.perf_counter()
    from young_production.media.whisper import WhisperEngine

    engine = WhisperEngine(chunk_seconds=chunk_seconds)
    if mode == "whole":
        from faster_whisper import decode_audio

        model = engine.load()
        segments, _ = model.transcribe(decode_audio(str(path)), language="en", vad_filter=True, beam_size=1)
        count = sum(1 for _ in segments)
    else:
        count = len(engine.transcribe(path, language="en")[0])
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(json.dumps({"peak_rss_mb": round(peak_kb / 1024, 1), "seconds": round(time.perf_counter() - started, 1),
                      "segments": count}))


def measure(path: Path, mode: str, chunk_seconds: float) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", str(path), "--mode", mode,
                           "--chunk-seconds", str(chunk_seconds)], check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 180])
    parser.add_argument("--mode", choices=["chunked", "whole"], default="chunked")
    parser.add_argument("--chunk-seconds", type=float, default=TranscriptionConfig().chunk_seconds)
    parser.add_argument("--keep", type=Path, help="keep generated audio here (else a temp folder)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.mode, args.chunk_seconds)
        return

    folder = args.keep or Path(tempfile.mkdtemp(prefix="yp-long-media-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"mode={args.mode}  chunk_seconds={args.chunk_seconds:g}  audio in {folder}")
    print(f"{'minutes':>8} {'peak RSS MB':>12} {'seconds':>8} {'x realtime':>10} {'segments':>9}")
    results = {}
    for minutes in args.minutes:
        path = make_looped_speech(minutes, folder)
        found = measure(path, args.mode, args.chunk_seconds)
        results[minutes] = found
        print(f"{minutes:>8g} {found['peak_rss_mb']:>12.1f} {found['seconds']:>8.1f} "
              f"{minutes * 60 / max(found['seconds'], 0.1):>10.1f} {found['segments']:>9}", flush=True)
    first, last = min(results), max(results)
    ratio = results[last]["peak_rss_mb"] / results[first]["peak_rss_mb"]
    print(f"peak_rss_mb_{first:g}min={results[first]['peak_rss_mb']} "
          f"peak_rss_mb_{last:g}min={results[last]['peak_rss_mb']} ratio={ratio:.2f}")


if __name__ == "__main__":
    main()
