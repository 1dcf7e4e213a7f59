"""WF4: Empire review, on the durable engine (S10-S13).

One durable workflow per Empire and review period (`period`, default the day's ISO
date), so running it again in the same period returns the first result and writes
nothing new. Steps, each small, with plain JSON in and out:

- `wf4.fetch` (S10): the channel's videos by the route `choose_route` picks (Data
  API, a recent Studio export, yt-dlp, or recorded snapshots only; `--source`
  forces one). A failing network route falls back to the newest snapshots; a bad or
  over-quota key is an `AccountError`: the run stops with the API's reason.
- `wf4.record`: one dated snapshot per video (in state/state.db), so later
  reviews compare a video with its peers at the same age.
- `wf4.score` (S11): every recorded video of the channel (Studio imports included)
  scored against its same-format peers; each Production gets one update with its
  counts, score and basis (nothing when unchanged). A review that scores nothing
  fails with "0 of N videos scored: why", and no report is written.
- `wf4.patterns` (S12): lift of each pattern among the scored Productions, read back
  from what `wf4.score` wrote (`patterns.empire_lifts`, the computation WF5 shares).
- `wf4.review` (S13): the written review (a paid call on Claude, checkpointed; the
  rule provider answers with a factual summary).
- `wf4.publish` (S13): report.md, report.html and charts under
  `<workspace>/reports/<empire>/<period>/`, the Report record (keyed per Empire and
  period; on Notion with the charts uploaded as images), and the Empire's list of reports.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ..errors import YPError
from ..records import Empire, Production, VideoFormat
from ..runtime import Runtime
from ..skills.performance.coverage import coverage, nothing_scored, source_line
from ..skills.performance.fetch import (
    FORCEABLE,
    channel_key,
    channel_keys,
    choose_route,
    fetch_performance,
)
from ..skills.performance.notion_images import chart_blocks
from ..skills.performance.outliers import OutlierScore, VideoPoint, outlier_settings, points_from_stats, score_videos
from ..skills.performance.patterns import PatternLift, empire_lifts
from ..skills.performance.report import (
    CHART_FILES,
    CHART_TITLES,
    EmpireReport,
    EmpireReviewAnswer,
    draw_charts,
    factual_summary,
    link_reports,
    report_facts,
    review_report,
    save_report_files,
    store_report,
)
from ..skills.performance.sync import dna_of_productions, empire_productions, write_performance
from ..media.guard import AddressGuard
from ..store.base import iter_records
from ..youtube.snapshots import AgeLookup, SnapshotStore
from ..youtube.storage import quota_db
from ..youtube.storage import snapshot_store as open_snapshots
from ..youtube.stats import VideoStats
from .engine.logs import log_event
from .args import EmpireArgs
from .engine.base import EntryOutcome, Outcome, RunOptions
from .engine.durable import STOPPING, EntryRef, WorkflowDef, durable_step, entry_workflow, reason_of
from .empire_runs import PROPOSED, empire_ref, report_folder, review_period, select_empires

NAME = "WF4"


# ---- steps -----------------------------------------------------------------------------------


@durable_step("wf4.fetch")
def fetch(runtime: Runtime, empire: dict[str, Any]) -> dict[str, Any]:
    """S10: the channel's videos and counts (network; the only step that spends quota)."""
    record = Empire.model_validate(empire)
    productions = empire_productions(runtime.store, record.id or "")
    latest_import = snapshot_store(runtime).latest_import(channel_keys(record))
    fetched = fetch_performance(record, productions, config=runtime.pipeline.youtube,
                                state_db=quota_db(runtime.workspace),
                                guard=AddressGuard.from_config(runtime.pipeline.sources),
                                latest_import=latest_import, forced=empire.get("source"))
    return {"route": fetched.route, "channel_id": fetched.channel_id, "videos": [v.to_json() for v in fetched.videos],
            "quota_units": fetched.quota_units, "quota_line": fetched.quota_line, "notes": fetched.notes,
            "why": fetched.why, "failed": fetched.failed}


@durable_step("wf4.record")
def record_snapshots(runtime: Runtime, channel: str, videos: list[dict[str, Any]]) -> int:
    """Dated snapshots of what was read (the same snapshot twice is stored once)."""
    return snapshot_store(runtime).record((VideoStats.from_json(v) for v in videos), channel)


