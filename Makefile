# The two commands of the README, and the helpers they use.
.PHONY: setup services test ui serve lint demo

setup:
	./scripts/setup.sh

services:
	./scripts/services.sh

# Install everything and run the whole test suite (what CI runs).
test: setup services
	.venv/bin/ruff check projections_assets projections_assets_tests bench
	.venv/bin/lint-imports
	.venv/bin/pytest

# Install everything and run the main job: the demo slate end to end on the embedded default.
demo: setup
	DAGSTER_HOME=$(CURDIR)/.dagster_home .venv/bin/projections demo

# The Dagster UI on the embedded instance, bound to loopback. A run's launch waits for its worker to load
# the code location, which takes over Dagster's default 60 s on a busy 2-core machine.
ui: setup
	DAGSTER_HOME=$(CURDIR)/.dagster_home DAGSTER_GRPC_TIMEOUT_SECONDS=300 \
	  .venv/bin/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# The read-only status service (docs/status.md) on the same instance and lake, bound to loopback on 3100
# (the UI has 3000): health, the published slate as JSON/CSV, and the projections page.
serve: setup
	DAGSTER_HOME=$(CURDIR)/.dagster_home .venv/bin/projections serve --host 127.0.0.1 --port 3100

lint: setup
	.venv/bin/ruff check projections_assets projections_assets_tests bench
	.venv/bin/lint-imports
