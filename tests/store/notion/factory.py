"""A NotionStore on its own loopback emulator, with the four databases created by `init`.

Used by the contract suite's factory registry and by the Notion tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from young_production.config import NotionConfig, StoreConfig, substitute_env
from young_production.store.notion.client import NotionClient, Pacer, RetryPolicy
from young_production.tools.notion_emulator import NotionEmulator
from young_production.store.notion.setup import init_databases
from young_production.store.notion.store import NotionStore

FAST_RATE = 1000.0  # requests/s: tests do not wait on pacing unless they test it


def template_config(emulator: NotionEmulator, rate: float = FAST_RATE) -> NotionConfig:
    """The shipped databases.yaml mapping, pointed at the emulator, with no database ids yet."""
    text = (resources.files("young_production") / "config_templates" / "databases.yaml").read_text("utf-8")
    raw = substitute_env(yaml.safe_load(text), {})
    raw["notion"].update(api_key=emulator.api_key, base_url=emulator.base_url, rate_limit_per_sec=rate)
    return StoreConfig.model_validate(raw).notion


def with_databases(emulator: NotionEmulator, config: NotionConfig) -> NotionConfig:
    """`config` with the four databases created under the emulator's root page."""
    client = NotionClient.from_config(config, pacer=Pacer(FAST_RATE))
    try:
        for setup in init_databases(client, emulator.root_page_id, config):
            config.databases[setup.collection].id = setup.database_id
    finally:
        client.close()
    return config


@dataclass
class NotionRig:
    emulator: NotionEmulator
    config: NotionConfig
    store: NotionStore


@contextmanager
def notion_rig(
    rate: float = FAST_RATE,
    customize: Callable[[NotionConfig], None] | None = None,
    policy: RetryPolicy | None = None,
    seed: int | None = None,
) -> Iterator[NotionRig]:
    """An emulator, the databases (from the template mapping, after `customize`) and a store."""
    with NotionEmulator(seed=seed) as emulator:
        config = template_config(emulator, rate)
        if customize is not None:
            customize(config)
        config = with_databases(emulator, config)
        store = NotionStore(config, NotionClient.from_config(config, policy=policy))
        try:
            yield NotionRig(emulator, config, store)
        finally:
            store.close()


@contextmanager
def notion_store(tmp_path: Path) -> Iterator[NotionStore]:
    """The contract suite's factory: a ready, empty NotionStore on a fresh emulator."""
    del tmp_path  # the emulator keeps everything in memory
    with notion_rig() as rig:
        yield rig.store
