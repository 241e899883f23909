"""Resources shared by every asset: the lake IO manager, the lake reader and the sources."""

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import dagster as dg
import pandas as pd
from pydantic import Field, PrivateAttr

from projections_assets.defs.alerts import ALERT_WEBHOOK_ENV, alerts_resource
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.league.feed import Clock, FaultRule, Faults
from projections_assets.partitions import parse_key
from projections_assets.platform.artifacts import ArtifactStore, NoCurrentArtifact
from projections_assets.platform.io_manager import LAKE_INPUTS_METADATA_KEY, LakeIOManager
from projections_assets.platform.lake import Lake, TableRef
from projections_assets.platform.manifests import InputRecord
from projections_assets.platform.partition_lock import hold_partitions
from projections_assets.platform.reader import HistoryRead, read_history
from projections_assets.settings import LAKE_ROOT_ENV, default_league_dir, resolve_lake_root
from projections_assets.sources.clients import HttpSourceClient, SourceClient, SourceHosts
from projections_assets.sources.http import HostRateLimiter, RetryPolicy, SourceHttpClient
from projections_assets.sources.simulated import league_client, league_feed, league_generated

LAKE_IO_MANAGER_KEY = "io_manager"
# The product's table contracts, handed to the platform's IO manager (which imports no contract).
CONTRACT_LOOKUP = "projections_assets.contracts:get_contract"


def lake_io_manager(lake_root: str | dg.EnvVar | None = None) -> LakeIOManager:
    """The lake IO manager enforcing the product's contracts."""
    return LakeIOManager(lake_root=lake_root, contracts=CONTRACT_LOOKUP)


ALERTS_KEY = "alerts"
MINUTES_MODEL_KEY = "minutes_model"
RATES_MODEL_KEY = "rates_model"


PARTITION_LOCK_TIMEOUT_ENV = "PROJECTIONS_PARTITION_LOCK_TIMEOUT_S"
DEFAULT_PARTITION_LOCK_TIMEOUT_S = 3600.0
# A run's partition tags (a single partition, or the ends of a single-run range backfill).
_PARTITION_TAG = "dagster/partition"
_RANGE_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end")


def run_slate_keys(tags: Mapping[str, str]) -> list[str]:
    """The (game_date, slot) partitions a run's tags name: its partition, or every key of its range.

    A multi-partition range is a rectangle (each date of the range x each slot of the range), as
    Dagster expands it; per-date partitions (labels, evaluation) and unpartitioned runs name none.
    """
    if _PARTITION_TAG in tags:
        return [tags[_PARTITION_TAG]] if "|" in tags[_PARTITION_TAG] else []
    start, end = (tags.get(t) for t in _RANGE_TAGS)
    if not start or not end or "|" not in start:
        return []
    return list(SLATE_PARTITIONS.get_partition_keys_in_range(dg.PartitionKeyRange(start, end)))


class PartitionRunLock(dg.ConfigurableResource):
    """Holds the lake's run lock of every (game_date, slot) partition of the run, for the whole run.

    The run coordinator's tag limit only sees queued runs; `dagster asset materialize` and `dagster job
    execute` run in the CLI's own process. This lock sees every route: taken when the run's resources
    are set up (before any step writes), released when they are torn down (after the last step), in
    sorted key order for a range. With the in-process executor (the code location's default) that is
    the whole run; under a multiprocess executor each step's process takes it for that step only
    (docs/backfills.md).
    """

    lake_root: str | None = Field(
        default=None,
        description="Directory of the lake. Unset: $PROJECTIONS_LAKE_ROOT at run time, else <project>/.lake.",
    )
    timeout_s: float | None = Field(
        default=None,
        description=(
            "Seconds a run waits for each partition another run is writing before it fails, naming the "
            f"partition and the holder run. Unset: ${PARTITION_LOCK_TIMEOUT_ENV} at run time, else "
            f"{DEFAULT_PARTITION_LOCK_TIMEOUT_S:g} (a single-run range backfill holds its partitions long)."
        ),
    )

    def wait_s(self) -> float:
        text = _setting(self.timeout_s, PARTITION_LOCK_TIMEOUT_ENV, str(DEFAULT_PARTITION_LOCK_TIMEOUT_S))
        try:
            return float(text)
        except ValueError as exc:
            raise ValueError(
                f"partition lock timeout {text!r} (${PARTITION_LOCK_TIMEOUT_ENV}) is not a number of seconds"
            ) from exc

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["PartitionRunLock"]:
        run = context.run
        keys = run_slate_keys(run.tags) if run is not None else []
        if not keys:
            yield self
            return
        lake = Lake(resolve_lake_root(self.lake_root))
        with hold_partitions(lake, keys, run.run_id, timeout_s=self.wait_s(), log=context.log.info) as held:
            context.log.info(
                f"run {run.run_id} holds the lock of {len(held)} partition(s): {held[0]}..{held[-1]}"
            )
            yield self


