"""A provider wrapper that keeps spending inside the configured limits.

Around every call it reserves the most the call can cost (the provider's
`cost_ceiling`: a high estimate of the prompt, every attempt, the full output
token limit) against the per-run, daily and monthly limits, then settles the real
cost in the ledger. Reservation and settlement are atomic across threads and
processes (see `ledger.py`), so workers racing for the last cents of a budget never
overshoot it: the call that would is refused with `BudgetExceeded` before it is made.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from ..config import LimitsConfig
from .base import AIAnswer, AIRequest, T, Usage
from .ledger import CallRecord, CostLedger
from .prompting import AnswerRejected, spent_before


_billed_run: ContextVar[str | None] = ContextVar("yp_billed_run", default=None)


@contextmanager
def billing_run(run_id: str | None) -> Iterator[None]:
    """Book the calls made inside this block to `run_id` (the engine's one run id), whichever
    process makes them: a workflow resumed by another process still bills its own run."""
    token = _billed_run.set(run_id)
    try:
        yield
    finally:
        _billed_run.reset(token)


class PricedProvider(Protocol):
    """An AI provider that can bound the cost of a request before making it."""

    name: str

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]: ...

    def model_for(self, request: AIRequest) -> str: ...

    def cost_ceiling(self, request: AIRequest, schema: type[T]) -> float: ...


class MeteredProvider:
    def __init__(self, inner: PricedProvider, ledger: CostLedger, limits: LimitsConfig, run_id: str):
        self.inner = inner
        self.ledger = ledger
        self.limits = limits
        self.run_id = run_id
        self.name = inner.name

    @property
    def current_run_id(self) -> str:
        return _billed_run.get() or self.run_id

    def model_for(self, request: AIRequest) -> str:
        return self.inner.model_for(request)

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        ceiling = self.inner.cost_ceiling(request, schema)
        reservation = self.ledger.reserve(
            ceiling, self.limits, self.current_run_id, note=f"{request.skill} {request.entry_id or ''}".strip()
        )
        try:
            answer = self.inner.complete(request, schema)
        except BaseException as exc:
            spent = spent_before(exc)
            if spent.cost_usd or spent.input_tokens or spent.output_tokens:
                outcome = "rejected" if isinstance(exc, AnswerRejected) else "failed"
                self.ledger.settle(reservation, self._record(request, self.model_for(request), spent, outcome))
            else:
                self.ledger.release(reservation)
            raise
        self.ledger.settle(reservation, self._record(request, answer.model, answer.usage, "ok"))
        return answer

    def _record(self, request: AIRequest, model: str, usage: Usage, outcome: str) -> CallRecord:
        return CallRecord(
            provider=self.inner.name,
            model=model,
            usage=usage,
            workflow=request.workflow,
            skill=request.skill,
            entry_id=request.entry_id,
            run_id=self.current_run_id,
            outcome=outcome,
        )
