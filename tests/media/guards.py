"""Guards for tests: allow exactly the loopback host:port a test serves on, nothing else."""

from __future__ import annotations

from urllib.parse import urlsplit

from young_production.media.guard import AddressGuard


def exact_guard(*urls: str) -> AddressGuard:
    """A guard allowing the host:port of each URL (default ports filled in) and nothing else."""
    entries = []
    for url in urls:
        parts = urlsplit(url)
        entries.append(f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}")
    return AddressGuard(entries)
