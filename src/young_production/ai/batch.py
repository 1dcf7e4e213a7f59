"""Message Batches: half-price analysis, submitted now and collected later, even from a new process.

The runner's pair of calls:

    batch_id = submit_batch(items, ai_config=cfg, ledger=ledger, run_id=run_id)
    ...                                   # minutes or hours later, any process
    report = collect_batch(handler, ai_config=cfg, ledger=ledger)

`items` are `(custom_id, AIRequest, schema)`; a custom id (1-64 of `A-Za-z0-9_-`) is
how a result finds its entry again. `submit_batch` books the batch's cost ceiling
against the spending limits (for 25 hours, the batch window), sends it, and records
the batch id and its request map in `state/state.db`.

`collect_batch` looks at every batch not yet collected (or one `batch_id`). For an
ended batch it calls `handler(result)` once per result not delivered before, then,
in one transaction, marks that result delivered and records its cost in the ledger
(at batch prices). A handler that raises stops collection; that result and the rest
are delivered by the next collect. So a result reaches the handler once, except
when the process dies between the handler returning and that commit: then it comes
again, and handlers must write idempotently (WF1's write-back is). When every result
is delivered the batch's booking is released. A lease keeps two collectors off the
same batch.

Batch answers that do not fit their schema cannot be retried inside the batch: they
come back as failed results with the reason (`retryable=False`); expired, canceled
and overloaded ones come back `retryable=True`, for a later run to submit again.
"""

from __future__ import annotations

import importlib
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel

from ..config import AIConfig
from ..errors import AIError, ConfigError
from .base import AIAnswer, AIRequest
from .ledger import CallRecord, CostLedger
from .pricing import Pricing
from .prompting import parse_answer

