"""WF2: link the right Viral DNA to each production, with a person's approval, on the durable engine.

Selects productions that need references (status "Researching" by default); each is
one durable workflow:

1. `wf2.suggest` (S16): rank the encoded DNA for the production (lexical, semantic,
   niche tags, format; see skills/linking) and, with an AI provider, add a one-line
   reason per suggestion. The suggestions are published as the workflow's event.
2. The decision: with `--yes`, the `--min-score`/`--top` rule decides inside the
   workflow; otherwise the workflow waits (durably: across processes and days) for a
   person's decision, which the CLI sends after showing the suggestions. A run left
   midway is resumed by the next: the same productions are asked again, nothing that
   was decided is asked twice.
3. `wf2.keep_decision`: the decision, with every suggestion shown and its score parts,
   goes into the engine's decision log (so later ranking can learn from it).
4. `wf2.link`: approved references are added to the production's relation (existing
   links kept, none duplicated) in one update.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any


from .. import workspace_files
from ..errors import NotFound, YPError
from ..records import Empire, Production, ViralDNA
from ..runtime import Runtime
from ..skills.linking import Embedder, LinkRanker, LinkSuggestion, explain_links
from ..skills.linking.decisions import LinkDecision, decision_from_record, non_interactive_decision
from ..skills.linking.rank import is_linkable
from ..skills.productions import explain_no_productions, parse_status
from ..store.base import Filter, iter_records
from ..store.resolve import resolve
from .engine import messages
from .args import LinkArgs
from .engine.base import (
    EntryOutcome,
    Outcome,
    Reporter,
    RunOptions,
    SilentReporter,
    WorkflowResult,
    new_result,
    now_iso,
)
from .engine.durable import (
    REMOVED_REASON,
    STOPPING,
    EntryRef,
    WorkflowDef,
    active_records,
    durable_step,
    entry_workflow,
    reason_of,
    removed_meanwhile,
)
from .engine.runner import Engine

NAME = "WF2"
SUGGESTIONS = "suggestions"
DECISION = "decision"
WAIT_FOR_DECISION_SEC = 30 * 24 * 3600.0

Ask = Callable[[str, list[LinkSuggestion], list[str]], LinkDecision]
"""ask(production title, suggestions, titles of the references linked now) -> the person's decision."""
DECISIONS = ("linked", "skipped", "unchanged", "nothing to suggest", "removed", "failed", "waiting")


# ---- steps -----------------------------------------------------------------------------------


def ranker(runtime: Runtime, run_id: str) -> LinkRanker:
    """The encoded DNA pool indexed once per run and process (embeddings cached in state/)."""

    def build() -> LinkRanker:
        pool = [d for d in iter_records(runtime.store, ViralDNA) if is_linkable(d)]
        embedder = runtime.shared("embedder", Embedder)
        cache_dir = runtime.workspace.path(workspace_files.EMBEDDINGS_DB).parent
        return LinkRanker(pool, embedder=embedder, cache_dir=cache_dir)

    return runtime.shared("link-ranker", build, generation=run_id)


@durable_step("wf2.suggest")
def suggest(runtime: Runtime, run: dict[str, Any], production: dict[str, Any]) -> list[dict[str, Any]]:
    """S16: the best references for the production, with their scores, reasons and matching tags."""
    record = Production.model_validate(production)
    tags: list[str] = []
    for empire_id in record.empire_ids[:1]:
        try:
            tags = runtime.store.get(Empire, empire_id).niche_tags
        except NotFound:  # its Empire was removed: rank without the Empire's tags
            tags = []
    found = ranker(runtime, run["run_id"]).rank(record, empire_tags=tags, top_k=int(run.get("show", 5)))
    provider = runtime.provider(run.get("provider"))
    if found and provider.name != "rules":
        pool = {s.dna_id: runtime.store.get(ViralDNA, s.dna_id) for s in found}
        found = explain_links(provider, record, found, pool, workflow=NAME)
    return [asdict(s) for s in found]


@durable_step("wf2.keep_decision")
def keep_decision(runtime: Runtime, run: dict[str, Any], production_id: str, record: dict[str, Any]) -> str:
    """Log the decision; when it was made (a rerun reads it back, and counts it as decided earlier)."""
    active_records().record_decision(NAME, production_id, record["action"], record, run_id=run.get("run_id"))
    return now_iso()


@durable_step("wf2.link")
def link(runtime: Runtime, production_id: str, dna_ids: list[str]) -> int:
    """Add the approved references (existing links kept, none duplicated); how many are linked now."""
    updated = runtime.store.add_relations(Production, production_id, "dna_ids", dna_ids)
    return len(updated.dna_ids)


# ---- the production's workflow ---------------------------------------------------------------


