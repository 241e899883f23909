"""`projections demo`: the whole product on one simulated slate day, end to end.

1. Generate the simulated league (once per seed, into `.league/`).
2. Run the code location's own Definitions (`projections_assets.definitions`)
   on the embedded default sources, the league's in-process feed, with the
   league clock frozen where the demo wants it (each run's resource config).
3. Materialize history with single-run backfills: labels of the weeks before
   the demo day, and the slate's sources and snapshots at two slots a day.
4. Train the minutes model and the rates model and promote them (the training
   jobs, with their checks and gates).
5. Replay the demo day's evening through the injury report sensor: the league
   clock steps from report to report, the sensor asks for each report's slot,
   and the slate job runs it; every slot's minutes projections are printed,
   with who moved and why.

Everything lands in the embedded instance (`DAGSTER_HOME`, default
`./.dagster_home`) and the lake (`./.lake`), so `make ui` shows the same runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import time
import warnings
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd

from projections_assets.cli.progress import progress
from projections_assets.core.exports import main_draft_group
from projections_assets.nba.calendar import EASTERN_NAME as ET
from projections_assets.settings import dagster_home, default_league_dir

# Slots that hold a report in both naming eras (hourly reports come at :30): 16:30 is the
# tip - 2 h slot of a 7 PM game, 18:30 its last slot before tip.
HISTORY_SLOTS = ("16:30", "18:30")

REPLAY_FROM = "16:00"
# The replay ends with the report at the first evening tip (the main slate's games start from then).
EVENING_FROM = "18:00"
HISTORY_DAYS = 18
LABEL_DAYS = 40
# The last days of the history are projected live (at 18:30, before the 7 PM locks) by models trained on
# the days before them, and their contests train the ownership model: out-of-sample, as in production.
OWNERSHIP_DAYS = 5
# Worlds per history partition (the replayed slots use config/sim.toml's).
HISTORY_WORLDS = 2000
# How many rows of the main draft group each replayed slot prints.
TOP_ROWS = 12


def pick_day(tables: dict[str, pd.DataFrame], after: date = date(2026, 1, 10)) -> date:
    """The first busy date after `after` on which a regular starter is ruled Out late in the afternoon."""
    news = tables["injury_news"].copy()
    news["et"] = pd.to_datetime(news["available_at"], utc=True).dt.tz_convert(ET)
    games = tables["games"][["game_id", "game_date"]].assign(game_date=lambda d: d["game_date"].astype(str))
    per_day = games.groupby("game_date").size()
    starts = tables["box_scores"].groupby("person_id")["starter"].mean()
    n = news.merge(games, on="game_id")
    late = (
        (n["et"].dt.hour >= 16) & (n["et"].dt.hour < 18) & (n["et"].dt.strftime("%Y-%m-%d") == n["game_date"])
    )
    n = n[late & (n["status"] == "Out") & (n["person_id"].map(starts) > 0.7)]
    n = n[(n["game_date"] > after.isoformat()) & (n["game_date"].map(per_day) >= 7)]
    if n.empty:
        raise LookupError("no date in the league has a starter ruled Out late in the afternoon")
    return date.fromisoformat(str(n["game_date"].min()))


def _range_tags(start: str, end: str) -> dict[str, str]:
    return {"dagster/asset_partition_range_start": start, "dagster/asset_partition_range_end": end}


def _slot_instant(day: date, slot: str) -> datetime:
    return pd.Timestamp(f"{day.isoformat()} {slot}", tz=ET).tz_convert("UTC").to_pydatetime()


def _show_unified(table: pd.DataFrame) -> None:
    """Print the top of the main draft group (the group with the most games) of a slot's unified table."""
    if table.empty:
        print("  no DraftKings draft group in this slot", flush=True)
        return
    group = main_draft_group(table)
    games = table[table["draft_group_id"] == group]["game_id"].nunique()
    rows = table[(table["draft_group_id"] == group) & (table["status"] != "Out")]
    top = rows.sort_values("dk_mean", ascending=False).head(TOP_ROWS)
    print(
        f"  main draft group {group} ({games} games, {len(table[table['draft_group_id'] == group])} "
        f"players), top {len(top)} by DK mean:\n"
        f"    {'player':24} {'team':>4} {'pos':>5} {'salary':>6} {'mean':>5} {'p90':>5} {'own%':>5} {'value':>5}",
        flush=True,
    )
    for r in top.itertuples():
        print(
            f"    {r.name[:24]:24} {r.team:>4} {r.dk_position:>5} {r.salary:6d} {r.dk_mean:5.1f} {r.dk_p90:5.1f}"
            f" {r.ownership:5.1f} {r.value:5.2f}",
            flush=True,
        )