BATCH_BOOKING_SEC = 25 * 3600  # results arrive within 24 h
LEASE_SEC = 600
_CUSTOM_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_RETRYABLE_ERRORS = ("overloaded_error", "api_error", "rate_limit_error", "timeout_error")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS ai_batches (
    batch_id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    run_id TEXT,
    workflow TEXT,
    submitted_at TEXT NOT NULL,
    status TEXT NOT NULL,
    reservation_id TEXT,
    item_count INTEGER NOT NULL,
    lease_owner TEXT,
    lease_until REAL
);
CREATE TABLE IF NOT EXISTS ai_batch_items (
    batch_id TEXT NOT NULL,
    custom_id TEXT NOT NULL,
    skill TEXT NOT NULL,
    entry_id TEXT,
    workflow TEXT,
    model TEXT NOT NULL,
    schema_ref TEXT NOT NULL,
    delivered_at TEXT,
    PRIMARY KEY (batch_id, custom_id)
);
"""


@dataclass
class BatchResult:
    """One collected result: an answer, or an error with whether a new submission may help."""

    batch_id: str
    custom_id: str
    skill: str
    entry_id: str | None
    workflow: str | None
    answer: AIAnswer[Any] | None = None
    error: str | None = None
    retryable: bool = False

    @property
    def ok(self) -> bool:
        return self.answer is not None


@dataclass
class CollectReport:
    delivered: int = 0
    collected_batches: list[str] = field(default_factory=list)
    pending_batches: list[str] = field(default_factory=list)
    cost_usd: float = 0.0


@dataclass
class PendingBatch:
    batch_id: str
    run_id: str | None
    workflow: str | None
    submitted_at: str
    item_count: int
    delivered: int


def ensure_tables(ledger: CostLedger) -> None:
    with ledger.connect() as db:
        db.executescript(_SCHEMA)


def schema_ref(schema: type[BaseModel]) -> str:
    return f"{schema.__module__}:{schema.__qualname__}"


def load_schema(ref: str, schemas: Mapping[str, type[BaseModel]] | None = None) -> type[BaseModel]:
    """The schema class a stored reference names: from `schemas`, else from this package."""
    if schemas and ref in schemas:
        return schemas[ref]
    module_name, _, qualname = ref.partition(":")
    if not module_name.startswith("young_production."):
        raise ConfigError(f"batch result schema {ref} is not in this package: pass it in `schemas`")
    try:
        target: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            target = getattr(target, part)
    except (ImportError, AttributeError):
        raise ConfigError(
            f"batch result schema {ref} no longer exists in this version: pass it in `schemas`"
        ) from None
    if not (isinstance(target, type) and issubclass(target, BaseModel)):
        raise ConfigError(f"batch result schema {ref} is not a pydantic model")
    return target


def _anthropic(ai_config: AIConfig, provider: Any = None) -> Any:
    if provider is not None:
        return provider
    from .router import ProviderPlan, make_llm_provider

    plan = ProviderPlan(ai_config, "anthropic")
    plan.check()
    return make_llm_provider(plan, "anthropic", Pricing(ai_config.prices))


def submit_batch(
    items: Sequence[tuple[str, AIRequest, type[BaseModel]]],
    *,
    ai_config: AIConfig,
    ledger: CostLedger,
    run_id: str,
    workflow: str | None = None,
    provider: Any = None,
) -> str:
    """Send `items` as one Message Batch to Claude; return its id (also kept in state)."""
    if not items:
        raise AIError("a batch needs at least one request")
    ids = [custom_id for custom_id, _, _ in items]
    bad = [i for i in ids if not _CUSTOM_ID.match(i)]
    if bad or len(set(ids)) != len(ids):
        raise AIError(f"batch custom ids must be unique, 1-64 of A-Z a-z 0-9 _ - (got {bad or 'duplicates'})")
    claude = _anthropic(ai_config, provider)
    ensure_tables(ledger)
    requests = [{"custom_id": cid, "params": claude.message_params(req, schema)} for cid, req, schema in items]
    ceiling = sum(claude.cost_ceiling(req, schema, batch=True) for _, req, schema in items)
    reservation = ledger.reserve(
        ceiling, ai_config.limits, run_id, ttl_sec=BATCH_BOOKING_SEC, note=f"batch of {len(items)}"
    )
    try:
        batch_id = claude.create_batch(requests)
    except BaseException:
        ledger.release(reservation)
        raise
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with ledger.transaction() as db:
        db.execute(
            "INSERT INTO ai_batches (batch_id, provider, run_id, workflow, submitted_at, status, "
            "reservation_id, item_count) VALUES (?, 'anthropic', ?, ?, ?, 'submitted', ?, ?)",
            (batch_id, run_id, workflow, now, reservation, len(items)),
        )
        db.executemany(
            "INSERT INTO ai_batch_items (batch_id, custom_id, skill, entry_id, workflow, model, schema_ref) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (batch_id, cid, req.skill, req.entry_id, req.workflow or workflow, request["params"]["model"],
                 schema_ref(schema))
                for (cid, req, schema), request in zip(items, requests)
            ],
        )
    return batch_id


def pending_batches(ledger: CostLedger) -> list[PendingBatch]:
    """Batches submitted and not fully collected, oldest first."""
    ensure_tables(ledger)
    with ledger.connect() as db:
        rows = db.execute(
            "SELECT b.batch_id, b.run_id, b.workflow, b.submitted_at, b.item_count, "
            "COUNT(i.delivered_at) AS delivered FROM ai_batches b "
            "LEFT JOIN ai_batch_items i ON i.batch_id = b.batch_id "
            "WHERE b.status != 'collected' GROUP BY b.batch_id ORDER BY b.submitted_at, b.batch_id"
        ).fetchall()
    return [PendingBatch(**dict(row)) for row in rows]


def pending_entry_ids(ledger: CostLedger) -> set[str]:
    """Entries whose answer is in a batch not yet delivered: a new run must leave them alone."""
    ensure_tables(ledger)
    with ledger.connect() as db:
        rows = db.execute(
            "SELECT i.entry_id FROM ai_batch_items i JOIN ai_batches b ON b.batch_id = i.batch_id "
            "WHERE b.status != 'collected' AND i.delivered_at IS NULL AND i.entry_id IS NOT NULL"
        ).fetchall()
    return {row[0] for row in rows}


def collect_batch(
    handler: Callable[[BatchResult], None],
    *,
    ai_config: AIConfig,
    ledger: CostLedger,
    batch_id: str | None = None,
    provider: Any = None,
    schemas: Mapping[str, type[BaseModel]] | None = None,
) -> CollectReport:
    """Deliver the results of ended batches to `handler`, each once (see the module notes)."""
    report = CollectReport()
    ids = [b.batch_id for b in pending_batches(ledger)]
    if batch_id is not None:
        ids = [i for i in ids if i == batch_id]
    if not ids:
        return report
    claude = _anthropic(ai_config, provider)
    for current in ids:
        owner = uuid.uuid4().hex
        if not _take_lease(ledger, current, owner):
            report.pending_batches.append(current)
            continue
        try:
            if not claude.batch_ended(current):
                report.pending_batches.append(current)
                continue
            _deliver(claude, ledger, current, handler, report, schemas)
            report.collected_batches.append(current)
        finally:
            _drop_lease(ledger, current, owner)
    return report


def _take_lease(ledger: CostLedger, batch_id: str, owner: str) -> bool:
    now = datetime.now(timezone.utc).timestamp()
    with ledger.transaction() as db:
        taken = db.execute(
            "UPDATE ai_batches SET lease_owner = ?, lease_until = ? "
            "WHERE batch_id = ? AND (lease_until IS NULL OR lease_until < ?)",
            (owner, now + LEASE_SEC, batch_id, now),
        ).rowcount
    return taken == 1


def _drop_lease(ledger: CostLedger, batch_id: str, owner: str) -> None:
    with ledger.transaction() as db:
        db.execute(
            "UPDATE ai_batches SET lease_owner = NULL, lease_until = NULL WHERE batch_id = ? AND lease_owner = ?",
            (batch_id, owner),
        )


def _deliver(
    claude: Any,
    ledger: CostLedger,
    batch_id: str,
    handler: Callable[[BatchResult], None],
    report: CollectReport,
    schemas: Mapping[str, type[BaseModel]] | None,
) -> None:
    with ledger.connect() as db:
        batch = dict(db.execute("SELECT * FROM ai_batches WHERE batch_id = ?", (batch_id,)).fetchone())
        items = {
            row["custom_id"]: dict(row)
            for row in db.execute(
                "SELECT * FROM ai_batch_items WHERE batch_id = ? AND delivered_at IS NULL", (batch_id,)
            )
        }
    try:
        for custom_id, outcome in claude.batch_results(batch_id):
            item = items.pop(custom_id, None)
            if item is None:
                continue  # delivered before, or not ours
            result, record = _result(claude, batch, item, outcome, schemas)
            handler(result)
            with ledger.transaction() as db:
                db.execute(
                    "UPDATE ai_batch_items SET delivered_at = ? WHERE batch_id = ? AND custom_id = ?",
                    (datetime.now(timezone.utc).isoformat(timespec="seconds"), batch_id, custom_id),
                )
                if record is not None:
                    ledger.insert_call(db, record)
            report.delivered += 1
            report.cost_usd += record.usage.cost_usd if record else 0.0
    finally:
        # ai_costs.json is rewritten once per batch (not per result), also when a handler stopped collection.
        with ledger.transaction() as db:
            left = db.execute(
                "SELECT COUNT(*) FROM ai_batch_items WHERE batch_id = ? AND delivered_at IS NULL", (batch_id,)
            ).fetchone()[0]
            if left == 0:
                db.execute("UPDATE ai_batches SET status = 'collected' WHERE batch_id = ?", (batch_id,))
                if batch["reservation_id"]:
                    ledger.release_within(db, batch["reservation_id"])
            ledger.write_costs_json(db)


def _result(
    claude: Any,
    batch: dict[str, Any],
    item: dict[str, Any],
    outcome: Any,
    schemas: Mapping[str, type[BaseModel]] | None,
) -> tuple[BatchResult, CallRecord | None]:
    result = BatchResult(
        batch_id=batch["batch_id"],
        custom_id=item["custom_id"],
        skill=item["skill"],
        entry_id=item["entry_id"],
        workflow=item["workflow"],
    )
    kind = outcome.type
    if kind != "succeeded":
        error_type = ""
        if kind == "errored":
            error = getattr(outcome.error, "error", None)
            error_type = getattr(error, "type", "") or ""
            result.error = f"the batch request failed: {getattr(error, 'message', '') or error_type}"
        else:
            result.error = f"the batch request was {kind} before it ran"
        result.retryable = kind in ("expired", "canceled") or error_type in _RETRYABLE_ERRORS
        return result, None
    model = item["model"]
    raw = claude.raw_answer(model, outcome.message, batch=True)
    record = CallRecord(
        provider="anthropic",
        model=model,
        usage=raw.usage,
        workflow=item["workflow"],
        skill=item["skill"],
        entry_id=item["entry_id"],
        run_id=batch["run_id"],
        batch=True,
    )
    if raw.cut_off:  # never parse a half answer
        record.outcome = "rejected"
        result.error = (f"batch answer for {item['skill']} stopped at the output token limit: raise "
                        f"skills.{item['skill']}.max_output_tokens or its thinking reserve in ai_config.yaml")
        return result, record
    try:
        value = parse_answer(raw.text, load_schema(item["schema_ref"], schemas))
    except AIError as exc:
        record.outcome = "rejected"
        result.error = f"batch answer rejected: {exc}"
        return result, record
    result.answer = AIAnswer(value=value, usage=raw.usage, provider="anthropic", model=model)
    return result, record
