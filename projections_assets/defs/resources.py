"""Resources shared by every asset: the lake IO manager, the lake reader and the sources."""

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path

import dagster as dg
import pandas as pd
from pydantic import Field, PrivateAttr

from projections_assets.league.feed import FaultRule, Faults
from projections_assets.platform.io_manager import LAKE_INPUTS_METADATA_KEY, LakeIOManager
from projections_assets.platform.lake import Lake, TableRef
from projections_assets.platform.manifests import InputRecord
from projections_assets.platform.reader import HistoryRead, read_history
from projections_assets.settings import LAKE_ROOT_ENV, default_league_dir, resolve_lake_root
from projections_assets.sources.clients import HttpSourceClient, SourceClient, SourceHosts
from projections_assets.sources.http import HostRateLimiter, RetryPolicy, SourceHttpClient
from projections_assets.sources.simulated import league_client, league_feed

LAKE_IO_MANAGER_KEY = "io_manager"
# The product's table contracts, handed to the platform's IO manager (which imports no contract).
CONTRACT_LOOKUP = "projections_assets.contracts:get_contract"


def lake_io_manager(lake_root: str | dg.EnvVar | None = None) -> LakeIOManager:
    """The lake IO manager enforcing the product's contracts."""
    return LakeIOManager(lake_root=lake_root, contracts=CONTRACT_LOOKUP)


class LakeReader(dg.ConfigurableResource):
    """Reads a table's history across partitions (current runs only) in one filtered scan."""

    lake_root: str | None = Field(
        default=None,
        description=(
            "Directory of the lake. Unset: $PROJECTIONS_LAKE_ROOT at run time, else .lake in "
            "$PROJECTIONS_HOME or the working directory."
        ),
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
# Before the simulated league's first game and after its last: a clock that has seen everything.
LEAGUE_END_OF_TIME = "2100-01-01T00:00:00Z"


class SourcesResource(dg.ConfigurableResource):
    """Where source payloads come from; `client()` opens a `SourceClient` (no I/O until a fetch)."""

    max_attempts: int = Field(default=5, description="HTTP attempts per payload before the run fails.")
    retry_base_delay_s: float = Field(
        default=0.5, description="Backoff before the first retry (doubling, with full jitter, up to 30 s)."
    )
    read_timeout_s: float = Field(default=30.0, description="Seconds to wait for a response body.")

    def client(self) -> SourceClient:
        raise NotImplementedError

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_attempts=self.max_attempts, base_delay_s=self.retry_base_delay_s)


class LeagueSources(SourcesResource):
    """The simulated league, answered in-process by its feed (the embedded default)."""

    seed: int = Field(default=7, description="Seed of the simulated league (same seed, same league).")
    seasons: int | None = Field(
        default=None, description="Seasons to generate (ending 2025-26). Unset: the league's default, 3."
    )
    league_dir: str | None = Field(
        default=None,
        description="Where the league's tables are generated once. Unset: <project>/.league/seed=<seed>.",
    )
    clock: str = Field(
        default=LEAGUE_END_OF_TIME,
        description=(
            "The feed's 'now' (ISO instant): payloads published later do not exist yet. "
            "Backfills ask for each partition's own instant, so the default (everything published) suits them."
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
        return Path(self.league_dir) if self.league_dir else default_league_dir(self.seed)

    def client(self) -> SourceClient:
        if self.faults and self._faults is None:
            # One seeded stream per resource (per run), so successive steps draw different faults.
            self._faults = Faults(tuple(_fault_rule(spec) for spec in self.faults))
        faults = self._faults
        clock = datetime.fromisoformat(self.clock.replace("Z", "+00:00")).astimezone(UTC)
        feed = league_feed(self.seed, self.league_path(), clock, faults=faults, seasons=self.seasons)
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
        "lake_reader": LakeReader(),
        SOURCES_KEY: LeagueSources(),
        "oracle": OracleResource(),
    }


def production_resources() -> ResourceMap:
    """The production deployment: the real hosts, the key and the lake's volume from the environment.

    Both are `dg.EnvVar`s, resolved when a run or tick starts: a process without them fails then,
    naming the variable, instead of reading the real hosts without a key or writing a lake into the
    working directory of whichever process happens to run.
    """
    lake_root = dg.EnvVar(LAKE_ROOT_ENV)
    return {
        LAKE_IO_MANAGER_KEY: lake_io_manager(lake_root),
        "lake_reader": LakeReader(lake_root=lake_root),
        SOURCES_KEY: HttpSources(odds_api_key=dg.EnvVar(ODDS_API_KEY_ENV)),
        # No oracle outside the simulated league: evaluation runs beside the baselines only.
        "oracle": OracleResource(),
    }