@durable_step("wf4.score")
def score(runtime: Runtime, empire: dict[str, Any], channel_id: str | None) -> dict[str, Any]:
    """S11 over every recorded video of the channel; S03 write-back to the Empire's Productions."""
    record = Empire.model_validate(empire)
    if channel_id and not record.youtube_channel_id:  # next reviews skip the handle look-up
        record = runtime.store.update(Empire, record.id or "", {"youtube_channel_id": channel_id})
    snapshots = snapshot_store(runtime)
    stats = {v.video_id: v for v in snapshots.latest(channel_keys(record))}
    points = points_from_stats(stats.values())
    log_event("wf4.progress", stage="read", empire=record.name, videos=len(stats), scorable=len(points))
    settings = outlier_settings(runtime.pipeline.outliers)
    scores = score_videos(points, settings, AgeLookup(snapshots.channel_histories(channel_keys(record))))
    log_event("wf4.progress", stage="scored", empire=record.name, scored=len(scores))
    written = write_performance(runtime.store, empire_productions(runtime.store, record.id or ""), stats, scores)
    return {
        "points": pack_points(points),
        "scores": {k: _compact(s.to_json()) for k, s in scores.items()},
        "updated": len(written.updated), "unchanged": written.unchanged, "not_found": len(written.not_found),
        "coverage": coverage(stats.values(), points, scores, snapshots.latest_import(channel_keys(record)),
                             settings.min_age_days),
    }


@durable_step("wf4.patterns")
def patterns(runtime: Runtime, empire_id: str) -> list[dict[str, Any]]:
    """S12 from the scores just written on the Empire's Productions: the computation WF5 shares."""
    productions = empire_productions(runtime.store, empire_id)
    settings = runtime.pipeline.outliers
    lifts = empire_lifts(productions, dna_of_productions(runtime.store, productions), method=settings.method,
                         confidence=settings.confidence)
    return [lift.to_json() for lift in lifts]


@durable_step("wf4.review")
def review(runtime: Runtime, run: dict[str, Any], empire: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any]:
    """S13's written review (one call; the rule provider states the numbers)."""
    answer, usage = review_report(runtime.provider(run.get("provider")), empire.get("name") or "", facts,
                                  workflow=NAME, entry_id=empire.get("id"))
    return {"review": answer.model_dump(), "cost_usd": usage.cost_usd}


@durable_step("wf4.publish")
def publish(runtime: Runtime, empire: dict[str, Any], period: str, scored: dict[str, Any], lifts: list[dict[str, Any]],
            facts: dict[str, Any], written_review: dict[str, Any], notes: list[str], source: str = "") -> dict[str, Any]:
    """S13: the report's files, its Report record (charts as images) and the Empire's list of reports."""
    record = Empire.model_validate(empire)
    points = unpack_points(scored["points"])
    scores = {k: OutlierScore.from_json(s) for k, s in scored["scores"].items()}
    report = EmpireReport(
        empire_name=record.name, empire_id=record.id, period=period, generated_at=datetime.now(timezone.utc),
        facts=facts, summary=factual_summary(facts), review=EmpireReviewAnswer(**written_review["review"]),
        notes=notes, charts=draw_charts(points, scores, [PatternLift.from_json(x) for x in lifts]), source=source,
    )
    folder = report_folder(runtime.root, record, period)
    files = save_report_files(report, folder)
    relative = folder.relative_to(runtime.root).as_posix()
    charts = {CHART_FILES[key]: data for key, data in report.charts.items()}
    titles = {CHART_FILES[key]: CHART_TITLES[key] for key in CHART_FILES}
    stored = store_report(runtime.store, report, chart_blocks(runtime.store, charts, titles, f"{relative}/charts"))
    link_reports(runtime.store, record.id or "")
    return {"report_id": stored.id, "folder": relative,
            "files": {k: p.relative_to(runtime.root).as_posix() for k, p in files.items()}}


# ---- the entry's workflow --------------------------------------------------------------------


@entry_workflow("yp.wf4.entry", NAME)
def review_empire(run: dict[str, Any], empire: dict[str, Any]) -> dict[str, Any]:
    """Fetch, record, score, patterns, review, publish; a failure of the Empire is reported, never raised."""
    outcome = EntryOutcome(id=empire["id"], title=empire.get("name") or "", status=Outcome.DONE)
    try:
        fetched = fetch(empire)
        record = Empire.model_validate(empire)
        channel = fetched["channel_id"] or channel_key(record)
        recorded = record_snapshots(channel, fetched["videos"])
        scored = score(empire, fetched["channel_id"])
        cover = scored["coverage"]
        ratios = {k: s["ratio"] for k, s in scored["scores"].items() if s["status"] == "scored"}
        notes = review_notes(fetched, cover)
        outcome.detail = {"route": fetched["route"], "source": notes[0], "videos_read": len(fetched["videos"]),
                          "videos_recorded": cover["read"], "snapshots": recorded, "videos_scored": len(ratios)}
        if not ratios:  # nothing to report: say why, write no report
            outcome.status, outcome.error = Outcome.FAILED, nothing_scored(cover, fetched.get("failed"))
            outcome.detail["summary"] = outcome.error
            return outcome.to_dict()
        lifts = patterns(empire["id"])
        points = unpack_points(scored["points"])
        scores = {k: OutlierScore.from_json(s) for k, s in scored["scores"].items()}
        facts = report_facts(points, scores, [PatternLift.from_json(x) for x in lifts])
        written_review = review(run, empire, facts)
        published = publish(empire, empire["period"], scored, lifts, facts, written_review, notes[1:], notes[0])
        outcome.detail = {
            **outcome.detail, "productions_updated": scored["updated"], "patterns": len(lifts),
            "quota_units": fetched["quota_units"], "quota": fetched["quota_line"], "period": empire["period"],
            "report_id": published["report_id"], "report": published["files"].get("html"),
            "summary": factual_summary(facts), "cost_usd": written_review["cost_usd"],
        }
    except STOPPING:
        raise
    except Exception as exc:  # one Empire's failure must never stop the review of the others
        outcome.status = Outcome.FAILED
        outcome.error = reason_of(exc)
    return outcome.to_dict()


