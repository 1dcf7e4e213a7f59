"""WF3: a script in the channel's voice for each production that has its references, on the durable engine.

Selects productions in the configured status ("Researching", the seed's rule), or the one
production `--production ID` names whatever its status (to ask a model for the full
script after the free outline); each is one durable workflow of two checkpointed steps:

- `wf3.draft`: S14 (the Empire's writing style) + S15 (the script; on the rule provider
  an outline, which says what a model's full script would cost) + the originality
  guard + S19-S21 (scenes, packaging, metadata, as switched on). It reads and thinks
  and writes nothing, so a bad input (a reference not encoded yet, an answer that
  breaks its schema) fails the production and leaves its page as it was; its paid
  calls are made once, since the step's result is checkpointed.
- `wf3.write`: the draft as one marked page section (a rerun replaces it), then the
  status moved on (the seed's "DNA matching"). The section goes first, so a status is
  never moved without its script; a crash between the two repeats both, harmlessly.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..ai.router import ProviderPlan, estimate_cost
from ..errors import YPError
from ..records import Block, Production
from ..runtime import Runtime
from ..skills.productions import explain_no_productions, parse_status
from ..skills.scripting.draft import (
    DraftInputs,
    DraftOptions,
    draft_production,
    load_inputs,
    planned_requests,
    writes_outline,
)
from ..skills.scripting.render import SECTION, draft_blocks
from ..store.base import Filter, iter_records
from ..store.resolve import resolve
from .args import ScriptArgs
from .engine.base import EntryOutcome, Outcome, RunOptions
from .engine.durable import (
    REMOVED_REASON,
    STOPPING,
    EntryRef,
    WorkflowDef,
    durable_step,
    entry_workflow,
    reason_of,
    removed_meanwhile,
)

NAME = "WF3"


def draft_options(runtime: Runtime) -> DraftOptions:
    config = runtime.pipeline.scripting
    return DraftOptions(
        scenes=config.scenes, packaging=config.packaging, metadata=config.metadata, max_run_words=config.max_run_words
    )


@durable_step("wf3.draft")
def draft(runtime: Runtime, run: dict[str, Any], production: dict[str, Any]) -> dict[str, Any]:
    """S14 + S15 + originality + S19-S21: the whole draft, rendered as page blocks; writes nothing."""
    record = Production.model_validate(production)
    inputs = load_inputs(runtime.store, record)
    provider = runtime.provider(run.get("provider"))
    hint = full_draft_hint(runtime, record, inputs) if writes_outline(provider) else None
    made = draft_production(provider, record, inputs, draft_options(runtime), full_draft=hint)
    return {
        "draft": made.to_dict(),
        "blocks": [block.model_dump(mode="json") for block in draft_blocks(made)],
    }


@durable_step("wf3.write")
def write(runtime: Runtime, production_id: str, blocks: list[dict[str, Any]], next_status: str) -> None:
    """The draft as one marked section, then the status moved on (in that order)."""
    store = runtime.store
    store.write_section(production_id, SECTION, [Block.model_validate(b) for b in blocks])
    store.update(Production, production_id, {"status": parse_status(next_status)})


@entry_workflow("yp.wf3.entry", NAME)
def script_production(run: dict[str, Any], production: dict[str, Any]) -> dict[str, Any]:
    outcome = EntryOutcome(id=production["id"], title=production.get("title") or "", status=Outcome.DONE)
    try:
        made = draft(run, production)
        write(production["id"], made["blocks"], run["next_status"])
        outcome.detail = summary_of(made["draft"])
        outcome.detail["draft"] = made["draft"]
    except STOPPING:
        raise
    except Exception as exc:  # one production's bad input never stops the others
        if removed_meanwhile(exc):
            outcome.status = Outcome.SKIPPED
            outcome.error = REMOVED_REASON.format(what="production", reason=reason_of(exc))
        else:
            outcome.status, outcome.error = Outcome.FAILED, reason_of(exc)
    return outcome.to_dict()


def full_draft_hint(runtime: Runtime, production: Production, inputs: DraftInputs) -> str:
    """How to get a full script for this production from a model, and what it would cost (the dry-run estimate)."""
    calls = planned_requests(production, inputs, draft_options(runtime))
    command = f"yp run wf3 --production {production.id}"
    options = []
    for name, label in (("anthropic", "Claude"), ("openai", "an OpenAI-compatible server")):
        model = ProviderPlan(runtime.ai, name).route("S15").model
        try:
            usd = f"at most ${estimate_cost(runtime.ai, calls, override=name).usd:.2f} for this production"
        except YPError as exc:  # a model without a price: say so instead of guessing
            usd = f"cost unknown: {exc}"
        options.append(f"`{command} --provider {name}` ({label}, {model}: {usd})")
    return (" or ".join(options) + f". `{command} --provider anthropic --dry-run` shows the estimate before "
            "anything is spent.")


def summary_of(draft_dict: dict[str, Any]) -> dict[str, Any]:
    script = draft_dict["script"]
    flags = draft_dict["originality"]["flags"]
    return {
        "format": script["format"],
        "seconds": script["seconds"],
        "words": script["words"],
        "beats": len(script["beats"]),
        "references": len(script["references"]),
        "style": script["style"]["source"],
        "kind": script.get("kind", "script"),
        "originality_flags": len(flags),
        "flagged": [f"{f['run_words']} words from '{f['title']}'" for f in flags],
        "warnings": draft_dict["warnings"],
        "cost_usd": draft_dict["usage"]["cost_usd"],
    }


# ---- selection, plans, estimates -------------------------------------------------------------


def candidates(runtime: Runtime, options: RunOptions) -> list[Production]:
    """The productions in the status WF3 starts from (linked or not: without references the
    outline comes from the notes alone); `--production ID` names one, whatever its status (an
    unknown or ambiguous id is a clear error)."""
    args = options.args_as(ScriptArgs)
    if args.production:
        return [resolve(runtime.store, Production, args.production)]
    status = parse_status(args.status or runtime.pipeline.scripting.from_status)
    found = list(iter_records(runtime.store, Production, [Filter.eq("status", status)]))
    return found[: options.limit] if options.limit else found


def explain_empty(runtime: Runtime, options: RunOptions) -> str:
    status = parse_status(options.args_as(ScriptArgs).status or runtime.pipeline.scripting.from_status)
    return explain_no_productions(runtime.store, status)


def select(runtime: Runtime, options: RunOptions) -> list[EntryRef]:
    route = ProviderPlan(runtime.ai, options.provider).route("S15")
    return [entry_ref(p, f"{route.provider}:{route.model or ''}") for p in candidates(runtime, options)]


def entry_ref(production: Production, route: str = "") -> EntryRef:
    """A production as the workflow's input; a changed title, notes, format, set of links or
    script provider is a new purpose (a new script), the same one returns the first script."""
    payload = production.model_dump(mode="json")
    fingerprint = json.dumps(
        [production.title, production.notes, production.format.value, sorted(production.dna_ids),
         production.empire_ids, route],
        sort_keys=True,
    )
    purpose = "script-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
    return EntryRef(id=production.id or "", title=production.title, payload=payload, purpose=purpose)


def plan(runtime: Runtime, entry: EntryRef, options: RunOptions) -> EntryOutcome:
    production = Production.model_validate(entry.payload)
    return EntryOutcome(
        id=entry.id,
        title=entry.title,
        status=Outcome.PLANNED,
        detail={
            "format": production.format.value,
            "references": len(production.dna_ids),
            "route": f"{'script' if not writes_outline_route(runtime, options) else 'outline'} from "
                     f"{len(production.dna_ids)} reference(s) -> page -> {runtime.pipeline.scripting.next_status}",
        },
    )


def writes_outline_route(runtime: Runtime, options: RunOptions) -> bool:
    """Whether this run's S15 goes to the rule provider (an outline), without building a provider."""
    return ProviderPlan(runtime.ai, options.provider).route("S15").provider == "rules"


def estimate(runtime: Runtime, count: int, options: RunOptions) -> float:
    """The most the selected productions can cost (their real inputs, the configured models)."""
    calls = []
    for production in candidates(runtime, options):
        calls += planned_requests(production, load_inputs(runtime.store, production), draft_options(runtime))
    return estimate_cost(runtime.ai, calls, override=options.provider).usd


def run_args(runtime: Runtime, options: RunOptions) -> dict[str, Any]:
    next_status = parse_status(options.args_as(ScriptArgs).next_status or runtime.pipeline.scripting.next_status)
    return {"next_status": next_status.value}


WORKFLOW = WorkflowDef(
    name=NAME,
    title="Script generation",
    collection="productions",
    entry=script_production,
    select=select,
    plan=plan,
    estimate=estimate,
    run_args=run_args,
    explain_empty=explain_empty,
)
