"""A small durable workflow for the crash tests: one keyed create in the store, as a step.

Imported by the child processes before the engine launches, so DBOS knows it.
"""

from __future__ import annotations

from dbos import DBOS

from young_production.records import ViralDNA
from young_production.runtime import Runtime
from young_production.workflows.engine.durable import durable_step

WORKFLOW_NAME = "yp.test.create"


@durable_step("test.create")
def create_entry(runtime: Runtime, key: str, title: str) -> str:
    record = runtime.store.create(ViralDNA(key=key, title=title, url=f"https://example.org/{key}"))
    return record.id or ""


@DBOS.workflow(name=WORKFLOW_NAME)
def create_one(key: str, title: str) -> str:
    return create_entry(key, title)
