"""Bronze assets: every source payload captured raw (blob store) and parsed, append-only.

Slate sources are partitioned by (game_date, report_slot). In a run tagged
`projections/capture=live` (the pollers) a source is fetched as it is now,
shortly before the slot; otherwise (backfills, the sensor's runs, the UI) it
is fetched as of the partition's run_as_of_ts, so a backfill captures what
was known then. Injury reports are immutable documents fetched by name: the
partition of slot S holds those stamped in (S - 15 min, S].

Box scores and contest standings are per game_date: they are facts once the
games are over.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

import dagster as dg
import pandas as pd

from projections_assets.contracts import sources as contracts
from projections_assets.core import bronze
from projections_assets.defs.checks import contract_check_specs, contract_outputs
from projections_assets.defs.partitions import GAME_DATE_PARTITIONS, SLATE_PARTITIONS
from projections_assets.defs.resources import (
    CAPTURE_TAG,
    LIVE_CAPTURE,
    LakeReader,
    SourcesResource,
    partition_inputs_metadata,
)
from projections_assets.nba.calendar import season_label, season_start_year
from projections_assets.parsers import boxscore, contest_standings, draftables, lineups, schedule
from projections_assets.partitions import parse_key, slot_window
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import PartitionLocation
from projections_assets.sources.http import NotPublished
from projections_assets.sources.recorder import CaptureRecorder

GROUP = "bronze"


def capture_as_of(context: dg.AssetExecutionContext, location: PartitionLocation) -> datetime | None:
    """The instant to fetch a polled source as of: None (now) in a poller's run, else the slot."""
    if context.run.tags.get(CAPTURE_TAG) == LIVE_CAPTURE:
        return None
    return location.run_as_of_ts


Capturer = Callable[[CaptureRecorder, PartitionLocation, datetime | None], pd.DataFrame]


@dataclass(frozen=True)
class BronzeSource:
    """One bronze table: its contract, how a partition is captured, and what a poller covers."""

    contract: TableContract
    capture: Capturer
    description: str
    polled: bool = True


# --------------------------------------------------------------------------- capture functions


def capture_injury_reports(
    rec: CaptureRecorder, loc: PartitionLocation, _as_of: datetime | None
) -> pd.DataFrame:
    start, end = slot_window(parse_key(loc.key))
    frames, found = [], set()
    for report_ts, name in bronze.report_candidates(start, end):
        if report_ts in found:
            continue  # the same report under its other era's name
        try:
            stored = rec.fetch("injury_pdf", name)
        except NotPublished:
            continue
        found.add(report_ts)
        frames.append(bronze.injury_report_rows(stored.capture, stored.sha256, stored.blob_path))
    return bronze.concat(frames, bronze.empty_like(contracts.INJURY_REPORT_COLUMNS))


def capture_schedule(rec: CaptureRecorder, loc: PartitionLocation, as_of: datetime | None) -> pd.DataFrame:
    stored = rec.fetch("schedule", as_of=as_of)
    return bronze.schedule_rows(stored.capture, stored.sha256, stored.blob_path, _day(loc))


def capture_odds(rec: CaptureRecorder, loc: PartitionLocation, as_of: datetime | None) -> pd.DataFrame:
    stored = rec.fetch("odds", as_of=as_of)
    return bronze.odds_rows(stored.capture, stored.sha256, stored.blob_path, _day(loc))


def capture_rosters(rec: CaptureRecorder, loc: PartitionLocation, as_of: datetime | None) -> pd.DataFrame:
    stored = rec.fetch("playerindex", season_label(season_start_year(_day(loc))), as_of=as_of)
    return bronze.playerindex_rows(stored.capture, stored.sha256, stored.blob_path)


def capture_lineups(rec: CaptureRecorder, loc: PartitionLocation, as_of: datetime | None) -> pd.DataFrame:
    try:
        stored = rec.fetch("lineups", _day(loc).isoformat(), as_of=as_of)
    except NotPublished:
        # Before the day's first projected lineup there is nothing to capture: a valid empty partition.
        return bronze.empty_like(lineups.LINEUP_COLUMNS)
    return bronze.lineups_rows(stored.capture, stored.sha256, stored.blob_path)


