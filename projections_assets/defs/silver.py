"""Silver assets: each source as known at a partition's run_as_of_ts, with its freshness.

Every silver table reads its bronze history through the lake reader (one
filtered scan over the partitions it needs, docs/design.md decision 4) and keeps,
per game, only rows with available_at <= min(run_as_of_ts, tip_ts). The
dependency on bronze is declared for lineage; the schedule snapshot of the
same partition is a regular input (it says which games the slate has).
"""

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import dagster as dg
import pandas as pd

from projections_assets.contracts import silver as contracts
from projections_assets.contracts import sources as bronze_contracts
from projections_assets.core import snapshots
from projections_assets.core.identity import PlayerDirectory, link_dk_players
from projections_assets.core.teams import TeamDirectory
from projections_assets.defs.checks import (
    contract_check_specs,
    contract_outputs,
    extra_check_spec,
    selected_check_names,
)
from projections_assets.defs.partitions import SLATE_PARTITIONS
from projections_assets.defs.resources import LakeReader, partition_inputs_metadata
from projections_assets.platform.contracts import TableContract
from projections_assets.platform.lake import PartitionLocation, TableRef
from projections_assets.platform.reader import HistoryRead

GROUP = "silver"
CHECK_IDENTITIES_MATCHED = "identities_matched"
CHECK_ROSTER_COMPLETE = "roster_complete"
CHECK_FRESHNESS = "freshness"
# An NBA team must dress at least 8 and carries 13+ under contract: fewer means a broken capture.
MIN_ROSTER = 13
# How far back a roster capture may come from when the date has none yet (a recorded fallback).
ROSTER_LOOKBACK = timedelta(days=7)
# The newest injury report a partition sees may be at most this old (reports come hourly or faster).
INJURY_MAX_AGE_MINUTES = 120.0

SCHEDULE_KEY = dg.AssetKey(contracts.SILVER_SCHEDULE.table.key_path)


@dataclass
class Built:
    """One partition's silver frame and what its checks and manifest need to know."""

    frame: pd.DataFrame
    reads: list[HistoryRead] = field(default_factory=list)
    metadata: dict[str, object] = field(default_factory=dict)
    problems: list[dict[str, object]] = field(default_factory=list)


class SilverContext:
    """What a builder sees for one partition: the reader, the location, and the slate's games."""

    def __init__(self, reader: LakeReader, location: PartitionLocation, games: pd.DataFrame | None) -> None:
        self.reader = reader
        self.location = location
        self.games = games
        assert location.game_date is not None and location.run_as_of_ts is not None
        self.day = location.game_date
        self.as_of = location.run_as_of_ts

    def read(self, table: TableRef, days_back: int = 0) -> HistoryRead:
        return self.reader.read(
            table, start=self.day - timedelta(days=days_back), end=self.day, as_of=self.as_of
        )


def _games_by_key(games: pd.DataFrame | Mapping[str, pd.DataFrame] | None, key: str) -> pd.DataFrame | None:
    if games is None or isinstance(games, pd.DataFrame):
        return games
    return games[key]


def _freshness_metadata(frame: pd.DataFrame) -> dict[str, object]:
    if frame.empty or "game_id" not in frame:
        return {"rows": 0}
    per_game = frame.groupby("game_id").agg(
        age_minutes=("age_minutes", "min"),
        minutes_to_tip=("minutes_to_tip", "first"),
        rows=("game_id", "size"),
    )
    return {
        "rows": len(frame),
        "max_age_minutes": float(per_game["age_minutes"].max()),
        "freshness_by_game": dg.MetadataValue.json(
            {g: {k: round(float(v), 1) for k, v in row.items()} for g, row in per_game.iterrows()}
        ),
    }


