"""A provider wrapper that keeps spending inside the configured limits, and never buys an answer twice.

Around every call it books the most the call can cost (the provider's
`cost_ceiling`: a high estimate of the prompt, every attempt, the full output
token limit) against the per-run, daily and monthly limits, as the call's row in the
ledger, before the request is sent; then it settles the real cost and keeps the
answer under the call's key (see `answers.py`). Booking and settlement are atomic
across threads and processes (see `ledger.py`), so workers racing for the last cents
of a budget never overshoot it: the call that would is refused with `BudgetExceeded`
before it is made.

A call whose key already has an answer (a step replayed after Ctrl-C, kill -9 or a
lost worker) is answered from the ledger: nothing is sent, booked or charged again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from pydantic import ValidationError

from ..config import LimitsConfig
from .answers import StoredAnswer, next_call_key
from .base import AIAnswer, AIRequest, T, Usage
from .ledger import IN_FLIGHT, CallRecord, CostLedger
from .prompting import AnswerRejected, spent_before

_billed_run: ContextVar[tuple[str | None, str | None]] = ContextVar("yp_billed_run", default=(None, None))


@contextmanager
def billing_run(run_id: str | None, owner: str | None = None) -> Iterator[None]:
    """Book the calls made inside this block to `run_id` (the engine's one run id), whichever
    process makes them: a workflow resumed by another process still bills its own run.
    `owner` names the process making them, so its calls left in flight can be settled
    when it is found dead (see `CostLedger.settle_lost`)."""
    token = _billed_run.set((run_id, owner))
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
        return _billed_run.get()[0] or self.run_id

    def model_for(self, request: AIRequest) -> str:
        return self.inner.model_for(request)

    def complete(self, request: AIRequest, schema: type[T]) -> AIAnswer[T]:
        key = next_call_key(request, self.model_for(request), schema)
        kept = self._kept(key, schema)
        if kept is not None:
            return kept
        booking = self.ledger.book(
            self.inner.cost_ceiling(request, schema), self.limits,
            self._record(request, self.model_for(request), Usage(), IN_FLIGHT, key), owner=_billed_run.get()[1],
        )
        try:
            answer = self.inner.complete(request, schema)
        except Exception as exc:  # an interrupt leaves the row in flight: the request may be out
            spent = spent_before(exc)
            if spent.cost_usd or spent.input_tokens or spent.output_tokens:
                outcome = "rejected" if isinstance(exc, AnswerRejected) else "failed"
                self.ledger.settle_booking(booking, self._record(request, self.model_for(request), spent, outcome, key))
            else:
                self.ledger.release_booking(booking)
            raise
        stored = StoredAnswer(answer.provider, answer.model, answer.value.model_dump(mode="json"), answer.usage)
        self.ledger.settle_booking(booking, self._record(request, answer.model, answer.usage, "ok", key), stored)
        return answer

    def _kept(self, key: str | None, schema: type[T]) -> AIAnswer[T] | None:
        """The answer this call bought before (its step is being replayed), if any."""
        stored = self.ledger.stored_answer(key) if key is not None else None
        if stored is None:
            return None
        try:
            value = schema.model_validate(stored.value)
        except ValidationError:  # kept by an older version with another schema: ask again
            return None
        return AIAnswer(value=value, usage=stored.usage, provider=stored.provider, model=stored.model)

    def _record(self, request: AIRequest, model: str, usage: Usage, outcome: str, key: str | None) -> CallRecord:
        return CallRecord(
            provider=self.inner.name,
            model=model,
            usage=usage,
            workflow=request.workflow,
            skill=request.skill,
            entry_id=request.entry_id,
            run_id=self.current_run_id,
            outcome=outcome,
            call_key=key,
        )
