"""Run records' tables are created safely when several processes open a new workspace at once."""

from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa

from young_production.workflows.engine.runs import create_tables, metadata


def test_tables_created_at_once_by_many_engines_do_not_collide(tmp_path: Path) -> None:
    for attempt in range(5):  # a check-then-create races; each attempt is a new database
        url = f"sqlite:///{tmp_path / f'state-{attempt}.db'}"
        engines = [sa.create_engine(url) for _ in range(8)]
        start = threading.Barrier(len(engines))
        errors: list[BaseException] = []

        def create(engine: sa.Engine) -> None:
            start.wait()
            try:
                create_tables(engine, metadata)
            except BaseException as exc:  # noqa: BLE001 - collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=create, args=(engine,)) for engine in engines]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for engine in engines:
            engine.dispose()

        assert errors == []
        assert set(metadata.tables) <= set(sa.inspect(sa.create_engine(url)).get_table_names())