def _silver_asset(
    contract: TableContract,
    build: Callable[[SilverContext], Built],
    description: str,
    bronze: list[TableRef],
    extra_checks: tuple[tuple[str, str, bool], ...] = (),
    needs_games: bool = True,
) -> dg.AssetsDefinition:
    """A slate-partitioned silver asset around `build` (one call per partition)."""
    check_specs = [
        *contract_check_specs(contract),
        *[extra_check_spec(contract, name, text, blocking=blocking) for name, text, blocking in extra_checks],
    ]

    def run(context: dg.AssetExecutionContext, reader: LakeReader, games_in) -> Iterator:
        frames, inputs, metadata = {}, {}, {}
        problems: dict[str, list[dict[str, object]]] = {name: [] for name, _, _ in extra_checks}
        for key in context.partition_keys:
            location = PartitionLocation.from_key(key)
            built = build(SilverContext(reader, location, _games_by_key(games_in, key)))
            frames[key] = built.frame
            inputs[key] = [r.record for r in built.reads]
            metadata[key] = {**_freshness_metadata(built.frame), **built.metadata}
            for problem in built.problems:
                problems[str(problem["check"])].append({**problem, "partition": key})
        selected = selected_check_names(context)
        for name, _, blocking in extra_checks:
            if name in selected:
                found = problems[name]
                yield dg.AssetCheckResult(
                    asset_key=contract.table.key_path,
                    check_name=name,
                    passed=not found,
                    severity=dg.AssetCheckSeverity.ERROR if blocking else dg.AssetCheckSeverity.WARN,
                    metadata={"problems": dg.MetadataValue.json(found[:100]), "problem_count": len(found)},
                )
        output = frames if len(frames) > 1 else next(iter(frames.values()))
        summary = next(iter(metadata.values())) if len(metadata) == 1 else {"partitions": len(metadata)}
        yield from contract_outputs(
            context, contract, output, metadata={**partition_inputs_metadata(inputs), **summary}
        )

    decorate = dg.asset(
        key=contract.table.key_path,
        ins={"games": dg.AssetIn(SCHEDULE_KEY)} if needs_games else {},
        deps=[dg.AssetKey(t.key_path) for t in bronze],
        partitions_def=SLATE_PARTITIONS,
        check_specs=check_specs,
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=GROUP,
        kinds={"parquet"},
        description=description,
        tags={"layer": "silver"},
    )
    if needs_games:

        @decorate
        def _asset(context: dg.AssetExecutionContext, lake_reader: LakeReader, games) -> Iterator:
            yield from run(context, lake_reader, games)

    else:

        @decorate
        def _asset(context: dg.AssetExecutionContext, lake_reader: LakeReader) -> Iterator:
            yield from run(context, lake_reader, None)

    return _asset


# --------------------------------------------------------------------------- builders


def build_schedule(ctx: SilverContext) -> Built:
    history = ctx.read(bronze_contracts.BRONZE_SCHEDULE.table)
    if history.record.file_count == 0:
        raise snapshots.StaleSource(
            f"schedule: no bronze schedule capture of {ctx.day} at or before {ctx.as_of.isoformat()}; "
            "materialize bronze/schedule for this partition first"
        )
    frame = snapshots.schedule_snapshot(history.frame, ctx.day.isoformat(), ctx.as_of)
    return Built(frame, [history], {"games": len(frame)})


def _directories(ctx: SilverContext) -> tuple[TeamDirectory, PlayerDirectory, HistoryRead]:
    index = ctx.reader.read(
        bronze_contracts.BRONZE_ROSTERS.table,
        start=ctx.day - ROSTER_LOOKBACK,
        end=ctx.day,
        as_of=ctx.as_of,
    )
    newest = snapshots.latest_capture(index.frame, "available_at")
    return TeamDirectory.from_player_index(newest), PlayerDirectory.from_player_index(newest), index


