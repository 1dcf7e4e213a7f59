"""S11 outlier scores on real channels: how sure they are, and what the choices change.

    .venv/bin/python benchmarks/outliers.py

Data: whole YouTube Studio exports that channel owners published (tests/data/studio/,
see its SOURCES.md): lifetime views, publish dates and durations of 24 to 500 videos
per channel. No public set labels "outliers", so this prints what can be measured:

* scored: videos with a score (>= 7 days old, >= 5 same-format peers), and how many
  are >= 2x their peers' median (the usual "outlier" cut);
* interval: the median relative width (high - low) / score of the 90%+ interval, by
  peer count: how much a multiple over a few videos means;
* held-out coverage: for each video, does the interval of its baseline (the median
  of the 25 videos before it) contain the median of the next 5 same-format videos?
  (a check of the interval on real, drifting channels, where the i.i.d. guarantee
  does not strictly hold);
* formats pooled: the share of videos whose >=2x verdict flips when Shorts and long
  videos share one baseline (why they are kept apart);
* methods: rank agreement (Spearman) of median_ratio with surrounding_average, and
  how many each flags >= 2x;
* age bias: Spearman of lifetime-views score with publish date (positive: newer
  videos look better, negative: they look worse) - what age-matched snapshots remove.

The last line is machine-readable: `coverage=X flips=Y channels=N videos=M`.
"""

from __future__ import annotations

import statistics
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src")]

from young_production.records import VideoFormat  # noqa: E402
from young_production.skills.performance.outliers import (  # noqa: E402
    OutlierSettings,
    VideoPoint,
    median_interval,
    score_videos,
)
from young_production.youtube.formats import classify_format  # noqa: E402
from young_production.youtube.studio_csv import read_studio_export  # noqa: E402

STUDIO = ROOT / "tests" / "data" / "studio"
FILES = [STUDIO / "buildwithadi_content.csv", *sorted((STUDIO / "full").glob("*.csv"))]


def load(path: Path) -> tuple[list[VideoPoint], datetime]:
    export = read_studio_export(path)
    dated = [r for r in export.rows if r.published_at is not None and r.views is not None]
    measured = max(r.published_at for r in dated)  # the export's date is not in the file: a lower bound
    points = []
    for row in dated:
        if row.duration_seconds is not None:
            fmt, _ = classify_format(row.duration_seconds, None, None, row.published_at)
        else:  # no Duration column: Shorts-feed metrics only exist for Shorts
            fmt = VideoFormat.SHORT if (row.extra.get("Shown in feed") or "0") not in ("", "0") else VideoFormat.VIDEO
        if fmt is not None:
            points.append(VideoPoint(row.video_id, row.published_at, row.views, fmt, measured, row.title))
    return points, measured


def spearman(xs: list[float], ys: list[float]) -> float | None:
    if len(xs) < 3:
        return None

    def ranks(values: list[float]) -> list[float]:
        order = sorted(range(len(values)), key=lambda i: values[i])
        result = [0.0] * len(values)
        i = 0
        while i < len(order):
            j = i
            while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
                j += 1
            for k in range(i, j + 1):
                result[order[k]] = (i + j) / 2
            i = j + 1
        return result

    rx, ry = ranks(xs), ranks(ys)
    mx, my = statistics.fmean(rx), statistics.fmean(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    var = (sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)) ** 0.5
    return cov / var if var else None


def held_out_coverage(points: list[VideoPoint], window: int = 25, ahead: int = 5) -> tuple[int, int]:
    hits = total = 0
    for fmt in (VideoFormat.SHORT, VideoFormat.VIDEO):
        series = sorted((p for p in points if p.format is fmt), key=lambda p: p.published_at)
        for i in range(window, len(series) - ahead):
            low, high, _ = median_interval([p.views for p in series[i - window:i]], 0.9)
            future = statistics.median(p.views for p in series[i:i + ahead])
            hits += low <= future <= high
            total += 1
    return hits, total


def main() -> None:
    all_cov = [0, 0]
    flips_total = [0, 0]
    videos_total = 0
    widths: dict[str, list[float]] = {"5-9": [], "10-19": [], "20-25": []}
    print(f"{'channel':22s} {'videos':>6s} {'shorts':>6s} {'scored':>6s} {'>=2x':>5s} {'cover':>6s} "
          f"{'flips':>6s} {'rho(m,s)':>8s} {'2x m/s':>7s} {'age rho':>7s}")
    for path in FILES:
        points, _ = load(path)
        videos_total += len(points)
        median = score_videos(points)
        around = score_videos(points, OutlierSettings(method="surrounding_average"))
        pooled = score_videos([VideoPoint(p.video_id, p.published_at, p.views, VideoFormat.VIDEO, p.measured_at)
                               for p in points])
        scored = [s for s in median.values() if s.status == "scored"]
        for s in scored:
            if s.low is not None and s.high is not None and s.score:
                key = "5-9" if s.peers < 10 else "10-19" if s.peers < 20 else "20-25"
                widths[key].append((s.high - s.low) / s.score)
        both = [vid for vid, s in median.items() if s.status == "scored" and around[vid].status == "scored"]
        rho = spearman([median[v].ratio for v in both], [around[v].ratio for v in both])
        flips = [vid for vid, s in median.items() if s.status == "scored" and pooled[vid].status == "scored"
                 and (s.ratio >= 2) != (pooled[vid].ratio >= 2)]
        compared = sum(1 for vid, s in median.items() if s.status == "scored" and pooled[vid].status == "scored")
        flips_total[0] += len(flips)
        flips_total[1] += compared
        hits, total = held_out_coverage(points)
        all_cov[0] += hits
        all_cov[1] += total
        published = {p.video_id: p.published_at.timestamp() for p in points}
        age_rho = spearman([s.ratio for s in scored], [published[s.video_id] for s in scored])
        shorts = sum(1 for p in points if p.format is VideoFormat.SHORT)
        print(f"{path.stem[:22]:22s} {len(points):6d} {shorts:6d} {len(scored):6d} "
              f"{sum(1 for s in scored if s.ratio >= 2):5d} "
              f"{(hits / total if total else float('nan')):6.2f} {len(flips):3d}/{compared:<3d} "
              f"{(rho if rho is not None else float('nan')):8.2f} "
              f"{sum(1 for v in both if median[v].ratio >= 2):3d}/{sum(1 for v in both if around[v].ratio >= 2):<3d} "
              f"{(age_rho if age_rho is not None else float('nan')):7.2f}")
    print("median relative interval width by peers: " + ", ".join(
        f"{k}: {statistics.median(v):.2f} (n={len(v)})" for k, v in widths.items() if v))
    coverage = all_cov[0] / all_cov[1] if all_cov[1] else float("nan")
    flip_share = flips_total[0] / flips_total[1] if flips_total[1] else float("nan")
    print(f"held-out coverage of the 90%+ baseline interval: {coverage:.2f} over {all_cov[1]} windows; "
          f">=2x verdicts flipped by pooling formats: {flip_share:.1%}")
    print(f"coverage={coverage:.3f} flips={flip_share:.3f} channels={len(FILES)} videos={videos_total}")


if __name__ == "__main__":
    main()
