"""S11 outlier scores on real channels: how sure they are, and what the choices change; WF4 at scale.

    .venv/bin/python benchmarks/outliers.py [--scale-mb 50] [--no-scale]

Per export: lines read, rows imported, lines skipped, videos whose format stays unknown,
videos scored and the top three outliers (what a person checks against the file).

Scale: a synthetic Studio export of `--scale-mb` megabytes (default 50, generated in a
temporary folder, never kept) is imported into a fresh workspace and reviewed by WF4
through the engine, each in its own process: rows, seconds and peak memory of each.

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

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
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
from young_production.youtube.studio_csv import StudioExport, read_studio_export  # noqa: E402

STUDIO = ROOT / "tests" / "data" / "studio"
FILES = [STUDIO / "buildwithadi_content.csv", *sorted((STUDIO / "full").glob("*.csv"))]


def load(path: Path) -> tuple[list[VideoPoint], datetime]:
    """The export's dated videos of known format (as the import decides them), measured at its newest date."""
    points, measured, _ = load_export(path)
    return points, measured


def load_export(path: Path) -> tuple[list[VideoPoint], datetime, StudioExport]:
    export = read_studio_export(path)
    dated = [r for r in export.rows if r.published_at is not None and r.views is not None]
    measured = max(r.published_at for r in dated)  # the export's date is not in the file: a lower bound
    points = [VideoPoint(r.video_id, r.published_at, r.views, r.format, measured, r.title)
              for r in dated if r.format is not None]
    return points, measured, export


def exports_table() -> None:
    """Per export: what was read, what was scored, and the top three outliers."""
    print(f"{'export':20s} {'lines':>6s} {'rows':>6s} {'skip':>5s} {'unkn':>5s} {'scored':>6s}  top outliers")
    for path in FILES:
        points, _, export = load_export(path)
        scores = score_videos(points)
        scored = sorted((s for s in scores.values() if s.status == "scored"), key=lambda s: -(s.ratio or 0))
        titles = {p.video_id: " ".join((p.title or p.video_id).split())[:32] for p in points}
        unknown = sum(1 for r in export.rows if r.format is None and r.published_at is not None)
        top = "; ".join(f"{titles[s.video_id]} {s.ratio:.1f}x" for s in scored[:3])
        print(f"{path.stem[:20]:20s} {export.lines_read:6d} {len(export.rows):6d} {len(export.skipped):5d} "
              f"{unknown:5d} {len(scored):6d}  {top}")


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


def generate_export(path: Path, megabytes: float, seed: int = 0) -> int:
    """A Studio export of the default layout, about `megabytes` MB: 40 % Shorts, log-normal views."""
    rng = random.Random(seed)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    start, rows, size = datetime(2012, 1, 1), 0, 0
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("Content,Video title,Video publish time,Duration,Views,Watch time (hours),Subscribers,"
                  "Impressions,Impressions click-through rate (%)\nTotal,,,,0,0,0,0,0\n")
        while size < megabytes * 1e6:
            day = start + timedelta(minutes=15 * rows)  # 400k videos end in 2023: all old enough to score
            views = int(rng.lognormvariate(7, 1.5))
            duration = rng.choice((30, 45, 58)) if rng.random() < 0.4 else rng.randint(200, 1800)
            line = (f"{''.join(rng.choice(alphabet) for _ in range(11))},Synthetic video number {rows} about "
                    f"everyday topic {rows % 97} (a longer title),\"{day:%b} {day.day}, {day.year}\",{duration},"
                    f"{views},{views * 0.05:.4f},{views // 100},{views * 12},{rng.uniform(1, 9):.2f}\n")
            out.write(line)
            size += len(line)
            rows += 1
    return rows


def phase(name: str, workspace: Path, export: Path) -> None:
    """One timed phase in this process (`--phase`): import the export, or review its Empire. Prints JSON."""
    sys.path[:0] = [str(ROOT)]
    from tests.workflows.review_rig import workspace_at
    from young_production.config import Workspace
    from young_production.records import Empire
    from young_production.runtime import open_store
    from young_production.skills.performance.studio_import import import_studio_export
    from young_production.workflows.args import EmpireArgs
    from young_production.workflows.engine.base import RunOptions
    from young_production.workflows import open_engine
    from young_production.youtube.storage import snapshot_store

    started = time.perf_counter()
    if name == "import":
        ws = workspace_at(workspace, {})
        store = open_store(ws)
        empire = store.create(Empire(name="Scale"))
        result = import_studio_export(store, export, empire=empire, snapshots=snapshot_store(ws))
        store.close()
        figures = {"rows": result.rows, "snapshots": result.snapshots}
    else:
        with open_engine(Workspace(workspace, env={})) as engine:
            result = engine.run("wf4", RunOptions(args=EmpireArgs(period="2026-01-01")))
        entry = result.entries[0]
        figures = {"rows": entry.detail.get("videos_recorded"), "scored": entry.detail.get("videos_scored"),
                   "status": entry.status, "error": entry.error}
    figures.update(seconds=time.perf_counter() - started,
                   peak_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(figures))


def scale(megabytes: float) -> None:
    """Import and review a synthetic export of `megabytes` MB, each phase in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        export = Path(folder) / "Table data.csv"
        rows = generate_export(export, megabytes)
        print(f"scale: a synthetic export of {export.stat().st_size / 1e6:.0f} MB, {rows} rows")
        for name in ("import", "review"):
            done = subprocess.run([sys.executable, __file__, "--phase", name, "--workspace", f"{folder}/ws",
                                   "--export", str(export)], capture_output=True, text=True, check=False)
            if done.returncode != 0:
                print(f"  {name}: failed: {done.stderr.strip().splitlines()[-1:]}")
                return
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            print(f"  {name}: {figures['rows']} rows in {figures['seconds']:.1f} s, peak memory "
                  f"{figures['peak_mb']:.0f} MB" + (f", {figures['scored']} scored ({figures['status']})"
                                                    if name == "review" else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale-mb", type=float, default=50.0)
    parser.add_argument("--no-scale", action="store_true", help="skip the synthetic-export import and review")
    parser.add_argument("--phase", choices=("import", "review"), help=argparse.SUPPRESS)
    parser.add_argument("--workspace", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--export", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.workspace, args.export)
        return
    exports_table()
    print()
    channels()
    if not args.no_scale:
        print()
        scale(args.scale_mb)


def channels() -> None:
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
