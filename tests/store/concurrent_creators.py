"""One creator process for the concurrency tests (`python -m tests.store.concurrent_creators SPEC`).

SPEC is JSON: {"backend": "sqlite", "path": ...} or {"backend": "notion", "config": {...},
"lock_dir": ...}, plus "key", "ready" (a file to create once the store is open) and "go"
(a file to wait for). It prints one JSON line: {"id": ...} or {"error": ...}.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from young_production.config import NotionConfig
from young_production.records import ViralDNA
from young_production.store.base import Store


def open_store(spec: dict) -> Store:
    if spec["backend"] == "sqlite":
        from young_production.store.sqlite import SQLiteStore

        return SQLiteStore(spec["path"])
    from young_production.store.notion.store import NotionStore

    config = NotionConfig.model_validate(spec["config"])
    return NotionStore.from_config(config, lock_dir=Path(spec["lock_dir"]))


def main(raw: str) -> None:
    spec = json.loads(raw)
    Path(spec["ready"]).touch()
    go = Path(spec["go"])
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.002)
    try:
        store = open_store(spec)  # opening races too: a new SQLite file is made by whoever comes first
        try:
            record = store.create(ViralDNA(key=spec["key"], title=f"made by {spec['ready']}"))
        finally:
            store.close()
        print(json.dumps({"id": record.id}))
    except Exception as exc:  # reported to the test, which asserts there is none
        print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}))


if __name__ == "__main__":
    main(sys.argv[1])