class LakeReader(dg.ConfigurableResource):
    """Reads a table's history across partitions (current runs only) in one filtered scan."""

    lake_root: str | None = Field(
        default=None,
        description=(
            "Directory of the lake. Unset: $PROJECTIONS_LAKE_ROOT at run time, else .lake in "
            "$PROJECTIONS_HOME or the working directory."
        ),
    )
    # Every step of a slate partition reads the lake through this resource, so a run that uses it holds
    # the run lock of its partitions: Dagster sets a nested resource up and tears it down with its parent.
    # Nested only, never also a top-level key: a step requiring both would take the lock twice and wait on itself.
    partition_lock: PartitionRunLock | None = Field(
        default=None,
        description="The per-partition run lock held while the run uses the reader. Unset: no lock.",
    )

    def lake(self) -> Lake:
        return Lake(resolve_lake_root(self.lake_root))

    def read(
        self,
        table: TableRef,
        *,
        start: date | None = None,
        end: date | None = None,
        as_of: datetime | None = None,
        asof_column: str = "available_at",
        columns: Sequence[str] | None = None,
    ) -> HistoryRead:
        """Rows of `table` with game_date in [start, end] and `asof_column <= as_of`."""
        return read_history(
            self.lake(), table, start=start, end=end, as_of=as_of, asof_column=asof_column, columns=columns
        )


def lake_inputs_metadata(*reads: HistoryRead) -> dict[str, dg.MetadataValue]:
    """Output metadata that carries lake-reader lineage into the partition's manifest."""
    return {
        LAKE_INPUTS_METADATA_KEY: dg.MetadataValue.json([r.record.model_dump(mode="json") for r in reads])
    }


def partition_inputs_metadata(
    inputs: Mapping[str, Sequence[InputRecord]],
) -> dict[str, dg.MetadataValue]:
    """Output metadata carrying each partition's own inputs (reads and source fetches) into its manifest."""
    return {
        LAKE_INPUTS_METADATA_KEY: dg.MetadataValue.json(
            {key: [r.model_dump(mode="json") for r in records] for key, records in inputs.items()}
        )
    }


SOURCES_KEY = "sources"
# Runs tagged `projections/capture=live` (the pollers) fetch the polled sources as they are now.
CAPTURE_TAG = "projections/capture"
LIVE_CAPTURE = "live"

# The embedded default's league clock: the afternoon and evening of 2026-01-11 in league seed 7 (9 games,
# tips from 15:00 to 21:00 ET; a regular starter is ruled Out late in the afternoon: the day `make demo`
# replays), at 15 league minutes per wall minute, from 11:00 ET to 02:00 ET (15 league hours = one wall
# hour), over and over. The anchor is a whole wall hour, so every wall hour replays the same stretch: league
# 11:00 ET at minute 0, 16:30 at minute 22, the day's last slot (23:45) at minute 51 (docs/decisions.md 17).
DEFAULT_CLOCK_START = "2026-01-11T11:00:00-05:00"
DEFAULT_CLOCK_SPEED = 15.0
DEFAULT_CLOCK_ANCHOR = "2026-01-01T00:00:00Z"
DEFAULT_CLOCK_REPLAY_HOURS = 15.0
LEAGUE_DIR_ENV = "PROJECTIONS_LEAGUE_DIR"
CLOCK_START_ENV = "PROJECTIONS_LEAGUE_CLOCK_START"
CLOCK_SPEED_ENV = "PROJECTIONS_LEAGUE_CLOCK_SPEED"
CLOCK_ANCHOR_ENV = "PROJECTIONS_LEAGUE_CLOCK_ANCHOR"
CLOCK_REPLAY_ENV = "PROJECTIONS_LEAGUE_CLOCK_REPLAY_HOURS"
_PARTITION_TAGS = (_PARTITION_TAG, _RANGE_TAGS[1])


