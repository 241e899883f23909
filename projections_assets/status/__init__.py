"""The status surface: a small read-only web service over the lake (`projections serve`, docs/status.md).

`health` classifies freshness (pure), `lake_status` reads what the service shows with the lake's own
readers, `app` serves both. Nothing here imports Dagster: the command line (`cli/serve.py`) hands in the
sources' clock and the orchestrator's last failed run as plain callables.
"""
