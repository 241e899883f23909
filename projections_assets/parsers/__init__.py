"""Parsers: pure functions turning source payloads into rows (no Dagster, no I/O beyond bytes)."""