def _setting(configured: object, env: str, default: str) -> str:
    """A field's value: configured, else the environment variable (read when used, never at import), else the default."""
    if configured is not None:
        return str(configured)
    return os.environ.get(env) or default


def _instant(text: str, what: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(
            f"{what} {text!r} is not an ISO 8601 instant (e.g. 2026-01-11T16:30:00-05:00)"
        ) from exc
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


class SourcesResource(dg.ConfigurableResource):
    """Where source payloads come from; `client()` opens a `SourceClient` (no I/O until a fetch)."""

    max_attempts: int = Field(default=5, description="HTTP attempts per payload before the run fails.")
    retry_base_delay_s: float = Field(
        default=0.5, description="Backoff before the first retry (doubling, with full jitter, up to 30 s)."
    )
    read_timeout_s: float = Field(default=30.0, description="Seconds to wait for a response body.")

    def client(self) -> SourceClient:
        raise NotImplementedError

    def not_ready(self) -> str | None:
        """Why the source cannot answer quickly right now (a sensor then skips its tick), or None."""
        return None

    def pollers_capture(self) -> bool:
        """Whether the pollers capture the polled sources live, so a report's run leaves them alone."""
        return False

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.max_attempts, base_delay_s=self.retry_base_delay_s)


class LeagueSources(SourcesResource):
    """The simulated league, answered in-process by its feed (the embedded default).

    The feed's clock is a pure function of wall time, `clock_start + (wall - clock_anchor) x clock_speed`,
    going back to `clock_start` every `clock_replay_hours` of league time, so the sensor, the run workers
    and the webserver all agree on league time. Runs capture each partition as of its own instant; the
    clock says which partitions have happened yet and what the injury report site has published.
    """

    seed: int = Field(default=7, description="Seed of the simulated league (same seed, same league).")
    seasons: int | None = Field(
        default=None, description="Seasons to generate (ending 2025-26). Unset: the league's default, 3."
    )
    league_dir: str | None = Field(
        default=None,
        description=(
            "Where the league's tables are generated once. "
            "Unset: $PROJECTIONS_LEAGUE_DIR at run time, else $PROJECTIONS_HOME (or the working directory)/.league/seed=<seed>."
        ),
    )
    clock_start: str | None = Field(
        default=None,
        description=(
            "The league instant the clock shows at `clock_anchor` (ISO 8601; naive means UTC). "
            f"Unset: ${CLOCK_START_ENV} at run time, else {DEFAULT_CLOCK_START} (11 AM ET of the day "
            "`make demo` replays)."
        ),
    )
    clock_speed: float | None = Field(
        default=None,
        description=(
            "League seconds per wall second; 0 freezes the clock at `clock_start`. "
            f"Unset: ${CLOCK_SPEED_ENV}, else {DEFAULT_CLOCK_SPEED:g} (15 league minutes per wall minute)."
        ),
    )
    clock_anchor: str | None = Field(
        default=None,
        description=(
            "The wall-clock instant (ISO 8601) at which league time is `clock_start`. "
            f"Unset: ${CLOCK_ANCHOR_ENV}, else {DEFAULT_CLOCK_ANCHOR} (a whole hour: with the default "
            "replay every wall hour starts the replay again)."
        ),
    )
    clock_replay_hours: float | None = Field(
        default=None,
        description=(
            "League hours after which the clock goes back to `clock_start` and replays them; 0: never. "
            f"Unset: ${CLOCK_REPLAY_ENV}, else {DEFAULT_CLOCK_REPLAY_HOURS:g} (11:00 to 02:00 ET)."
        ),
    )
    faults: list[str] = Field(
        default_factory=list,
        description=(
            "Faults the feed injects, to rehearse a bad day: 'KIND[:PATH_GLOB[:PROBABILITY]]' with KIND one of "
            "5xx, 429, timeout, truncate, corrupt_pdf, zero_games; e.g. '5xx:*:0.3' fails 30% of requests."
        ),
    )

    _faults: Faults | None = PrivateAttr(default=None)

    def league_path(self) -> Path:
        configured = self.league_dir or os.environ.get(LEAGUE_DIR_ENV)
        return Path(configured) if configured else default_league_dir(self.seed)

    def league_clock(self) -> Clock:
        """The feed's clock as configured (fields, else their environment variables, else the defaults)."""
        speed_text = _setting(self.clock_speed, CLOCK_SPEED_ENV, str(DEFAULT_CLOCK_SPEED))
        replay_text = _setting(self.clock_replay_hours, CLOCK_REPLAY_ENV, str(DEFAULT_CLOCK_REPLAY_HOURS))
        try:
            speed, replay_hours = float(speed_text), float(replay_text)
        except ValueError as exc:
            raise ValueError(
                f"league clock: speed {speed_text!r} and replay hours {replay_text!r} must be numbers"
            ) from exc
        return Clock(
            start=_instant(_setting(self.clock_start, CLOCK_START_ENV, DEFAULT_CLOCK_START), "clock_start"),
            speed=speed,
            anchor=_instant(
                _setting(self.clock_anchor, CLOCK_ANCHOR_ENV, DEFAULT_CLOCK_ANCHOR), "clock_anchor"
            ),
            replay=timedelta(hours=replay_hours) if replay_hours else None,
        )

    def not_ready(self) -> str | None:
        path = self.league_path()
        if league_generated(path):
            return None
        seasons = self.seasons or 3
        return (
            f"the simulated league (seed {self.seed}) is not generated in {path} yet, and a sensor tick does not "
            f"generate it (about a minute): run `make demo`, or `projections league generate --seed {self.seed} "
            f"--seasons {seasons} --out {path}`"
        )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # A run of a partition the league has not reached would capture nothing (the reports are not
        # published yet): refuse it before any step, naming the league's clock.
        run = context.run
        if run is None or run.tags.get(CAPTURE_TAG) == LIVE_CAPTURE:
            return
        keys = [run.tags[t] for t in _PARTITION_TAGS if t in run.tags and "|" in run.tags[t]]
        if not keys:
            return
        latest = max((parse_key(k) for k in keys), key=lambda p: p.run_as_of_ts)
        now = self.league_clock().now()
        if latest.run_as_of_ts > now:
            raise dg.Failure(
                f"partition {latest.key} is at {latest.run_as_of_ts.isoformat()}, after the simulated league's clock "
                f"({now.isoformat()}): it has not happened in the league yet. Run it once the clock has passed "
                f"it, or set the clock (LeagueSources clock_start / clock_speed, or ${CLOCK_START_ENV} and "
                f"${CLOCK_SPEED_ENV}; speed 0 freezes it)."
            )

    def client(self) -> SourceClient:
        if self.faults and self._faults is None:
            # One seeded stream per resource (per run), so successive steps draw different faults.
            self._faults = Faults(tuple(_fault_rule(spec) for spec in self.faults))
        feed = league_feed(
            self.seed, self.league_path(), self.league_clock(), faults=self._faults, seasons=self.seasons
        )
        return league_client(feed, retry=self.retry_policy(), read_timeout_s=self.read_timeout_s)


