"""A loopback emulator of the Notion API subset Young Production uses (see server.py)."""

from .faults import Faults, TokenBucket
from .server import DEFAULT_API_KEY, NOTION_VERSION, NotionEmulator
from .state import NotionState

__all__ = ["DEFAULT_API_KEY", "NOTION_VERSION", "Faults", "NotionEmulator", "NotionState", "TokenBucket"]
