"""`projections serve`: the read-only status service (health, the published slate, the projections page).

Bound to loopback by default, on port 3100 (Dagster's UI has 3000). The port is bound before anything else:
one already in use fails at once, naming it. "Now" is the sources' clock of the deployment
($PROJECTIONS_DEPLOYMENT: the simulated league's configured clock, else the injury report host's `Date`),
and the last failed run comes from the Dagster instance in $DAGSTER_HOME. docs/status.md has the rules.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3100

logger = logging.getLogger(__name__)


class PortInUse(OSError):
    """The service's port is taken by another process."""


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port), as uvicorn would open it; `PortInUse` naming the port if taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # As uvicorn does: a port left in TIME_WAIT by a stopped service is free, one another process listens on
    # is not.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUse(f"port {port} on {host} is already in use") from exc
        raise
    sock.set_inheritable(True)
    return sock


def sources_clock(deployment: str | None) -> Callable[[], datetime]:
    """The deployment's sources' clock: the league feed's clock as configured, else the report host's `Date`
    (the wall clock when it sends none), as the injury report sensor reads it."""
    import dagster as dg

    from projections_assets.definitions import DEFAULT_DEPLOYMENT, DEPLOYMENT_ENV, deployment_resources
    from projections_assets.defs.resources import SOURCES_KEY, HttpSources, LeagueSources

    name = deployment or os.environ.get(DEPLOYMENT_ENV) or DEFAULT_DEPLOYMENT
    sources = deployment_resources(name)[SOURCES_KEY]
    if isinstance(sources, LeagueSources):
        return sources.league_clock().now
    if isinstance(sources, HttpSources):
        # The status service needs no odds key (nor its secret) to read the report host's clock.
        sources = sources.without_odds_key()
    with dg.build_resources({SOURCES_KEY: sources}) as built:
        resolved = getattr(built, SOURCES_KEY)

    def probe() -> datetime:
        with resolved.client() as client:
            now = client.probe_now()
        if now is None:
            logger.warning("the report source sent no clock (Date header): using the wall clock")
            return datetime.now(UTC)
        return now

    return probe


def dagster_failures(home: Path):
    """The newest failed run of the Dagster instance in `home` (None when there is no instance there)."""
    from projections_assets.status.health import FailedRun

    if not home.is_dir():
        logger.warning("no Dagster instance in %s: the health check cannot see failed runs", home)
        return lambda: None
    import dagster as dg

    instance = dg.DagsterInstance.from_config(str(home))

    def last() -> FailedRun | None:
        records = instance.get_run_records(
            filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]),
            limit=1,
            order_by="update_timestamp",
        )
        if not records:
            return None
        record = records[0]
        run = record.dagster_run
        ended = record.end_time or record.update_timestamp.timestamp()
        return FailedRun(
            run_id=run.run_id,
            job_name=run.job_name,
            ended_at=datetime.fromtimestamp(ended, UTC),
            partition=run.tags.get("dagster/partition"),
        )

    return last


def _command(args: argparse.Namespace) -> int:
    try:
        sock = bind(args.host, args.port)
    except PortInUse as exc:
        print(f"projections serve: {exc}", file=sys.stderr)
        return 1
    import uvicorn

    from projections_assets.platform.lake import Lake
    from projections_assets.settings import dagster_home, resolve_lake_root
    from projections_assets.status.app import create_app
    from projections_assets.status.health import HealthThresholds

    try:
        thresholds = HealthThresholds(args.report_stale_minutes, args.slot_stale_minutes)
        lake = Lake(resolve_lake_root(args.lake))
        app = create_app(
            lake,
            now=sources_clock(args.deployment),
            last_failed_run=dagster_failures(dagster_home()),
            thresholds=thresholds,
        )
    except ValueError as exc:
        sock.close()
        print(f"projections serve: {exc}", file=sys.stderr)
        return 2
    print(
        f"status service on http://{args.host}:{args.port}/ (lake {lake.root})", file=sys.stderr, flush=True
    )
    uvicorn.Server(uvicorn.Config(app, log_level="info")).run(sockets=[sock])
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    from projections_assets.status.health import DEFAULT_REPORT_STALE_MINUTES, DEFAULT_SLOT_STALE_MINUTES

    parser = subparsers.add_parser(
        "serve",
        help="the status web service: health, slate API, projections page",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    parser.add_argument("--lake", help="lake directory (default: $PROJECTIONS_LAKE_ROOT, else ./.lake)")
    parser.add_argument(
        "--deployment", help="whose sources' clock to read (default: $PROJECTIONS_DEPLOYMENT, else embedded)"
    )
    parser.add_argument(
        "--report-stale-minutes",
        type=float,
        default=DEFAULT_REPORT_STALE_MINUTES,
        help=f"newest injury report older than this: stale (default {DEFAULT_REPORT_STALE_MINUTES:g})",
    )
    parser.add_argument(
        "--slot-stale-minutes",
        type=float,
        default=DEFAULT_SLOT_STALE_MINUTES,
        help=f"published slot older than this: stale (default {DEFAULT_SLOT_STALE_MINUTES:g})",
    )
    parser.set_defaults(func=_command)
