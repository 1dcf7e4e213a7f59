"""Fixtures for the Notion backend tests: a NotionStore on a fresh loopback emulator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .factory import NotionRig, notion_rig


@pytest.fixture
def rig() -> Iterator[NotionRig]:
    with notion_rig() as opened:
        yield opened
