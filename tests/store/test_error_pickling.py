"""Every project exception survives pickling with its message and attributes.

Durable runs pickle a step's error to record it, so an error class whose `__init__`
takes other arguments than the message must still round-trip. The test walks the
whole package, so a new error class anywhere is covered the day it is added.
"""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
from typing import Any

import pytest

import young_production
from young_production.ai.base import Usage
from young_production.errors import YPError
from young_production.tools.notion_emulator.objects import ApiError


def all_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(young_production.__path__, "young_production.")]
    return sorted(n for n in names if not n.endswith("__main__"))


def error_classes() -> list[type[BaseException]]:
    for name in all_modules():
        importlib.import_module(name)
    found: set[type[BaseException]] = set()
    pending: list[type[BaseException]] = [YPError]
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


SAMPLE_VALUES: dict[str, Any] = {
    "message": "something a person can act on",
    "reason": "answer does not fit",
    "status": 403,
    "code": "restricted_resource",
    "notion_message": "API token does not have access to this resource.",
    "usage": Usage(input_tokens=12, output_tokens=34, cost_usd=0.5),
    "provider": "anthropic",
    "model": "claude-haiku-5-5",
    "dna_id": "dna-1",
    "title": "a reference",
    "used": 9_950,
    "budget": 10_000,
    "candidates": [("3f2a9c1e-0000-4000-8000-000000000001", "Focus hacks"), ("3f2a9c1e-0000-4000-8000-000000000002", "Focus tips")],
}


def build(cls: type[BaseException]) -> BaseException:
    """An instance with representative values for every parameter of its `__init__`."""
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return cls(SAMPLE_VALUES["message"])
    args, kwargs = [], {}
    for param in params:
        if param.kind is inspect.Parameter.VAR_KEYWORD:
            continue
        if param.name not in SAMPLE_VALUES:
            raise AssertionError(f"add a sample value for {cls.__qualname__}({param.name}=...) to SAMPLE_VALUES")
        if param.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[param.name] = SAMPLE_VALUES[param.name]
        else:
            args.append(SAMPLE_VALUES[param.name])
    return cls(*args, **kwargs)


CLASSES = error_classes()


def test_the_walk_finds_the_errors_of_every_layer() -> None:
    names = {c.__qualname__ for c in CLASSES}
    assert {"NotionRequestError", "NotionAccountError", "AnswerRejected", "TrashedRecord", "BudgetExceeded"} <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_every_project_error_round_trips_through_pickle(cls: type[BaseException]) -> None:
    error = build(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error) and copy.args == error.args
    assert vars(copy) == vars(error)


def test_the_notion_emulator_error_round_trips_too() -> None:
    error = ApiError(429, "rate_limited", "slow down", {"Retry-After": "3"})
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.status, copy.code, copy.message, copy.headers) == (429, "rate_limited", "slow down", {"Retry-After": "3"})
