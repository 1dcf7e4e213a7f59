"""Notion backend: the Store on the Notion API, its client, mapping, bodies and database setup."""
