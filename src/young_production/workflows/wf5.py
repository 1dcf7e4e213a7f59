"""WF5: Empire prospecting, on the durable engine (S01, S02, S03, S13).

Entries: every Empire not merely proposed (or the one `--empire` names), plus one
entry "across Empires" when no Empire is named. One durable workflow per entry and
period (`period`, default the day's ISO date): a rerun the same period returns the
first result. Steps:

- `wf5.gather` (S01 + `skills.prospecting.candidates`): the ideas the Empire's
  measured topics and patterns suggest (the lifts WF4 reports, one computation),
  the near-duplicates left out, and, when there is none, why;
- `wf5.create` (S02): each idea a Production with status Idea, its reasoning in
  the notes and its references linked (keyed creates: never twice);
- `wf5.publish` (S13): the prospecting report (Markdown, HTML, chart) under
  `<workspace>/reports/<empire>/<period>/`, its Report record, the Empire's list.

Across Empires: `wf5.clusters` finds strong references no Empire covers,
`wf5.propose` creates them as Empires with status Proposed (keyed by niche), and
`wf5.publish` reports them. `--dry-run` lists the ideas and proposals, creating nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from .. import workspace_files
from ..records import Empire, ViralDNA
from ..runtime import Runtime
from ..skills.performance.report import link_reports, save_report_record
from ..skills.performance.sync import dna_of_productions, empire_productions
from ..skills.prospecting.candidates import Idea, finding_line, prospect
from ..skills.prospecting.create import create_ideas, create_proposals
from ..skills.prospecting.empires import Proposal, uncovered_clusters
from ..skills.prospecting.report import SECTION, ProspectingReport, idea_chart, save_prospecting_files
from ..store.base import iter_records
from .args import EmpireArgs
from .engine.base import EntryOutcome, Outcome, RunOptions
from .engine.durable import STOPPING, EntryRef, WorkflowDef, durable_step, entry_workflow, reason_of
from .empire_runs import empire_ref, report_folder, review_period, select_empires

NAME = "WF5"
ACROSS = "across-empires"  # the entry id of the cross-Empire proposals


# ---- what a step (or a dry run) reads ------------------------------------------------------


def gather_ideas(runtime: Runtime, empire: Empire) -> dict[str, Any]:
    store = runtime.store
    productions = empire_productions(store, empire.id or "")
    library = list(iter_records(store, ViralDNA))
    settings = runtime.pipeline.outliers
    found = prospect(empire, library, productions, dna_of_productions(store, productions),
                     method=settings.method, confidence=settings.confidence)
    return {"ideas": [i.to_json() for i in found.ideas], "duplicates": [d.to_json() for d in found.duplicates],
            "patterns": [finding_line(x) for x in found.lifts if x.evidence != "none"],
            "why_none": found.why_none, "library": len(library)}


def gather_proposals(runtime: Runtime) -> list[dict[str, Any]]:
    store = runtime.store
    proposals = uncovered_clusters(list(iter_records(store, ViralDNA)), list(iter_records(store, Empire)))
    return [p.to_json() for p in proposals]


# ---- steps -----------------------------------------------------------------------------------


@durable_step("wf5.gather")
def gather(runtime: Runtime, empire: dict[str, Any]) -> dict[str, Any]:
    return gather_ideas(runtime, Empire.model_validate(empire))


@durable_step("wf5.create")
def create(runtime: Runtime, empire_id: str, ideas: list[dict[str, Any]], period: str) -> list[dict[str, Any]]:
    return create_ideas(runtime.store, empire_id, [Idea(**i) for i in ideas], period)


@durable_step("wf5.clusters")
def clusters(runtime: Runtime) -> list[dict[str, Any]]:
    return gather_proposals(runtime)


@durable_step("wf5.propose")
def propose(runtime: Runtime, proposals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return create_proposals(runtime.store, [_proposal(p) for p in proposals])


@durable_step("wf5.publish")
def publish(runtime: Runtime, scope: dict[str, Any], period: str, found: dict[str, Any], made: list[dict[str, Any]]) -> dict[str, Any]:
    """The report's files, its Report record and (for an Empire) the Empire's list of reports."""
    report = empire_report(scope, period, found, made) if scope.get("id") != ACROSS else across_report(period, found, made)
    if scope.get("id") == ACROSS:
        folder = runtime.workspace.path(workspace_files.REPORTS_DIR) / "_across-empires" / period
    else:
        folder = report_folder(runtime.root, Empire.model_validate(scope), period)
    files = save_prospecting_files(report, folder)
    record = save_report_record(runtime.store, report.record(scope["id"]), SECTION, report.blocks())
    if report.empire_id:
        link_reports(runtime.store, report.empire_id)
    return {"report_id": record.id, "files": {k: p.relative_to(runtime.root).as_posix() for k, p in files.items()}}


# ---- the entry's workflow --------------------------------------------------------------------


@entry_workflow("yp.wf5.entry", NAME)
def prospect_entry(run: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """An Empire's ideas, or (entry `across-empires`) the proposed Empires; failures are reported, not raised."""
    outcome = EntryOutcome(id=entry["id"], title=entry.get("title") or "", status=Outcome.DONE)
    period = entry["period"]
    try:
        if entry["id"] == ACROSS:
            proposals = clusters()
            made = propose(proposals)
            published = publish(entry, period, {"proposals": proposals}, made)
            outcome.detail = {"proposed": [m["name"] for m in made], "created": sum(m["created"] for m in made)}
        else:
            found = gather(entry)
            made = create(entry["id"], found["ideas"], period)
            published = publish(entry, period, found, made)
            outcome.detail = {"ideas": [m["title"] for m in made], "created": sum(m["created"] for m in made),
                              "duplicates": [d["title"] for d in found["duplicates"]]}
            if found.get("why_none"):
                outcome.detail["why_no_idea"] = found["why_none"]
        outcome.detail.update(period=period, report_id=published["report_id"], report=published["files"]["html"])
    except STOPPING:
        raise
    except Exception as exc:  # one Empire's failure must never stop the others
        outcome.status = Outcome.FAILED
        outcome.error = reason_of(exc)
    return outcome.to_dict()


