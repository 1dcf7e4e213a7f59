"""The durable engine: runs the entries of any registered workflow as DBOS workflows; it names no workflow."""