_POINT_FIELDS = ("video_id", "published_at", "views", "format", "measured_at", "title")


def pack_points(points: list[VideoPoint]) -> dict[str, list[Any]]:
    """Points as columns of plain JSON (a channel's 400k videos pass between steps; keys once, not per video)."""
    moments: dict[datetime, str] = {}

    def text(moment: datetime) -> str:
        if moment not in moments:
            moments[moment] = moment.isoformat()
        return moments[moment]

    return {"video_id": [p.video_id for p in points], "published_at": [text(p.published_at) for p in points],
            "views": [p.views for p in points], "format": [p.format.value for p in points],
            "measured_at": [text(p.measured_at) for p in points], "title": [p.title for p in points]}


def unpack_points(columns: dict[str, list[Any]]) -> list[VideoPoint]:
    moments: dict[str, datetime] = {}  # many videos share a publish day, and all one export's time

    def moment(text: str) -> datetime:
        if text not in moments:
            moments[text] = datetime.fromisoformat(text)
        return moments[text]

    formats = {f.value: f for f in VideoFormat}
    return [VideoPoint(vid, moment(published), views, formats[fmt], moment(measured), title)
            for vid, published, views, fmt, measured, title in zip(*(columns[name] for name in _POINT_FIELDS))]


def _compact(score: dict[str, Any]) -> dict[str, Any]:
    """A score's JSON without its peers' ids and empty fields (their defaults): 400k scores are checkpointed."""
    return {k: v for k, v in score.items() if v is not None and k != "peer_ids"}


def review_notes(fetched: dict[str, Any], cover: dict[str, Any]) -> list[str]:
    """The report's notes: its source and date first, then how formats were decided, quota, the route's notes."""
    notes = [source_line(fetched["route"], fetched.get("why") or "", fetched.get("failed"), cover)]
    if cover.get("formats"):
        notes.append(cover["formats"])
    if "studio" in (cover.get("sources") or {}) and cover.get("import"):
        notes += cover["import"]["notes"]
    if fetched["quota_line"]:
        notes.append(fetched["quota_line"])
    return notes + fetched["notes"][:20]


# ---- selection, plans ------------------------------------------------------------------------


def explain_empty(runtime: Runtime, options: RunOptions) -> str:
    proposed = sum(1 for e in iter_records(runtime.store, Empire) if (e.status or "") == PROPOSED)
    if proposed:
        return (f"no Empire to review: the {proposed} there are only proposed by WF5 "
                "(`yp run wf4 --empire NAME` reviews one anyway)")
    return "no Empire to review: add one with `yp empire add NAME --channel URL`"


def select(runtime: Runtime, options: RunOptions) -> list[EntryRef]:
    period = review_period(options)
    source = options.args_as(EmpireArgs).source or None
    if source is not None and source not in FORCEABLE:
        raise YPError(f"--source {str(source)[:40]!r}: use one of {', '.join(FORCEABLE)}")
    return [empire_ref(e, period, "review", source) for e in select_empires(runtime, options)]


def plan(runtime: Runtime, entry: EntryRef, options: RunOptions) -> EntryOutcome:
    """Dry run: the route each Empire would be read by and what is already recorded; no network, no writes."""
    empire = Empire.model_validate(entry.payload)
    snapshots = snapshot_store(runtime)
    route, why = choose_route(empire, runtime.pipeline.youtube, snapshots.latest_import(channel_keys(empire)),
                              forced=entry.payload.get("source"))
    own: list[Production] = empire_productions(runtime.store, empire.id or "")
    recorded = len(snapshots.latest(channel_keys(empire)))
    detail = {"route": route, "why": why, "productions": len(own), "recorded_videos": recorded,
              "period": entry.payload["period"],
              "report": report_folder(runtime.root, empire, entry.payload["period"]).relative_to(runtime.root).as_posix()}
    if route == "api":
        detail["quota"] = "about 2 units per 50 videos (+1 to look up a handle)"
    return EntryOutcome(id=entry.id, title=entry.title, status=Outcome.PLANNED, detail=detail)


WORKFLOW = WorkflowDef(
    name=NAME,
    title="Empire review",
    collection="empires",
    entry=review_empire,
    select=select,
    plan=plan,
    explain_empty=explain_empty,
)


# ---- helpers ---------------------------------------------------------------------------------


def snapshot_store(runtime: Runtime) -> SnapshotStore:
    return open_snapshots(runtime.workspace)