def capture_draftables(rec: CaptureRecorder, loc: PartitionLocation, as_of: datetime | None) -> pd.DataFrame:
    lobby = rec.fetch("lobby", as_of=as_of)
    groups = bronze.lobby_groups(lobby.capture, _day(loc))
    frames = []
    for _, group in groups.iterrows():
        stored = rec.fetch("draftables", str(int(group["draft_group_id"])), as_of=as_of)
        frames.append(bronze.draftables_rows(stored.capture, stored.sha256, stored.blob_path, group))
    return bronze.concat(
        frames, bronze.empty_like({**draftables.DRAFTABLE_COLUMNS, **contracts.DRAFTABLES_EXTRA})
    )


def _day(loc: PartitionLocation) -> date:
    assert loc.game_date is not None
    return loc.game_date


SLATE_SOURCES: tuple[BronzeSource, ...] = (
    BronzeSource(
        contracts.BRONZE_INJURY_REPORTS,
        capture_injury_reports,
        "Every official injury report stamped in the slot's window (S - 15 min, S], raw PDF and parsed rows.",
        polled=False,
    ),
    BronzeSource(contracts.BRONZE_SCHEDULE, capture_schedule, "The date's games from the league schedule."),
    BronzeSource(
        contracts.BRONZE_ODDS, capture_odds, "Bookmaker quotes (h2h, spreads, totals) of the date's games."
    ),
    BronzeSource(
        contracts.BRONZE_ROSTERS, capture_rosters, "The league's player index: every player and team."
    ),
    BronzeSource(
        contracts.BRONZE_LINEUPS, capture_lineups, "Projected and confirmed starting lineups of the date."
    ),
    BronzeSource(
        contracts.BRONZE_DRAFTABLES,
        capture_draftables,
        "DraftKings classic draft groups of the date and their players.",
    ),
)


def _slate_asset(source: BronzeSource) -> dg.AssetsDefinition:
    contract = source.contract

    @dg.asset(
        key=contract.table.key_path,
        partitions_def=SLATE_PARTITIONS,
        check_specs=contract_check_specs(contract),
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=GROUP,
        kinds={"parquet"},
        description=f"{source.description} Raw bytes in the blob store; captured as of the slot unless live.",
        tags={"layer": "bronze", "polled": str(source.polled).lower()},
    )
    def _asset(
        context: dg.AssetExecutionContext, sources: SourcesResource, lake_reader: LakeReader
    ) -> Iterator[dg.AssetCheckResult | dg.Output]:
        yield from _capture_partitions(context, sources, lake_reader, contract, source.capture)

    return _asset


def _capture_partitions(
    context: dg.AssetExecutionContext,
    sources: SourcesResource,
    lake_reader: LakeReader,
    contract: TableContract,
    capture: Capturer,
) -> Iterator[dg.AssetCheckResult | dg.Output]:
    lake = lake_reader.lake()
    frames: dict[str, pd.DataFrame] = {}
    inputs: dict[str, list] = {}
    misses = 0
    keys = context.partition_keys
    with sources.client() as client:
        for i, key in enumerate(keys):
            location = PartitionLocation.from_key(key)
            recorder = CaptureRecorder(lake, client)
            frames[key] = capture(recorder, location, capture_as_of(context, location))
            inputs[key] = recorder.inputs
            misses += len(recorder.misses)
            if len(keys) > 1 and (i + 1) % 50 == 0:
                context.log.info(f"{contract.table}: captured {i + 1}/{len(keys)} partitions")
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {
        **partition_inputs_metadata(inputs),
        "payloads": sum(len(v) for v in inputs.values()),
        "http_attempts": sum(r.attempts or 0 for v in inputs.values() for r in v),
        "not_published_probes": misses,
    }
    yield from contract_outputs(context, contract, output, metadata=metadata)


BRONZE_SLATE_ASSETS = [_slate_asset(s) for s in SLATE_SOURCES]
POLLED_BRONZE_KEYS = [dg.AssetKey(s.contract.table.key_path) for s in SLATE_SOURCES if s.polled]
INJURY_REPORTS_KEY = dg.AssetKey(contracts.BRONZE_INJURY_REPORTS.table.key_path)


# --------------------------------------------------------------------------- per game_date


def _daily_keys(context: dg.AssetExecutionContext) -> list[str]:
    return list(context.partition_keys)