def build_injuries(ctx: SilverContext) -> Built:
    reports = ctx.read(bronze_contracts.BRONZE_INJURY_REPORTS.table, days_back=1)
    teams, players, index = _directories(ctx)
    games = ctx.games if ctx.games is not None else pd.DataFrame()
    frame, pending = snapshots.injury_snapshot(
        reports.frame, games, ctx.as_of, lambda name: teams.resolve(name).tricode
    )
    problems: list[dict[str, object]] = []
    if len(games) and not reports.frame.empty:
        newest = pd.to_datetime(reports.frame["report_ts"], utc=True).max()
        age = (pd.Timestamp(ctx.as_of) - newest) / pd.Timedelta(minutes=1)
        if age > INJURY_MAX_AGE_MINUTES:
            problems.append(
                {
                    "check": CHECK_FRESHNESS,
                    "newest_report": newest.isoformat(),
                    "age_minutes": round(float(age), 1),
                    "max_age_minutes": INJURY_MAX_AGE_MINUTES,
                    "hint": "materialize bronze/injury_reports for the slots in between",
                }
            )
    elif len(games):
        problems.append(
            {"check": CHECK_FRESHNESS, "newest_report": None, "hint": "no injury report captured"}
        )
    frame = players.match(frame, "player_name", "team_tricode", "last_first", unique_within=["game_id"])
    unmatched = frame[frame["player_id"].isna()]
    problems += [
        {"check": CHECK_IDENTITIES_MATCHED, "player_name": r.player_name, "team": r.team_tricode}
        for r in unmatched.itertuples()
    ]
    return Built(
        frame[list(contracts.SILVER_INJURIES.schema.columns)],
        [reports, index],
        {"teams_not_yet_submitted": dg.MetadataValue.json(pending.to_dict(orient="records"))},
        problems,
    )


def build_odds(ctx: SilverContext) -> Built:
    quotes = ctx.read(bronze_contracts.BRONZE_ODDS.table)
    teams, _, index = _directories(ctx)
    games = ctx.games if ctx.games is not None else pd.DataFrame()
    frame = snapshots.odds_snapshot(
        quotes.frame, games, ctx.as_of, lambda name: teams.resolve_name(name).tricode
    )
    missing = sorted(set(games.get("game_id", [])) - set(frame["game_id"]))
    return Built(frame, [quotes, index], {"games_without_odds": dg.MetadataValue.json(missing)})


def build_roster(ctx: SilverContext) -> Built:
    captures = ctx.reader.read(
        bronze_contracts.BRONZE_ROSTERS.table, start=ctx.day - ROSTER_LOOKBACK, end=ctx.day, as_of=ctx.as_of
    )
    games = ctx.games if ctx.games is not None else pd.DataFrame()
    frame = snapshots.roster_snapshot(captures.frame, games, ctx.as_of)
    counts = frame.groupby(["game_id", "team_tricode"]).size()
    problems = [
        {"check": CHECK_ROSTER_COMPLETE, "game_id": g, "team": t, "players": int(n), "minimum": MIN_ROSTER}
        for (g, t), n in counts.items()
        if n < MIN_ROSTER
    ]
    teams_expected = 2 * len(games)
    if len(counts) < teams_expected:
        problems.append(
            {"check": CHECK_ROSTER_COMPLETE, "teams_with_players": len(counts), "teams": teams_expected}
        )
    fallback = sorted(set(frame["roster_source_date"]) - {ctx.day.isoformat()})
    return Built(
        frame,
        [captures],
        {
            "roster_source_dates": dg.MetadataValue.json(sorted(set(frame["roster_source_date"]))),
            "fallback": bool(fallback),
        },
        problems,
    )


def build_lineups(ctx: SilverContext) -> Built:
    rows = ctx.read(bronze_contracts.BRONZE_LINEUPS.table)
    games = ctx.games if ctx.games is not None else pd.DataFrame()
    frame = snapshots.lineups_snapshot(rows.frame, games, ctx.as_of)
    confirmed = sorted(set(frame.loc[frame["confirmed"], "game_id"]))
    return Built(frame, [rows], {"games_confirmed": dg.MetadataValue.json(confirmed)})


