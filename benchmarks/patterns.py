"""S12 pattern lift on real channels: how many findings there are, and whether they hold up later.

    .venv/bin/python benchmarks/patterns.py

Data: the whole YouTube Studio exports of `benchmarks/outliers.py` (tests/data/studio/,
see its SOURCES.md). Exports carry no Viral DNA, so the patterns measured are the
topics of the videos' own titles (`patterns.title_topics`), scored by S11 on lifetime
views (young videos left out, as WF4 and WF5 do). Per channel it prints:

* findings: topic lines measured (3+ videos with and without), how many raw topics were
  merged into lines naming them all, those with evidence, and those one video carries;
* seconds: the time `pattern_lifts` takes (its bootstrap is vectorised);
* replication: the channel's scored videos are split by publish date; every winning
  finding of the older half (lift > 1) is measured again on the newer half, and counts
  as replicated when its lift there is above 1 too. Rules compared: the old ones (any
  topic on 2+ videos whose interval leaves 1 out) and the current ones (3+ videos on
  each side, evidence, lift >= 1.2x, holds without its biggest video, as WF5 requires).

The last line is machine-readable: `replicated_old=X/Y replicated_new=X/Y channels=N`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "benchmarks")]

from outliers import FILES, load  # noqa: E402

from young_production.skills.performance.outliers import score_videos  # noqa: E402
from young_production.skills.performance.patterns import (  # noqa: E402
    PatternLift,
    ScoredProduction,
    join_patterns,
    pattern_lifts,
)

MIN_LIFT = 1.2  # what WF5 asks of a finding (skills/prospecting/candidates.py)


def old_rule(lift: PatternLift) -> bool:
    return lift.lift > 1 and lift.low > 1


def new_rule(lift: PatternLift) -> bool:
    return lift.lift >= MIN_LIFT and lift.evidence != "none" and lift.holds


def replication(videos: list[ScoredProduction], order: dict[str, float]) -> dict[str, tuple[int, int]]:
    """{rule: (replicated, tested)}: winners of the older half measured again on the newer half."""
    ordered = sorted(videos, key=lambda v: order[v.video_id])
    older, newer = ordered[: len(ordered) // 2], ordered[len(ordered) // 2:]
    later = {p.patterns: p for p in pattern_lifts(newer, min_count=2)}
    later_by_value = {pattern: lift for lift in later.values() for pattern in lift.patterns}
    found: dict[str, tuple[int, int]] = {}
    for name, rule, min_count in (("old", old_rule, 2), ("new", new_rule, 3)):
        winners = [p for p in pattern_lifts(older, min_count=min_count) if rule(p)]
        again = [later_by_value.get(p.patterns[0]) for p in winners]
        tested = [x for x in again if x is not None]
        found[name] = (sum(1 for x in tested if x.lift > 1), len(tested))
    return found


def main() -> None:
    totals = {"old": [0, 0], "new": [0, 0]}
    print(f"{'channel':22s} {'scored':>6s} {'lines':>5s} {'merged':>6s} {'evid.':>5s} {'1 video':>7s} {'sec':>5s} "
          f"{'old rule':>9s} {'new rule':>9s}")
    for path in FILES:
        points, _ = load(path)
        scores = score_videos(points)
        ratios = {k: s.ratio for k, s in scores.items() if s.status == "scored" and not s.young}
        titles = {p.video_id: p.title or "" for p in points}
        videos = join_patterns(ratios, {}, titles)
        started = time.perf_counter()
        lifts = pattern_lifts(videos)
        seconds = time.perf_counter() - started
        evidence = [p for p in lifts if p.evidence != "none"]
        carried = [p for p in evidence if not p.holds]
        merged = sum(len(p.also) for p in lifts)
        published = {p.video_id: p.published_at.timestamp() for p in points}
        found = replication(videos, published)
        for name, (hit, tested) in found.items():
            totals[name][0] += hit
            totals[name][1] += tested
        shown = {name: f"{hit}/{tested}" for name, (hit, tested) in found.items()}
        print(f"{path.stem[:22]:22s} {len(ratios):6d} {len(lifts):5d} {merged:6d} {len(evidence):5d} {len(carried):7d} "
              f"{seconds:5.2f} {shown['old']:>9s} {shown['new']:>9s}")
    old, new = totals["old"], totals["new"]
    print(f"replicated_old={old[0]}/{old[1]} replicated_new={new[0]}/{new[1]} channels={len(FILES)}")


if __name__ == "__main__":
    main()