def _fault_rule(spec: str) -> FaultRule:
    kind, _, rest = spec.partition(":")
    pattern, _, probability = rest.partition(":")
    try:
        return FaultRule(kind, pattern or "*", float(probability) if probability else 1.0)
    except ValueError as exc:
        raise ValueError(f"fault {spec!r}: {exc} (expected KIND[:PATH_GLOB[:PROBABILITY]])") from exc


class HttpSources(SourcesResource):
    """The real hosts, or one server standing in for all of them (a league feed on loopback)."""

    base_url: str | None = Field(
        default=None,
        description=(
            "One base URL for every host, e.g. http://127.0.0.1:8765 for `projections feed serve`. "
            "Unset: the real NBA, The Odds API and DraftKings hosts."
        ),
    )
    odds_api_key: str | None = Field(
        default=None, description="The Odds API key; set it with dg.EnvVar('ODDS_API_KEY'), never inline."
    )
    connect_timeout_s: float = Field(default=5.0, description="Seconds to wait for a connection.")
    min_interval_s: float = Field(
        default=0.5, description="Least time between two requests to one host (the per-host rate limit)."
    )
    polled_live: bool | None = Field(
        default=None,
        description=(
            "Whether the pollers capture odds, rosters, lineups, draftables and the schedule live before "
            "each slot, so a report's run leaves them alone. Unset: yes for the real hosts, no for a "
            "base_url (a league feed answers as of any instant, so a run captures its own)."
        ),
    )

    def without_odds_key(self) -> "HttpSources":
        """The same hosts and limits without the odds key (a secret): enough for `probe_now`, which asks
        only the injury report host."""
        return HttpSources(
            **{name: getattr(self, name) for name in HttpSources.model_fields if name != "odds_api_key"}
        )

    def pollers_capture(self) -> bool:
        """Whether the pollers capture the polled sources live (`polled_live`)."""
        return self.base_url is None if self.polled_live is None else self.polled_live

    def client(self) -> SourceClient:
        hosts = SourceHosts.single(self.base_url) if self.base_url else SourceHosts()
        http = SourceHttpClient(
            connect_timeout_s=self.connect_timeout_s,
            read_timeout_s=self.read_timeout_s,
            retry=self.retry_policy(),
            rate_limiter=HostRateLimiter(self.min_interval_s),
        )
        # Only the league feed answers every path "as of" an instant; of the real hosts only odds do.
        return HttpSourceClient(
            http, hosts, answers_as_of=self.base_url is not None, odds_api_key=self.odds_api_key
        )