def build_dk_slate(ctx: SilverContext) -> Built:
    rows = ctx.read(bronze_contracts.BRONZE_DRAFTABLES.table)
    teams, players, index = _directories(ctx)
    frame = snapshots.dk_slate_snapshot(rows.frame, ctx.as_of)
    links = link_dk_players(frame.rename(columns={"dk_player_id": "player_id"}), players)
    frame = frame.assign(
        player_id=links["player_id"].array,
        match_method=links["match_method"].astype(str).to_numpy(),
        team_tricode=pd.Series(
            [t.tricode if (t := teams.get(a)) is not None else "" for a in frame["team_abbrev"]],
            index=frame.index,
            dtype=str,
        ),
    )
    frame["match_method"] = frame["match_method"].astype(str)
    unmatched = frame[frame["player_id"].isna()]
    problems = [
        {"check": CHECK_IDENTITIES_MATCHED, "display_name": r.display_name, "team": r.team_abbrev}
        for r in unmatched.itertuples()
    ]
    return Built(
        frame[list(contracts.SILVER_DK_SLATE.schema.columns)],
        [rows, index],
        {"draft_groups": dg.MetadataValue.json(sorted(int(g) for g in frame["draft_group_id"].unique()))},
        problems,
    )


_IDENTITY_CHECK = (
    CHECK_IDENTITIES_MATCHED,
    "Every name resolved to one player id (unmatched ones listed).",
    False,
)

SILVER_ASSETS = [
    _silver_asset(
        contracts.SILVER_SCHEDULE,
        build_schedule,
        "The date's games and tip times, each from its newest schedule capture by min(slot, tip).",
        [bronze_contracts.BRONZE_SCHEDULE.table],
        needs_games=False,
    ),
    _silver_asset(
        contracts.SILVER_INJURIES,
        build_injuries,
        "Each team's injury list per game from the newest report covering it by min(slot, tip), with player ids.",
        [bronze_contracts.BRONZE_INJURY_REPORTS.table, bronze_contracts.BRONZE_ROSTERS.table],
        (
            _IDENTITY_CHECK,
            (
                CHECK_FRESHNESS,
                f"The newest injury report is at most {INJURY_MAX_AGE_MINUTES:.0f} min old.",
                True,
            ),
        ),
    ),
    _silver_asset(
        contracts.SILVER_ODDS,
        build_odds,
        "Consensus (median over bookmakers) spread, total and home win probability per game by min(slot, tip).",
        [bronze_contracts.BRONZE_ODDS.table, bronze_contracts.BRONZE_ROSTERS.table],
    ),
    _silver_asset(
        contracts.SILVER_ROSTER,
        build_roster,
        "Every player of each team playing on the date, from the newest player-index capture by min(slot, tip).",
        [bronze_contracts.BRONZE_ROSTERS.table],
        (
            (
                CHECK_ROSTER_COMPLETE,
                f"Every team of every game has at least {MIN_ROSTER} rostered players.",
                True,
            ),
        ),
    ),
    _silver_asset(
        contracts.SILVER_LINEUPS,
        build_lineups,
        "Each player's newest projected or confirmed lineup entry by min(slot, tip).",
        [bronze_contracts.BRONZE_LINEUPS.table],
    ),
    _silver_asset(
        contracts.SILVER_DK_SLATE,
        build_dk_slate,
        "DraftKings classic draft groups of the date: players, salaries, slots and statuses, with player ids.",
        [bronze_contracts.BRONZE_DRAFTABLES.table, bronze_contracts.BRONZE_ROSTERS.table],
        (_IDENTITY_CHECK,),
        needs_games=False,
    ),
]


def snapshots_at(reader: LakeReader, location: PartitionLocation) -> dict[str, pd.DataFrame]:
    """The slate's silver snapshots of `location` rebuilt from bronze as of its instant (nothing written):
    what a partition of that slot would hold, whether or not it was ever run."""
    schedule = build_schedule(SilverContext(reader, location, None)).frame
    context = SilverContext(reader, location, schedule)
    _, _, index = _directories(context)
    if len(schedule) and index.frame.empty:
        # Team and player names resolve through the player index: without one nothing can be matched.
        raise snapshots.StaleSource(
            f"no player index captured in the {ROSTER_LOOKBACK.days} days up to {location.run_as_of_ts.isoformat()}"
        )
    return {
        "schedule": schedule,
        "roster": build_roster(context).frame,
        "injuries": build_injuries(context).frame,
        "lineups": build_lineups(context).frame,
        "odds": build_odds(context).frame,
    }
