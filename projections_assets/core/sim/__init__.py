"""The sim worlds engine (issue 11 item 3): pure functions, no Dagster; docs/sim.md."""