def _model_run_dir(lake_root: str | None, name: str, run_id: str) -> Path:
    path = ArtifactStore(Lake(resolve_lake_root(lake_root))).run_dir(name, run_id)
    if not path.is_dir():
        raise NoCurrentArtifact(f"{name} model run {run_id} is not in the lake ({path})")
    return path


MINUTES_MODEL_NAME = "minutes"
OWNERSHIP_MODEL_NAME = "ownership"
TRAIN_MINUTES_HINT = (
    "train one with the `train_minutes` job (`dagster job execute -m projections_assets.definitions "
    "-j train_minutes -c CONFIG.yaml`, a training window in its config: README, Minutes) or run `make demo`"
)


class CurrentMinutesModel(dg.ConfigurableResource):
    """The promoted minutes model (the lake's model pointer); a run that projects checks it before any step."""

    lake_root: str | None = Field(
        default=None,
        description=(
            "Directory of the lake. Unset: $PROJECTIONS_LAKE_ROOT at run time, else $PROJECTIONS_HOME (or the working directory)/.lake."
        ),
    )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # Resources are set up when a run starts: without a model the run fails before capturing anything.
        self.current()

    def current(self) -> tuple[str, Path]:
        """(run id, directory) of the current minutes model; names the command that trains one if none."""
        lake = Lake(resolve_lake_root(self.lake_root))
        try:
            return ArtifactStore(lake).current(MINUTES_MODEL_NAME)
        except NoCurrentArtifact as exc:
            raise NoCurrentArtifact(
                f"no minutes model has been promoted yet in the lake {lake.root}, and a slate run projects "
                f"with it: {TRAIN_MINUTES_HINT}"
            ) from exc

    def run_dir(self, run_id: str) -> Path:
        """The directory of minutes model run `run_id` (a slot's recorded or a game's locked run)."""
        return _model_run_dir(self.lake_root, MINUTES_MODEL_NAME, run_id)


RATES_MODEL_NAME = "rates"
TRAIN_RATES_HINT = (
    "train one with the `train_rates` job (`dagster job execute -m projections_assets.definitions "
    "-j train_rates -c CONFIG.yaml`, a training window in its config: README, Rates) or run `make demo`"
)


