"""The `store` fixture: every Store implementation, through one factory registry.

A factory takes the test's tmp_path and returns a context manager yielding a ready,
empty store; leaving the context releases it (close the store, stop an emulator).
To run the contract suite on another backend, add one entry to STORE_FACTORIES.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest

from young_production.store.base import Store
from young_production.store.sqlite import SQLiteStore

from .notion.factory import notion_store

StoreFactory = Callable[[Path], AbstractContextManager[Store]]


@contextmanager
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    store = SQLiteStore(tmp_path / "contract.db")
    try:
        yield store
    finally:
        store.close()


STORE_FACTORIES: dict[str, StoreFactory] = {
    "sqlite": sqlite_store,
    "notion": notion_store,
}


@pytest.fixture(params=sorted(STORE_FACTORIES))
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with STORE_FACTORIES[request.param](tmp_path) as opened:
        yield opened
