"""Failures of the integration itself stop a run (AccountError); a missing page stays per-entry.

Also: 529 overload answers are waited out per Retry-After like 429, and the client pins the
Notion-Version it was written for whatever default the SDK would send.
"""

from __future__ import annotations

import dataclasses
import uuid

import httpx
import notion_client.client
import pytest

from young_production.config import NotionConfig
from young_production.errors import AccountError, NotFound
from young_production.records import Empire, ViralDNA
from young_production.store.notion.client import NOTION_VERSION, NotionClient, Pacer
from young_production.store.notion.setup import check_databases
from young_production.store.notion.store import NotionStore
from young_production.tools.notion_emulator import NotionEmulator

from .factory import NotionRig


def test_a_revoked_key_is_an_account_error(rig: NotionRig) -> None:
    config = rig.config.model_copy(update={"api_key": "secret_revoked"})
    store = NotionStore(config, NotionClient.from_config(config))
    try:
        with pytest.raises(AccountError, match="401"):
            store.query(ViralDNA)
    finally:
        store.close()


def test_a_database_the_integration_lost_access_to_is_an_account_error(rig: NotionRig) -> None:
    rig.store.create(ViralDNA(key="k", title="t"))  # the data source id is now cached
    rig.emulator.state.unshare(rig.config.databases["viral_dna"].id)
    with pytest.raises(AccountError, match="not shared"):
        rig.store.query(ViralDNA)
    with pytest.raises(AccountError):
        rig.store.create(ViralDNA(key="k2", title="t"))
    fresh = NotionStore(rig.config, NotionClient.from_config(rig.config))
    try:
        with pytest.raises(AccountError, match="yp notion check"):
            fresh.find_by_key(ViralDNA, "k")
        assert fresh.create(Empire(name="still reachable")).name == "still reachable"
    finally:
        fresh.close()


def test_a_restricted_database_is_an_account_error(rig: NotionRig) -> None:
    dna = rig.store.create(ViralDNA(key="k", title="t"))
    rig.emulator.state.restrict(rig.config.databases["viral_dna"].id)
    for attempt in (
        lambda: rig.store.create(ViralDNA(key="k2", title="t")),
        lambda: rig.store.update(ViralDNA, dna.id, {"hook": "h"}),
        lambda: rig.store.query(ViralDNA),
    ):
        with pytest.raises(AccountError, match="403 restricted_resource"):
            attempt()


def test_a_missing_page_stays_a_per_entry_not_found(rig: NotionRig) -> None:
    with pytest.raises(NotFound) as caught:
        rig.store.get(ViralDNA, str(uuid.uuid4()))
    assert not isinstance(caught.value, AccountError)


def test_overload_529_waits_retry_after_however_long_it_lasts() -> None:
    clock = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    with NotionEmulator() as emulator:
        config = NotionConfig(api_key=emulator.api_key, base_url=emulator.base_url)
        client = NotionClient.from_config(config, pacer=Pacer(1000, clock=lambda: clock[0], sleep=sleep), sleep=sleep)
        try:
            emulator.faults.fail_next(*[529] * 12, retry_after=4)
            assert client.me()["object"] == "user"
        finally:
            client.close()
        assert emulator.faults.injected == 12
    waits = [s for s in slept if s > 0.01]
    assert len(waits) == 12 and all(abs(w - 4) < 0.01 for w in waits)  # 48 s of overload, waited out


def test_the_emulator_sends_retry_after_with_529() -> None:
    with NotionEmulator() as emulator:
        emulator.faults.fail_next(529, retry_after=7)
        answer = httpx.get(f"{emulator.base_url}/v1/users/me", headers={
            "Authorization": f"Bearer {emulator.api_key}", "Notion-Version": NOTION_VERSION})
    assert answer.status_code == 529 and answer.headers["retry-after"] == "7"
    assert answer.json()["code"] == "service_overload"


def test_the_client_pins_its_notion_version_over_a_newer_sdk_default(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclasses.dataclass
    class NewerSdkOptions(notion_client.client.ClientOptions):
        notion_version: str = "2026-03-11"

    monkeypatch.setattr(notion_client.client, "ClientOptions", NewerSdkOptions)
    with NotionEmulator() as emulator:
        config = NotionConfig(api_key=emulator.api_key, base_url=emulator.base_url)
        client = NotionClient.from_config(config)
        try:
            assert client.me()["object"] == "user"
        finally:
            client.close()


@pytest.mark.parametrize("version", ["2026-03-11", "2022-06-28", "yesterday"])
def test_the_emulator_refuses_a_version_it_does_not_speak(version: str) -> None:
    with NotionEmulator() as emulator:
        answer = httpx.get(f"{emulator.base_url}/v1/users/me", headers={
            "Authorization": f"Bearer {emulator.api_key}", "Notion-Version": version})
    body = answer.json()
    assert answer.status_code == 400 and body["code"] == "validation_error"
    assert "Notion-Version" in body["message"] and version in body["message"]


def test_check_reports_a_restricted_database_and_checks_the_others(rig: NotionRig) -> None:
    rig.emulator.state.restrict(rig.config.databases["productions"].id)
    infos = {info.collection: info for info in check_databases(rig.store.client, rig.config)}
    assert [f.problem for f in infos["productions"].fields if not f.ok][0].startswith("the Notion integration may not")
    assert all(f.ok for f in infos["viral_dna"].fields)