class CurrentRatesModel(dg.ConfigurableResource):
    """The promoted rates model (the lake's model pointer); a run that projects rates checks it before any step."""

    lake_root: str | None = Field(
        default=None,
        description=(
            "Directory of the lake. Unset: $PROJECTIONS_LAKE_ROOT at run time, else <project>/.lake."
        ),
    )

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        # As the minutes model's: without a rates model the run fails before capturing anything.
        self.current()

    def current(self) -> tuple[str, Path]:
        """(run id, directory) of the current rates model; names the command that trains one if none."""
        lake = Lake(resolve_lake_root(self.lake_root))
        try:
            return ArtifactStore(lake).current(RATES_MODEL_NAME)
        except NoCurrentArtifact as exc:
            raise NoCurrentArtifact(
                f"no rates model has been promoted yet in the lake {lake.root}, and a slate run projects "
                f"rates with it: {TRAIN_RATES_HINT}"
            ) from exc

    def run_dir(self, run_id: str) -> Path:
        """The directory of rates model run `run_id` (a slot's recorded or a game's locked run)."""
        return _model_run_dir(self.lake_root, RATES_MODEL_NAME, run_id)


class OracleResource(dg.ConfigurableResource):
    """The simulated league's oracle (`projections league oracle --out DIR`), for evaluation only."""

    path: str | None = Field(
        default=None,
        description="oracle.parquet written by `projections league oracle`. Unset: evaluate without the oracle.",
    )

    def rows(self, game_ids: list[str]) -> pd.DataFrame | None:
        if not self.path or not Path(self.path).exists():
            return None
        return pd.read_parquet(Path(self.path), filters=[("game_id", "in", list(game_ids))])


ResourceMap = dict[str, dg.ConfigurableResource | dg.ConfigurableIOManager]
ODDS_API_KEY_ENV = "ODDS_API_KEY"


def default_resources() -> ResourceMap:
    """The embedded deployment: the simulated league in-process, the lake in ./.lake (or as configured)."""
    return {
        LAKE_IO_MANAGER_KEY: lake_io_manager(),
        "lake_reader": LakeReader(partition_lock=PartitionRunLock()),
        MINUTES_MODEL_KEY: CurrentMinutesModel(),
        RATES_MODEL_KEY: CurrentRatesModel(),
        SOURCES_KEY: LeagueSources(),
        "oracle": OracleResource(),
        # No webhook in the embedded deployment: alerts go to the log (configure `webhook_url` to post).
        ALERTS_KEY: alerts_resource(),
    }


FEED_URL_ENV = "PROJECTIONS_FEED_URL"


def feed_resources(polled_live: bool = False) -> ResourceMap:
    """The embedded deployment reading its sources over HTTP from one league feed on loopback
    (`projections feed serve`, or the latency benchmark's) at $PROJECTIONS_FEED_URL: the path the real
    hosts take, with the feed's clock as the sources' clock. `polled_live`: the feed stands in for the
    real hosts all the way, the pollers capturing the polled sources and a report's run only its report.
    """
    # One loopback server answers for every host: the per-host rate limit meant for the real hosts
    # would only queue a run's own requests.
    sources = HttpSources(base_url=dg.EnvVar(FEED_URL_ENV), min_interval_s=0.0, polled_live=polled_live)
    return {**default_resources(), SOURCES_KEY: sources}


def feed_live_resources() -> ResourceMap:
    """`feed_resources` with the pollers capturing the polled sources live, as against the real hosts."""
    return feed_resources(polled_live=True)


def production_resources() -> ResourceMap:
    """The production deployment: the real hosts, the key and the lake's volume from the environment.

    Both are `dg.EnvVar`s, resolved when a run or tick starts: a process without them fails then,
    naming the variable, instead of reading the real hosts without a key or writing a lake into the
    working directory of whichever process happens to run.
    """
    lake_root = dg.EnvVar(LAKE_ROOT_ENV)
    return {
        LAKE_IO_MANAGER_KEY: lake_io_manager(lake_root),
        "lake_reader": LakeReader(lake_root=lake_root, partition_lock=PartitionRunLock(lake_root=lake_root)),
        MINUTES_MODEL_KEY: CurrentMinutesModel(lake_root=lake_root),
        RATES_MODEL_KEY: CurrentRatesModel(lake_root=lake_root),
        SOURCES_KEY: HttpSources(odds_api_key=dg.EnvVar(ODDS_API_KEY_ENV)),
        # No oracle outside the simulated league: evaluation runs beside the baselines only.
        "oracle": OracleResource(),
        # A secret from the environment; set it empty to keep alerts in the log.
        ALERTS_KEY: alerts_resource(webhook_url=dg.EnvVar(ALERT_WEBHOOK_ENV)),
    }