# ---- reports ---------------------------------------------------------------------------------


def empire_report(empire: dict[str, Any], period: str, found: dict[str, Any], made: list[dict[str, Any]]) -> ProspectingReport:
    ideas, duplicates = found["ideas"], found["duplicates"]
    new = sum(m["created"] for m in made)
    created = [f"{i['title']} ({i['format']}{'' if m['created'] else ', made before'}): " + "; ".join(i["reasons"])
               for i, m in zip(ideas, made)]
    left_out = [f"{d['title']}: {d['duplicate_of']['similarity']:.2f} like '{d['duplicate_of']['title']}' "
                f"(shares {', '.join(d['duplicate_of']['shared'])})" for d in duplicates]
    summary = (f"{new} new ideas created, {len(made) - new} made before, {len(duplicates)} near-duplicates of "
               f"existing videos or references left out, from {found['library']} references.")
    if found.get("why_none"):
        summary += f" No new idea: {found['why_none']}."
    return ProspectingReport(
        title=f"{empire.get('name') or ''}: prospecting {period}", period=period,
        generated_at=datetime.now(timezone.utc), summary=summary, empire_id=empire["id"],
        sections=[("Ideas", created or [f"No new idea: {found.get('why_none') or 'nothing measured yet'}."]),
                  ("Left out as near-duplicates", left_out or ["None."]),
                  ("Measured topics and patterns (interval clear of 1x)",
                   found["patterns"] or ["None with clear evidence yet."])],
        chart=idea_chart(ideas, duplicates),
    )


def across_report(period: str, found: dict[str, Any], made: list[dict[str, Any]]) -> ProspectingReport:
    proposals = found["proposals"]
    lines = [f"{p['name']} ({'new' if m['created'] else 'proposed before'}; niche {', '.join(p['tags'])}): "
             f"{len(p['dna_ids'])} references, median {p['median_views']:,.0f} views: " + "; ".join(p["evidence"])
             for p, m in zip(proposals, made)]
    summary = (f"{sum(m['created'] for m in made)} new Empires proposed from clusters of strong references "
               f"no Empire covers ({len(proposals)} clusters in all).")
    return ProspectingReport(title=f"Across Empires: prospecting {period}", period=period,
                             generated_at=datetime.now(timezone.utc), summary=summary,
                             sections=[("Proposed Empires", lines or ["No uncovered cluster of strong references."])])


# ---- selection, plans ------------------------------------------------------------------------


def select(runtime: Runtime, options: RunOptions) -> list[EntryRef]:
    period = review_period(options)
    refs = [empire_ref(e, period, "prospect") for e in select_empires(runtime, options)]
    if not options.args_as(EmpireArgs).empire:
        refs.append(EntryRef(id=ACROSS, title="Across Empires", purpose=f"prospect-{period}",
                             payload={"id": ACROSS, "title": "Across Empires", "period": period}))
    return refs


def plan(runtime: Runtime, entry: EntryRef, options: RunOptions) -> EntryOutcome:
    """Dry run: the ideas and proposals a run would create, creating nothing."""
    if entry.id == ACROSS:
        detail: dict[str, Any] = {"would_propose": [p["name"] for p in gather_proposals(runtime)]}
    else:
        found = gather_ideas(runtime, Empire.model_validate(entry.payload))
        detail = {"would_create": [i["title"] for i in found["ideas"]],
                  "duplicates": [d["title"] for d in found["duplicates"]],
                  "reasons": {i["title"]: i["reasons"] for i in found["ideas"]}}
        if found["why_none"]:
            detail["why_no_idea"] = found["why_none"]
    return EntryOutcome(id=entry.id, title=entry.title, status=Outcome.PLANNED, detail=detail)


WORKFLOW = WorkflowDef(
    name=NAME,
    title="Empire prospecting",
    collection="empires",
    entry=prospect_entry,
    select=select,
    plan=plan,
)


def _proposal(data: dict[str, Any]) -> Proposal:
    return Proposal(niche=data["niche"], tags=data["tags"], dna_ids=data["dna_ids"], evidence=data["evidence"],
                    median_views=data["median_views"])
