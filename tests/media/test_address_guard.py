"""The guard's policy: judged without connecting (the conftest fails any test that reaches beyond loopback)."""

import pickle
import socket
from pathlib import Path

import pytest
from pydantic import ValidationError

from young_production.config import SourcesConfig, Workspace
from young_production.errors import AddressRefused, ConfigError, SourceError, TransientError
from young_production.media.guard import AddressGuard


def resolver_for(table: dict[str, list[str]]):
    """A getaddrinfo stand-in answering from `table` (and failing for anything else)."""
    calls: list[str] = []

    def resolve(host: str, port: int, *args, **kwargs):
        calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
                for a in table[host]]

    resolve.calls = calls  # type: ignore[attr-defined]
    return resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/video.mp4",
        "http://192.168.1.1/admin",
        "https://172.16.5.4:8443/",
        "http://127.0.0.1:8000/",
        "http://localhost:8000/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",  # IPv4-mapped private address
        "http://[::ffff:127.0.0.1]:8000/",
        "http://[fc00::1]/",  # unique local (ULA)
        "http://[fd12:3456::1]/",
        "http://[2002:7f00:1::1]/",  # 6to4 wrapping 127.0.0.1
        "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://[ff02::1]/",
    ],
)
def test_private_and_special_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused, match="private, loopback or reserved") as caught:
        AddressGuard().check(url)
    assert "allow_private_addresses" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",  # the cloud metadata endpoint
        "http://169.254.10.1/",
        "http://[fe80::1]/",
        "http://[fd00:ec2::254]/latest/meta-data/",  # AWS metadata over IPv6
        "http://100.100.100.200/latest/meta-data/",  # Alibaba metadata
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:a9fe:a9fe::1]/",  # 6to4 wrapping 169.254.169.254
    ],
)
def test_link_local_and_metadata_stay_refused_even_when_private_is_allowed(url: str) -> None:
    for guard in (AddressGuard(), AddressGuard(True), AddressGuard(["0.0.0.0/0", "::/0", "10.0.0.0/8"])):
        with pytest.raises(AddressRefused):
            guard.check(url)
    with pytest.raises(AddressRefused, match="link-local or cloud metadata"):
        AddressGuard(True).check(url)


def test_link_local_is_allowed_only_by_an_explicit_entry() -> None:
    AddressGuard(["169.254.169.254"]).check("http://169.254.169.254/latest/")
    AddressGuard(["169.254.169.254:80"]).check("http://169.254.169.254/latest/")
    AddressGuard(["169.254.0.0/16"]).check("http://169.254.10.1/")
    AddressGuard(["fe80::/10"]).check("http://[fe80::1]/")
    AddressGuard(["[fd00:ec2::254]"]).check("http://[fd00:ec2::254]/")
    with pytest.raises(AddressRefused):
        AddressGuard(["169.254.169.254:8080"]).check("http://169.254.169.254/latest/")


def test_true_allows_private_ranges() -> None:
    guard = AddressGuard(True)
    for url in ("http://127.0.0.1:8000/", "http://10.0.0.1/", "http://[::1]:9000/", "http://[fd12::1]/"):
        guard.check(url)  # answered without connecting


def test_list_allows_exactly_its_entries() -> None:
    guard = AddressGuard(["127.0.0.1:8000", "10.1.0.0/16", "[::1]:9000"])
    guard.check("http://127.0.0.1:8000/x")
    guard.check("http://10.1.200.3/")
    guard.check("http://[::1]:9000/")
    for refused in ("http://127.0.0.1:8001/", "http://127.0.0.2:8000/", "http://10.2.0.1/", "http://[::1]:9001/",
                    "http://192.168.0.1/"):
        with pytest.raises(AddressRefused, match="allow_private_addresses"):
            guard.check(refused)


def test_host_entries_match_the_name_or_the_address() -> None:
    resolve = resolver_for({"nas.local": ["192.168.1.5"], "other.local": ["192.168.1.5"]})
    guard = AddressGuard(["nas.local:8080"], resolver=resolve)
    assert guard.resolve("nas.local", 8080) == "192.168.1.5"
    with pytest.raises(AddressRefused):
        guard.resolve("nas.local", 8081)
    with pytest.raises(AddressRefused):
        guard.resolve("other.local", 8080)  # same address, but the entry names another host
    assert AddressGuard(["192.168.1.5"], resolver=resolve).resolve("other.local", 80) == "192.168.1.5"