@entry_workflow("yp.wf2.entry", NAME)
def link_production(run: dict[str, Any], production: dict[str, Any]) -> dict[str, Any]:
    outcome = EntryOutcome(id=production["id"], title=production.get("title") or "", status=Outcome.DONE)
    try:
        shown = [LinkSuggestion(**s) for s in suggest(run, production)]
        messages.publish(SUGGESTIONS, [asdict(s) for s in shown])
        if not shown:
            note = "no other decoded Viral DNA to suggest" if production.get("dna_ids") else \
                "no decoded Viral DNA to suggest"
            outcome.detail = {"action": "none", "shown": 0, "linked": 0, "note": note}
            return outcome.to_dict()
        if run.get("auto"):
            record = non_interactive_decision(shown, float(run["min_score"]), int(run["top"])).to_record()
        else:
            record = messages.wait_for(DECISION, WAIT_FOR_DECISION_SEC)
            if record is None:
                outcome.status, outcome.error = Outcome.WAITING, "no decision yet"
                return outcome.to_dict()
        decision = decision_from_record(record, shown)
        decided_at = keep_decision(run, production["id"], decision.to_record())
        linked = link(production["id"], decision.selected_ids) if decision.selected_ids else None
        outcome.detail = {
            "action": decision.action,
            "decided_at": decided_at,
            "shown": len(shown),
            "linked": len(decision.selected_ids),
            "links_now": linked,
            "top_score": max(s.relevance_score for s in shown),
            "selected": [s.dna_title for s in shown if s.dna_id in decision.selected_ids],
        }
    except STOPPING:
        raise
    except Exception as exc:  # one production's trouble never stops the others
        if removed_meanwhile(exc):
            outcome.status = Outcome.SKIPPED
            outcome.error = REMOVED_REASON.format(what="production", reason=reason_of(exc))
        else:
            outcome.status, outcome.error = Outcome.FAILED, reason_of(exc)
    return outcome.to_dict()


# ---- selection -------------------------------------------------------------------------------


def select(runtime: Runtime, options: RunOptions) -> list[EntryRef]:
    """Productions in the linking status (Researching by default); `--production` names one, in any status."""
    args = options.args_as(LinkArgs)
    if args.production:
        found = [resolve(runtime.store, Production, args.production)]
    else:
        status = parse_status(args.status or runtime.pipeline.linking.from_status)
        found = list(iter_records(runtime.store, Production, [Filter.eq("status", status)]))
    found = found[: options.limit] if options.limit else found
    return [entry_ref(p, again=args.again) for p in found]


def entry_ref(production: Production, *, again: bool = False) -> EntryRef:
    """Its purpose changes with what the ranking reads (title, notes, format, Empire), so a
    decision holds until the production changes (the links it adds do not count as a change)."""
    fingerprint = json.dumps(
        [production.title, production.notes, production.format.value, production.empire_ids], sort_keys=True
    )
    purpose = "link-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    return EntryRef(id=production.id or "", title=production.title, payload=production.model_dump(mode="json"),
                    purpose=purpose, fresh=again)


def plan(runtime: Runtime, entry: EntryRef, options: RunOptions) -> EntryOutcome:
    production = Production.model_validate(entry.payload)
    mode = "approve automatically" if options.args_as(LinkArgs).auto else "ask you"
    return EntryOutcome(
        id=entry.id,
        title=entry.title,
        status=Outcome.PLANNED,
        detail={"route": f"rank the decoded Viral DNA -> {mode} -> link", "linked_now": len(production.dna_ids)},
    )


def explain_empty(runtime: Runtime, options: RunOptions) -> str:
    status = parse_status(options.args_as(LinkArgs).status or runtime.pipeline.linking.from_status)
    return explain_no_productions(runtime.store, status)


def run_args(runtime: Runtime, options: RunOptions) -> dict[str, Any]:
    show = options.args_as(LinkArgs).show or runtime.pipeline.linking.suggestions
    return {"show": max(1, show)}


WORKFLOW = WorkflowDef(
    name=NAME,
    title="DNA linking",
    collection="productions",
    entry=link_production,
    select=select,
    plan=plan,
    run_args=run_args,
    explain_empty=explain_empty,
)


# ---- the interactive run ---------------------------------------------------------------------


