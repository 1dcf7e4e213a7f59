"""The guard refuses without connecting: the conftest fails any test that reaches beyond loopback."""

import pytest

from young_production.errors import AddressRefused, SourceError
from young_production.media.sources import AddressGuard


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/video.mp4",
        "http://192.168.1.1/admin",
        "https://172.16.5.4:8443/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata endpoint
        "http://127.0.0.1:8000/",
        "http://localhost:8000/",
        "http://[::1]/",
        "http://[::ffff:10.0.0.1]/",  # IPv4-mapped private address
        "http://[fe80::1]/",
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.0.0.0/",
        "http://224.0.0.1/",
    ],
)
def test_private_and_special_addresses_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused, match="private, loopback or reserved") as caught:
        AddressGuard().check(url)
    assert "allow_private_addresses" in str(caught.value)


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "'file:'"),
        ("ftp://example.com/a.mp4", "'ftp:'"),
        ("javascript:alert(1)", "'javascript:'"),
    ],
)
def test_only_http_and_https_are_allowed(url: str, scheme: str) -> None:
    for guard in (AddressGuard(), AddressGuard(allow_private=True)):
        with pytest.raises(AddressRefused, match=f"only http and https URLs can be fetched.*{scheme}"):
            guard.check(url)


def test_address_refused_is_a_source_error() -> None:
    assert issubclass(AddressRefused, SourceError)


def test_malformed_urls_are_refused() -> None:
    with pytest.raises(AddressRefused, match="no host"):
        AddressGuard().check("http:///just-a-path")
    with pytest.raises(AddressRefused, match="malformed"):
        AddressGuard().check("http://example.com:99999999/")


def test_loopback_is_allowed_when_configured() -> None:
    guard = AddressGuard(allow_private=True)
    guard.check("http://127.0.0.1:8000/captioned/")
    guard.check("http://10.0.0.1/")  # allowed by config: the guard answers without connecting


def test_public_address_literals_pass() -> None:
    AddressGuard().check("https://93.184.215.14/page")
    AddressGuard().check("https://[2606:4700:4700::1111]/")