@dg.asset(
    key=contracts.BRONZE_BOXSCORES.table.key_path,
    partitions_def=GAME_DATE_PARTITIONS,
    check_specs=contract_check_specs(contracts.BRONZE_BOXSCORES),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "bronze"},
)
def bronze_boxscores(
    context: dg.AssetExecutionContext, sources: SourcesResource, lake_reader: LakeReader
) -> Iterator[dg.AssetCheckResult | dg.Output]:
    """Box scores of the date's games as the source has them now (games not over yet are skipped)."""
    lake = lake_reader.lake()
    frames, inputs, pending = {}, {}, {}
    with sources.client() as client:
        # One schedule serves every date of the run: it is the source's current one either way.
        schedule_rec = CaptureRecorder(lake, client)
        sched = schedule_rec.fetch("schedule")
        games = schedule.parse_schedule(sched.capture.body, source=sched.capture.url)
        for key in _daily_keys(context):
            rec = CaptureRecorder(lake, client)
            rec.inputs.extend(schedule_rec.inputs)
            game_ids = games.loc[games["game_date"].astype(str) == key, "game_id"].tolist()
            rows, waiting = [], []
            for game_id in game_ids:
                try:
                    stored = rec.fetch("boxscore", game_id)
                except NotPublished:
                    waiting.append(game_id)
                    continue
                rows.append(bronze.boxscore_rows(stored.capture, stored.sha256, stored.blob_path))
            frames[key] = bronze.concat(rows, bronze.empty_like(boxscore.BOXSCORE_COLUMNS))
            inputs[key], pending[key] = rec.inputs, waiting
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {**partition_inputs_metadata(inputs), "games_not_final": dg.MetadataValue.json(pending)}
    yield from contract_outputs(context, contracts.BRONZE_BOXSCORES, output, metadata=metadata)


@dg.asset(
    key=contracts.BRONZE_CONTEST_STANDINGS.table.key_path,
    partitions_def=GAME_DATE_PARTITIONS,
    deps=[dg.AssetKey(contracts.BRONZE_DRAFTABLES.table.key_path)],
    check_specs=contract_check_specs(contracts.BRONZE_CONTEST_STANDINGS),
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name=GROUP,
    kinds={"parquet"},
    tags={"layer": "bronze"},
)
def bronze_contest_standings(
    context: dg.AssetExecutionContext, sources: SourcesResource, lake_reader: LakeReader
) -> Iterator[dg.AssetCheckResult | dg.Output]:
    """Contest standings (player %Drafted) of the date's classic draft groups, once their games are over."""
    lake = lake_reader.lake()
    frames, inputs, pending = {}, {}, {}
    with sources.client() as client:
        for key in _daily_keys(context):
            day = date.fromisoformat(key)
            seen = lake_reader.read(
                contracts.BRONZE_DRAFTABLES.table, start=day, end=day, columns=["draft_group_id"]
            )
            group_ids = sorted({int(g) for g in seen.frame["draft_group_id"].dropna()})
            rec = CaptureRecorder(lake, client)
            rows, waiting = [], []
            for group_id in group_ids:
                try:
                    stored = rec.fetch("contest_standings", str(group_id))
                except NotPublished:
                    waiting.append(group_id)
                    continue
                frame = contest_standings.parse_contest_standings(
                    stored.capture.body, source=stored.capture.url
                )
                frame.insert(0, "draft_group_id", group_id)
                rows.append(bronze.stamp(frame, stored.capture, stored.sha256, stored.blob_path))
            empty = bronze.empty_like({"draft_group_id": "int64", **contest_standings.OWNERSHIP_COLUMNS})
            frames[key] = bronze.concat(rows, empty)
            inputs[key], pending[key] = [seen.record, *rec.inputs], waiting
    output = frames if len(frames) > 1 else next(iter(frames.values()))
    metadata = {**partition_inputs_metadata(inputs), "groups_not_final": dg.MetadataValue.json(pending)}
    yield from contract_outputs(context, contracts.BRONZE_CONTEST_STANDINGS, output, metadata=metadata)


BRONZE_ASSETS = [*BRONZE_SLATE_ASSETS, bronze_boxscores, bronze_contest_standings]