def test_every_address_a_name_resolves_to_is_judged() -> None:
    resolve = resolver_for({"mixed.example": ["93.184.215.14", "10.0.0.7"], "public.example": ["93.184.215.14"]})
    guard = AddressGuard(resolver=resolve)
    with pytest.raises(AddressRefused, match="10.0.0.7"):
        guard.check("https://mixed.example/")
    assert guard.resolve("public.example", 443) == "93.184.215.14"
    assert resolve.calls == ["mixed.example", "public.example"]  # one look-up per judgement


def test_unresolvable_host_is_transient() -> None:
    with pytest.raises(TransientError, match="could not resolve host nowhere.invalid"):
        AddressGuard(resolver=resolver_for({})).check("https://nowhere.invalid/")


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "'file:'"),
        ("ftp://example.com/a.mp4", "'ftp:'"),
        ("javascript:alert(1)", "'javascript:'"),
    ],
)
def test_only_http_and_https_are_allowed(url: str, scheme: str) -> None:
    for guard in (AddressGuard(), AddressGuard(True)):
        with pytest.raises(AddressRefused, match=f"only http and https URLs can be fetched.*{scheme}"):
            guard.check(url)


def test_address_refused_is_a_source_error_and_pickles() -> None:
    assert issubclass(AddressRefused, SourceError)
    error = AddressRefused("refused 10.0.0.1:80: private")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is AddressRefused and str(copy) == str(error)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http:///just-a-path", "no host"),
        ("http://example.com:99999/", "port must be a number from 1 to 65535"),
        ("http://example.com:99999999/", "port must be a number from 1 to 65535"),
        ("http://example.com:0/", "port must be a number from 1 to 65535"),
        ("http://example.com:http/", "port must be a number from 1 to 65535"),
        ("http://[::1/", "malformed address"),
        ("http://[not-v6]/", "malformed address"),
    ],
)
def test_malformed_urls_are_a_clear_source_error(url: str, words: str) -> None:
    with pytest.raises(AddressRefused, match=words):
        AddressGuard(True).check(url)


def test_public_address_literals_pass_including_ipv6() -> None:
    guard = AddressGuard(resolver=resolver_for({}))  # literals need no look-up
    guard.check("https://93.184.215.14/page")
    guard.check("https://[2606:4700:4700::1111]/")
    guard.check("http://[2606:4700::1111]/x")
    guard.check("http://[::ffff:8.8.8.8]/")


def test_offline_check_judges_syntax_and_literals_without_dns() -> None:
    guard = AddressGuard(resolver=resolver_for({}))  # every look-up fails, as on a plane
    guard.check_offline("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    guard.check_offline("http://[2606:4700::1111]/x")
    with pytest.raises(AddressRefused, match="10.0.0.1"):
        guard.check_offline("http://10.0.0.1/clip.mp4")
    with pytest.raises(AddressRefused, match="port"):
        guard.check_offline("https://example.com:99999/")


def test_config_accepts_false_true_and_a_list(tmp_path: Path) -> None:
    assert SourcesConfig().allow_private_addresses is False
    assert SourcesConfig(allow_private_addresses=True).allow_private_addresses is True
    entries = ["127.0.0.1:8000", "localhost", "10.0.0.0/8", "[::1]:9000", "::1", "fe80::/10"]
    assert SourcesConfig(allow_private_addresses=entries).allow_private_addresses == entries
    for bad in (["127.0.0.1:99999"], ["not a host!"], ["10.0.0.0/33"], [""]):
        with pytest.raises(ValidationError):
            SourcesConfig(allow_private_addresses=bad)
    workspace = Workspace(tmp_path, env={})
    workspace.init()
    (workspace.config_dir / "pipeline.yaml").write_text("sources:\n  allow_private_addresses: ['10.0.0.1:70000']\n")
    with pytest.raises(ConfigError, match="pipeline.yaml: sources.allow_private_addresses"):
        workspace.pipeline_config()
    (workspace.config_dir / "pipeline.yaml").write_text(
        "sources:\n  allow_private_addresses:\n    - 127.0.0.1:8765\n    - 192.168.0.0/16\n"
    )
    guard = AddressGuard.from_config(workspace.pipeline_config().sources)
    guard.check("http://127.0.0.1:8765/")
    guard.check("http://192.168.4.4/")
    with pytest.raises(AddressRefused):
        guard.check("http://127.0.0.1:8766/")
