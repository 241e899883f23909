"""The Celery executor of the scale-out slate job: each step a task on a worker, through a Redis broker.

dagster-celery imports Celery only when a run starts (about 50 ms at load), so the code location keeps one
set of definitions. The broker and result backend come from the run config, else from the environment of
the process that starts the run, else the local Redis; workers read the same settings from a YAML file
(config/celery.yaml, docs/scaleout.md).
"""

import os
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_celery import celery_executor

BROKER_ENV = "PROJECTIONS_CELERY_BROKER_URL"
BACKEND_ENV = "PROJECTIONS_CELERY_BACKEND_URL"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# dagster-celery's own default queue: a worker started without `-q` listens on it.
DEFAULT_QUEUE = "dagster"

CELERY_CONFIG_SCHEMA = {
    "broker": dg.Field(
        dg.Noneable(dg.StringSource),
        is_required=False,
        default_value=None,
        description=(
            f"URL of the Celery broker (the workers' `broker`). Unset: ${BROKER_ENV} of the process that "
            f"starts the run, else {DEFAULT_REDIS_URL}. A URL with a password belongs in the environment: "
            f"`{{env: {BROKER_ENV}}}`."
        ),
    ),
    "backend": dg.Field(
        dg.Noneable(dg.StringSource),
        is_required=False,
        default_value=None,
        description=(
            f"URL of the Celery result backend, through which each step's events come back. Unset: "
            f"${BACKEND_ENV}, else the broker's URL."
        ),
    ),
    "queue": dg.Field(
        str,
        is_required=False,
        default_value=DEFAULT_QUEUE,
        description="Celery queue the steps are sent to; workers listen on it (`-q`).",
    ),
}


def celery_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """dagster-celery's executor config for this schema's `config`, the environment filling what is unset."""
    broker = config.get("broker") or os.environ.get(BROKER_ENV) or DEFAULT_REDIS_URL
    backend = config.get("backend") or os.environ.get(BACKEND_ENV) or broker
    return {
        "broker": broker,
        "backend": backend,
        "config_source": {"task_default_queue": config.get("queue") or DEFAULT_QUEUE},
    }


redis_celery_executor = celery_executor.configured(
    celery_settings,
    name="redis_celery",
    config_schema=CELERY_CONFIG_SCHEMA,
    description=(
        "Each step a Celery task, run by `dagster-celery worker start -A dagster_celery.app` workers "
        "that share the lake and the Dagster instance; Redis broker and result backend."
    ),
)
