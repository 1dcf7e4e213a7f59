"""A provider that cannot be reached, or does not answer, stops the run (issue 17, item 4).

Through the real SDKs, built as a run builds them: a closed loopback port (connection
refused) and the emulators' `latency_sec` knob (a server that accepts the request and
stays silent past `read_timeout_sec`). Both providers stop the same way, naming the
address they tried, and the error survives pickling (the durable engine pickles step errors).
"""

from __future__ import annotations

import pickle
import time
from pathlib import Path

import pytest

from tests.fakes import AnthropicEmulator, OpenAIEmulator
from young_production.ai.anthropic_provider import AnthropicProvider
from young_production.ai.base import AIRequest
from young_production.ai.configured import ProviderUnreachable
from young_production.ai.ledger import CostLedger
from young_production.ai.openai_provider import OpenAICompatibleProvider
from young_production.ai.pricing import Pricing
from young_production.ai.router import build_provider
from young_production.config import AIConfig
from young_production.errors import AccountError
from young_production.skills.dna.decode import DNA_INSTRUCTIONS, DNAAnalysisAnswer

from .conftest import MONEY, make_config

READ_TIMEOUT = 0.3
SILENCE = 3.0  # how long the emulator sits on each request: far past READ_TIMEOUT


def request() -> AIRequest:
    return AIRequest("S05", DNA_INSTRUCTIONS, f"Title: Money\nTranscript:\n{MONEY.text}", {}, "WF1", "e1", 800)


def provider_at(name: str, base_url: str, tmp_path: Path, **timeouts: float):  # noqa: ANN201
    config = make_config(name, max_retries=1)
    settings = getattr(config, name)
    settings.base_url, settings.api_key = base_url, "test-key"
    for field, value in timeouts.items():
        setattr(settings, field, value)
    return build_provider(config, ledger=CostLedger(tmp_path), run_id="r")


def closed_base(closed_port_url: str, name: str) -> str:
    origin = closed_port_url.rsplit("/", 1)[0]
    return origin + "/v1" if name == "openai" else origin


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_a_closed_port_stops_the_run_and_names_the_address(name: str, closed_port_url: str, tmp_path: Path) -> None:
    where = closed_base(closed_port_url, name)
    with pytest.raises(AccountError) as caught:
        provider_at(name, where, tmp_path).complete(request(), DNAAnalysisAnswer)
    message = str(caught.value)
    assert isinstance(caught.value, ProviderUnreachable)
    assert where.split("//")[1] in message and "connection refused" in message and "2 attempts" in message
    assert "remaining entries stay unprocessed" in message and "\n" not in message
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is ProviderUnreachable and str(again) == message
    assert CostLedger(tmp_path).totals().reserved_usd == 0  # nothing stays booked for a call that never happened


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_a_silent_server_stops_the_run_after_the_read_timeout_and_its_retries(name: str, tmp_path: Path) -> None:
    emulator = AnthropicEmulator() if name == "anthropic" else OpenAIEmulator()
    emulator.latency_sec = SILENCE
    with emulator:
        base = emulator.base_url + ("/v1" if name == "openai" else "")
        provider = provider_at(name, base, tmp_path, read_timeout_sec=READ_TIMEOUT)
        started = time.monotonic()
        with pytest.raises(ProviderUnreachable) as caught:
            provider.complete(request(), DNAAnalysisAnswer)
        waited = time.monotonic() - started
    message = str(caught.value)
    assert f"did not answer within {READ_TIMEOUT:g} s" in message and base.split("//")[1] in message
    assert "read_timeout_sec" in message and "2 attempts" in message
    # two attempts of READ_TIMEOUT and the SDK's backoff between them; never a wait for the answer
    assert 2 * READ_TIMEOUT <= waited < SILENCE


def test_the_timeouts_are_settings_with_defaults_and_the_old_name_still_reads() -> None:
    defaults = AIConfig.model_validate({}).anthropic
    assert (defaults.connect_timeout_sec, defaults.read_timeout_sec) == (10.0, 180.0)
    older = AIConfig.model_validate({"anthropic": {"timeout_sec": 45}}).anthropic
    assert older.read_timeout_sec == 45
    chosen = AIConfig.model_validate({"openai": {"connect_timeout_sec": 2, "read_timeout_sec": 900}}).openai
    assert (chosen.connect_timeout_sec, chosen.read_timeout_sec) == (2, 900)


@pytest.mark.parametrize("name", ["anthropic", "openai"])
def test_the_sdk_clients_get_both_timeouts(name: str) -> None:
    config = make_config(name)
    settings = getattr(config, name)
    settings.api_key, settings.connect_timeout_sec, settings.read_timeout_sec = "k", 3, 77
    provider_type = AnthropicProvider if name == "anthropic" else OpenAICompatibleProvider
    timeout = provider_type(settings, Pricing(config.prices)).client.timeout
    assert (timeout.connect, timeout.read) == (3, 77)


def test_the_address_shown_carries_no_credentials(closed_port_url: str, tmp_path: Path) -> None:
    origin = closed_port_url.rsplit("/", 1)[0]
    secret = origin.replace("http://", "http://user:sk-secret@") + "/v1?key=sk-other"
    with pytest.raises(ProviderUnreachable) as caught:
        provider_at("openai", secret, tmp_path).complete(request(), DNAAnalysisAnswer)
    message = str(caught.value)
    assert origin.split("//")[1] in message and "sk-" not in message and "user" not in message
