#!/usr/bin/env bash
# Install everything from the lock into ./.venv. Needs only python3 (3.11+) and
# the package registry: uv itself is bootstrapped into ./.tools at a pinned version.
set -euo pipefail
cd "$(dirname "$0")/.."

UV_VERSION=0.13.9
if ! .tools/bin/uv --version 2>/dev/null | grep -q "uv $UV_VERSION"; then
  echo "==> bootstrapping uv $UV_VERSION into .tools/"
  python3 -m venv .tools
  .tools/bin/pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
fi
echo "==> installing locked dependencies into .venv/"
.tools/bin/uv sync --locked --quiet
# The embedded Dagster instance lives in ./.dagster_home (dagster.yaml links to ../dagster.yaml).
mkdir -p .dagster_home
[ -e .dagster_home/dagster.yaml ] || ln -s ../dagster.yaml .dagster_home/dagster.yaml