def _newly_out(proj: pd.DataFrame, previous: pd.DataFrame | None) -> pd.DataFrame:
    """Players ruled Out since the previous slot, with the role they had before."""
    if previous is None:
        return pd.DataFrame(columns=["player_name", "role_before"])
    both = proj.merge(previous, on=["game_id", "player_id"], suffixes=("", "_before"))
    return both[(both["status"] == "Out") & (both["status_before"] != "Out")]


def _show_changes(table: pd.DataFrame, players: int = 8) -> None:
    """Print a slot's "what changed and why" (the players who moved most)."""
    from projections_assets.core.what_changed import lines

    if table.empty:
        print("  what changed: nobody's DK mean moved by 0.5+", flush=True)
        return
    keep = table.drop_duplicates("player_id").sort_values("total", key=lambda s: -s.abs()).head(players)
    print(f"  what changed and why ({table['player_id'].nunique()} players moved 0.5+):", flush=True)
    for line in lines(table[table["player_id"].isin(keep["player_id"])]):
        print("    " + line, flush=True)


def run_demo(
    seed: int = 7,
    day: date | None = None,
    history_days: int = HISTORY_DAYS,
    label_days: int = LABEL_DAYS,
    *,
    league_dir: Path | None = None,
    max_reports: int | None = None,
    ownership_days: int = OWNERSHIP_DAYS,
) -> dict:
    """Run the demo (module docstring); returns a summary of what ran.

    `league_dir` defaults to `.league/seed=<seed>`; `max_reports` stops the
    replay after that many reports (the whole evening by default).
    """
    warnings.filterwarnings("ignore", module="dagster")
    # The sensor's own log lines would interleave with the demo's report-by-report output.
    logging.getLogger("dagster").setLevel(logging.WARNING)
    # Imported here so `projections --help` does not load Dagster and every definition.
    import dagster as dg

    from projections_assets.contracts import gold as gold_contracts
    from projections_assets.contracts import sources as source_contracts
    from projections_assets.contracts.unified import UNIFIED_PROJECTIONS, WHAT_CHANGED
    from projections_assets.definitions import build_definitions
    from projections_assets.defs.gold import SILVER_INPUTS
    from projections_assets.defs.jobs import SLATE_GOLD
    from projections_assets.defs.resources import SOURCES_KEY, LakeReader, LeagueSources
    from projections_assets.defs.sensors import injury_report_sensor
    from projections_assets.league.generate import ensure_league, read_league_tables
    from projections_assets.platform.lake import PartitionLocation
    from projections_assets.platform.pointers import read_pointer
    from projections_assets.platform.publish import load_partition, slate_pointer_path

    say = progress("demo")
    league_dir = league_dir or default_league_dir(seed)
    say(
        f"league seed {seed}: {'generating (once; about 30 s)' if not (league_dir / '_league.json').exists() else 'ready'}"
    )
    ensure_league(seed, league_dir, progress=say)
    tables = read_league_tables(league_dir)
    day = day or pick_day(tables)
    say(
        f"demo day {day.isoformat()} ({int((tables['games']['game_date'].astype(str) == day.isoformat()).sum())} games)"
    )

    # The demo's only change to the embedded default: where the league is, and a frozen league clock.
    league = {"seed": seed, "league_dir": str(league_dir), "clock_speed": 0.0}

    def sources_at(instant: datetime) -> dict:
        return {"resources": {SOURCES_KEY: {"config": {**league, "clock_start": instant.isoformat()}}}}

    history_clock = _slot_instant(day, "08:00")
    # The demo is the embedded deployment whatever the environment names: it drives the simulated league.
    product_defs = build_definitions("embedded")
    with dg.DagsterInstance.get() as instance:
        say(
            f"league clock frozen at {history_clock.isoformat()} for the history, then stepped report by report; "
            f"Dagster home {instance.root_directory}"
        )

        def run(
            job: str, what: str, run_config: dict | None = None, required: bool = True, **kwargs
        ) -> dg.ExecuteInProcessResult:
            started = time.monotonic()
            # The demo prints its own progress; Dagster's step-by-step log stays in the UI.
            quiet = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
            result = product_defs.resolve_job_def(job).execute_in_process(
                instance=instance, raise_on_error=False, run_config={**quiet, **(run_config or {})}, **kwargs
            )
            if not result.success and required:
                failed = [e.step_key for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
                raise RuntimeError(f"{what}: run {result.run_id} failed at {failed}; see it with `make ui`")
            say(f"{what}: done in {time.monotonic() - started:.0f}s (run {result.run_id[:8]})")
            return result

        first_label = day - timedelta(days=label_days)
        say(
            f"history 1/3: labels of {first_label} .. {day - timedelta(days=1)} (box scores -> frozen labels)"
        )
        run(
            "labels",
            "labels backfill",
            sources_at(history_clock),
            asset_selection=[dg.AssetKey(["bronze", "boxscores"]), dg.AssetKey(["labels", "game_labels"])],
            tags=_range_tags(first_label.isoformat(), (day - timedelta(days=1)).isoformat()),
        )
        # What the minutes model reads (the DraftKings slate is not needed for history).
        history_keys = [
            dg.AssetKey(c.table.key_path)
            for c in (
                source_contracts.BRONZE_INJURY_REPORTS,
                source_contracts.BRONZE_SCHEDULE,
                source_contracts.BRONZE_ODDS,
                source_contracts.BRONZE_ROSTERS,
                source_contracts.BRONZE_LINEUPS,
                *SILVER_INPUTS.values(),
            )
        ]
        first = day - timedelta(days=history_days)
        for n, slot in enumerate(HISTORY_SLOTS, start=2):
            say(f"history {n}/3: sources and snapshots at {slot} on {first} .. {day - timedelta(days=1)}")
            run(
                "slate",
                f"slate backfill at {slot}",
                sources_at(history_clock),
                asset_selection=history_keys,
                tags=_range_tags(
                    f"{first.isoformat()}|{slot}", f"{(day - timedelta(days=1)).isoformat()}|{slot}"
                ),
            )
        # Walk forward: the models train on the history before the last `ownership_days`, which are then
        # projected live at 18:30 (before the 7 PM locks) and whose contests train the ownership model.
        live_first = day - timedelta(days=ownership_days)
        window = {"start_date": first.isoformat(), "end_date": (live_first - timedelta(days=1)).isoformat()}
        say(
            f"training the minutes model on {first} .. {live_first - timedelta(days=1)} (checks, then promotion)"
        )
        run(
            "train_minutes",
            "training",
            run_config={"ops": {"gold__minutes_training_set": {"config": window}}},
        )
        say(
            "training the rates model on the same history (twelve heads, gated against the trailing baseline)"
        )
        run(
            "train_rates",
            "rates training",
            run_config={"ops": {"gold__rates_training_set": {"config": window}}},
        )
        live_range = (live_first.isoformat(), (day - timedelta(days=1)).isoformat())
        lock_slot = HISTORY_SLOTS[-1]
        say(
            f"ownership 1/3: those days projected at {lock_slot} by the models above (DraftKings slate, minutes, "
            "rates, sim, unified table)"
        )
        run(
            "slate",
            f"slate backfill at {lock_slot}",
            {**sources_at(history_clock), "ops": {"gold__sim": {"config": {"worlds": HISTORY_WORLDS}}}},
            asset_selection=[
                dg.AssetKey(source_contracts.BRONZE_DRAFTABLES.table.key_path),
                *(k for a in SLATE_GOLD for k in a.keys),
                dg.AssetKey(["silver", "dk_slate"]),
            ],
            tags=_range_tags(f"{live_range[0]}|{lock_slot}", f"{live_range[1]}|{lock_slot}"),
        )
        say(
            f"ownership 2/3: contest standings of {live_range[0]} .. {live_range[1]} (actual ownership; the DraftKings slates above name the players)"
        )
        run(
            "labels",
            "ownership labels",
            sources_at(history_clock),
            asset_selection=[
                dg.AssetKey(["bronze", "contest_standings"]),
                dg.AssetKey(["labels", "ownership_labels"]),
            ],
            tags=_range_tags(*live_range),
        )
        say(
            "ownership 3/3: training the ownership model on those projections and contests (gated against value)"
        )
        trained = run(
            "train_ownership",
            "ownership training",
            run_config={
                "ops": {
                    "gold__ownership_training_set": {
                        "config": dict(zip(("start_date", "end_date"), live_range, strict=True))
                    }
                }
            },
            required=False,
        )
        if not trained.success:
            failed = [e.step_key for e in trained.all_events if e.event_type_value == "STEP_FAILURE"]
            say(
                f"ownership training failed at {failed} (run {trained.run_id[:8]}; `make ui` shows why, e.g. a "
                "gate): ownership comes from the value prior (docs/unified.md)"
            )

        lake = LakeReader().lake()
        tips = pd.to_datetime(
            tables["games"].loc[tables["games"]["game_date"].astype(str) == day.isoformat(), "tip_ts"],
            utc=True,
        )
        # A quarter hour before the first replayed report, so the evening starts with REPLAY_FROM's own report.
        clock = pd.Timestamp(_slot_instant(day, REPLAY_FROM)) - pd.Timedelta(minutes=15)
        cursor = json.dumps({"after": clock.isoformat()})
        previous, runs, outs = None, [], []
        say(f"replaying {day} from {REPLAY_FROM} ET through the injury report sensor, report by report")
        evening = tips[tips >= pd.Timestamp(_slot_instant(day, EVENING_FROM))]
        end = evening.min() if len(evening) else tips.max()
        while clock < end and (max_reports is None or len(runs) < max_reports):
            clock += pd.Timedelta(minutes=15)
            # A minute after the slot: its report is out, as the sensor would find it live.
            league_now = (clock + pd.Timedelta(minutes=1)).to_pydatetime()
            sources = LeagueSources(**league, clock_start=league_now.isoformat())
            context = dg.build_sensor_context(
                cursor=cursor, instance=instance, resources={SOURCES_KEY: sources}
            )
            result = injury_report_sensor(context)
            cursor = result.cursor or cursor
            for request in result.run_requests:
                report = request.tags.get("projections/injury_report", "?")
                print(
                    f"\n== {clock.tz_convert(ET):%H:%M} ET: new report {report} -> slate run {request.partition_key}",
                    flush=True,
                )
                outcome = run(
                    "slate",
                    f"slate {request.partition_key}",
                    sources_at(league_now),
                    partition_key=request.partition_key,
                    asset_selection=request.asset_selection,
                    tags={**request.tags, "dagster/run_key": request.run_key or ""},
                )
                proj = load_partition(
                    lake,
                    gold_contracts.MINUTES_PROJECTIONS.table,
                    PartitionLocation.from_key(request.partition_key),
                )
                _show_unified(
                    load_partition(
                        lake, UNIFIED_PROJECTIONS.table, PartitionLocation.from_key(request.partition_key)
                    )
                )
                _show_changes(
                    load_partition(
                        lake, WHAT_CHANGED.table, PartitionLocation.from_key(request.partition_key)
                    )
                )
                ruled_out = _newly_out(proj, previous)
                previous = proj
                runs.append({"partition": request.partition_key, "run_id": outcome.run_id, "report": report})
                if not ruled_out.empty:
                    outs += [
                        {"partition": request.partition_key, "player": r.player_name, "role": r.role_before}
                        for r in ruled_out.itertuples()
                    ]
    say(f"done: {len(runs)} slate runs on {day}")
    starters = [o for o in outs if o["role"] == "starter"]
    if starters:
        print(
            "\nStarters ruled Out during the evening: "
            + ", ".join(f"{o['player']} ({o['partition'].split('|')[1]})" for o in starters),
            flush=True,
        )
    published = read_pointer(slate_pointer_path(lake, day.isoformat()))
    if published is not None:
        print(
            f"\nPublished slate of {day}: slot {published.partition_key} (run {published.run_id[:8]}); its history: "
            f".venv/bin/projections lake slate {day} --history\n"
            f"Export it:  .venv/bin/projections export --date {day} --format dk --out DKSalaries_projected.csv\n"
            f"            .venv/bin/projections export --date {day} --format dfs-tools --out projections.csv\n"
            f"            .venv/bin/projections export --date {day} --format csv   (the whole unified table)\n"
            f"What changed and why at the published slot:  .venv/bin/projections explain --date {day}",
            flush=True,
        )
    print(
        "\nOpen the UI on the same instance and lake:  make ui   (then http://127.0.0.1:3000)\n"
        "  Assets show every table's partitions and checks; Runs show the backfills, the training and each slot's run.",
        flush=True,
    )
    return {"day": day.isoformat(), "runs": runs, "ruled_out": outs}


def _command(args: argparse.Namespace) -> int:
    os.environ.setdefault("DAGSTER_HOME", str(dagster_home()))
    Path(os.environ["DAGSTER_HOME"]).mkdir(parents=True, exist_ok=True)
    run_demo(
        args.seed, date.fromisoformat(args.day) if args.day else None, args.history_days, args.label_days
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `demo` to the `projections` command."""
    demo = subparsers.add_parser(
        "demo", help="the demo slate end to end: history, training, a replayed evening"
    )
    demo.add_argument("--seed", type=int, default=7, help="league seed (default 7)")
    demo.add_argument("--day", default=None, help="demo date YYYY-MM-DD (default: picked from the league)")
    demo.add_argument(
        "--history-days",
        type=int,
        default=HISTORY_DAYS,
        help=f"days of slate history to train on (default {HISTORY_DAYS})",
    )
    demo.add_argument(
        "--label-days",
        type=int,
        default=LABEL_DAYS,
        help=f"days of labels before the demo day (default {LABEL_DAYS})",
    )
    demo.set_defaults(func=_command)