def run_interactive(
    engine: Engine, options: RunOptions, ask: Ask, *, reporter: Reporter | None = None
) -> WorkflowResult:
    """WF2 with a person deciding: show each production's suggestions, send the answer, apply it.

    Suggestions for the next productions are computed while the person reads (their
    workflows run ahead, up to `workers`). "quit" stops asking; Ctrl-C propagates. Either
    way every decision already sent is applied, and the productions left wait, durably,
    for the next run.
    """
    reporter = reporter or SilentReporter()
    workflow = WORKFLOW
    result = new_result(NAME, dry_run=False)
    engine.runtime.provider(options.provider)  # a missing key or price stops here, before any run record
    with engine.recorded_run(workflow, options, result, reporter) as entries:
        args = engine.run_args_for(workflow, result.run_id, options)
        ahead = max(1, options.workers or engine.runtime.pipeline.workers)
        started: list[tuple[EntryRef, Any, str]] = []
        for index, entry in enumerate(entries):
            while len(started) < min(len(entries), index + 1 + ahead):
                nxt = entries[len(started)]
                started.append((nxt, *engine.start_entry(workflow, nxt, args)))
            _, handle, workflow_id = started[index]
            outcome = _decide_one(entry, handle, workflow_id, lambda t, shown: ask(t, shown, linked_titles(
                engine.runtime, entry.payload.get("dna_ids") or [])))
            if outcome is None:
                result.stopped_reason = f"quit: {len(entries) - index} production(s) left for the next run"
                break
            outcome.workflow_id = workflow_id
            engine.record_outcome(workflow, result, outcome, reporter)
    return result


def _decide_one(
    entry: EntryRef, handle: Any, workflow_id: str, ask: Callable[[str, list[LinkSuggestion]], LinkDecision]
) -> EntryOutcome | None:
    """Show one production's suggestions and send the person's answer; None when they quit."""
    while True:
        shown = messages.published(workflow_id, SUGGESTIONS, timeout_sec=1.0)
        if shown is not None:
            break
        state = messages.state_of(workflow_id)
        if state is not None and state not in messages.RUNNING:
            return EntryOutcome.from_dict(handle.get_result())
    if not shown:
        return EntryOutcome.from_dict(handle.get_result())
    if messages.state_of(workflow_id) == "SUCCESS":  # decided in an earlier run
        return EntryOutcome.from_dict(handle.get_result())
    decision = ask(entry.title, [LinkSuggestion(**s) for s in shown])
    if decision.action == "quit":
        return None
    messages.send(workflow_id, decision.to_record(), topic=DECISION)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        state = messages.state_of(workflow_id)
        if state is not None and state not in messages.RUNNING:
            return EntryOutcome.from_dict(handle.get_result())
        time.sleep(0.05)
    raise YPError(f"the decision for {entry.title!r} was sent but not applied within 10 minutes")


def linked_titles(runtime: Runtime, dna_ids: list[str]) -> list[str]:
    """The titles of the references a production links now (one removed meanwhile is left out)."""
    titles = []
    for dna_id in dna_ids:
        try:
            titles.append(runtime.store.get(ViralDNA, dna_id).title)
        except NotFound:
            continue
    return titles


def tally(result: WorkflowResult) -> dict[str, int]:
    """How many productions this run linked, skipped, left unchanged (decided in an earlier run and
    not asked again), had nothing to suggest for, found removed meanwhile, failed, or left waiting. Each entry's detail gets
    its word under "decision"."""
    counts = dict.fromkeys(DECISIONS, 0)
    for entry in result.entries:
        detail = entry.detail
        if entry.status == Outcome.FAILED:
            word = "failed"
        elif entry.status == Outcome.SKIPPED:
            word = "removed"
        elif entry.status != Outcome.DONE:
            word = "waiting"
        elif detail.get("action") == "none":
            word = "nothing to suggest"
        elif not detail.get("decided_at") or str(detail["decided_at"]) < result.started_at:
            word = "unchanged"
        else:
            word = "linked" if detail.get("linked") else "skipped"
        detail["decision"] = word
        counts[word] += 1
    return counts


def summary_line(result: WorkflowResult) -> str:
    """What a WF2 run did, in one line: linked, skipped and unchanged counted apart, or
    "nothing to decide" when it asked nothing (plain text: escape it before printing as markup)."""
    counts = tally(result)
    parts = [f"selected {result.selected}"] + [
        f"{word} {counts[word]}" for word in ("linked", "skipped", "unchanged") if counts[word] or word != "unchanged"
    ] + [f"{word} {counts[word]}" for word in ("nothing to suggest", "removed", "waiting") if counts[word]]
    parts += [f"failed {counts['failed']}", f"AI cost ${result.total_cost_usd:.4f}"]
    line = ", ".join(parts)
    asked = counts["linked"] + counts["skipped"] + counts["failed"] + counts["waiting"]
    if result.selected and not asked and not result.stopped_reason:
        empty = f", {counts['nothing to suggest']} with nothing to suggest" if counts["nothing to suggest"] else ""
        line = (f"nothing to decide: {counts['unchanged']} production(s) decided earlier{empty} "
                "(`yp run wf2 --production ID --again` asks again about one)")
    if result.stopped_reason:
        line += f" — stopped: {result.stopped_reason}"
    return line
