"""Notion backend: the Store on the Notion API, its client, mapping, setup and emulator."""
