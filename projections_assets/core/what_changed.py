"""What changed and why: a slot's DK means against the previous report slot's, split among input groups.

Both slots are scored by one function (`score`), the live chain's own pieces: minutes features,
the minutes model, the rates heads, the sim. For every player whose DK mean moved by `THRESHOLD` or
more, the change is split by taking the inputs back to the base one group at a time, in the fixed
order of `GROUPS`, and re-scoring after each step: part k = score(first k-1 groups reverted) -
score(first k groups reverted). With every group reverted the inputs are the base's, so the parts
sum exactly to the total change (telescoping). A group whose inputs are the same in both slots is 0
without re-scoring. Only a changed player's game is re-scored (the sim draws each game's worlds from
its own inputs only, so one game scored alone is bit-identical to the same game in the whole slate).

The order, and why: model versions first (a promotion changes every player); then the slate (the
schedule and rosters, which players exist); the odds; the starting lineups (the feed names a new
starter or marks a player Inactive, often minutes before the report that rules him out: reverting it
first leaves the report's own effect to the status groups); the opponents' injury status; the
teammates' status; his own status; last the clock (features that only age with time to tip).

Pure pandas, no Dagster.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd

from projections_assets.core import minutes, rates
from projections_assets.core.features import PlayerHistory, SlateInputs
from projections_assets.core.rates_features import Priors, RatesHistory, rates_features
from projections_assets.core.sim import inputs as sim_inputs
from projections_assets.core.sim.engine import SimCalibration, simulate
from projections_assets.core.sim.summary import summarize
from projections_assets.core.training import partition_features
from projections_assets.nba.injury_report import QUARTER_HOUR_NAMING_FROM
from projections_assets.partitions import SlatePartition, slot_for, slot_times

THRESHOLD = 0.5
GROUPS = (
    "model_version",
    "salary_and_slate",
    "odds",
    "starting_lineups",
    "opponents_status",
    "teammates_status",
    "own_status",
    "time_to_tip",
)
# How each group reads in words.
GROUP_WORDS = {
    "model_version": "model version",
    "salary_and_slate": "slate (schedule, rosters)",
    "odds": "odds",
    "starting_lineups": "starting lineups",
    "opponents_status": "opponents' status",
    "teammates_status": "teammates' status",
    "own_status": "his own status",
    "time_to_tip": "time to tip",
}
SNAPSHOTS = ("schedule", "roster", "injuries", "lineups", "odds")


@dataclass(frozen=True)
class Models:
    """The models a slot is scored with, and their run ids."""

    minutes: minutes.MinutesModel
    rates: rates.RatesModel
    minutes_run_id: str
    rates_run_id: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.minutes_run_id, self.rates_run_id)


@dataclass(frozen=True)
class SlotState:
    """One slot's inputs: its silver snapshots (rows stamped `as_of_ts`), the instant, the models."""

    inputs: SlateInputs
    as_of: pd.Timestamp
    models: Models


@dataclass(frozen=True)
class Scoring:
    """What does not change between the two slots: the label history, priors, calibration, worlds."""

    history: PlayerHistory
    rates_history: RatesHistory
    priors: Priors
    calibration: SimCalibration
    game_date: str
    worlds: int


@dataclass(frozen=True)
class SlotScores:
    """A slot scored as the live chain scores it: minutes features, minutes projections (reconciled, with
    role), and the sim's per-player summary."""

    features: pd.DataFrame
    minutes: pd.DataFrame
    summary: pd.DataFrame


def score_frames(state: SlotState, scoring: Scoring, games: set[str] | None = None) -> SlotScores | None:
    """The live chain's pieces on `state` (its `games` only; all: None); None when no one is projected."""
    inputs = state.inputs if games is None else _only_games(state.inputs, games)
    features = partition_features(inputs, scoring.history)
    if features.empty:
        return None
    scored = minutes.reconcile(minutes.predict(state.models.minutes, features))
    scored["role"] = minutes.role_bucket(features)
    rated = rates_features(features, scoring.rates_history, scoring.priors)
    rated = rated[["game_id", "player_id"]].join(rates.predict(state.models.rates, rated))
    players = sim_inputs.slate_players(scored, rated, features)
    sim = simulate(
        players,
        sim_inputs.closing_lines(features),
        scoring.calibration,
        scoring.game_date,
        worlds=scoring.worlds,
    )
    return SlotScores(features, scored, summarize(sim))


def score(state: SlotState, scoring: Scoring, games: set[str] | None = None) -> pd.DataFrame:
    """Per player of `games` (all: None): status and DK mean as the live chain scores the slot."""
    scores = score_frames(state, scoring, games)
    if scores is None:
        return pd.DataFrame(columns=["game_id", "team_id", "player_id", "status", "dk_mean"])
    means = scores.summary[["player_id", "dk_mean"]]
    out = scores.minutes[["game_id", "team_id", "player_id", "status"]].merge(
        means, on="player_id", how="left"
    )
    out["dk_mean"] = out["dk_mean"].fillna(0.0)
    out["game_id"] = out["game_id"].astype(str)
    return out.reset_index(drop=True)


def only_games(state: SlotState, games: set[str]) -> SlotState:
    """`state` with the inputs of `games` only (e.g. the games not locked by the slot)."""
    return SlotState(_only_games(state.inputs, games), state.as_of, state.models)


def _only_games(inputs: SlateInputs, games: set[str]) -> SlateInputs:
    return SlateInputs(**{n: _rows_of_games(getattr(inputs, n), games) for n in SNAPSHOTS})


def _rows_of_games(frame: pd.DataFrame, games: set[str]) -> pd.DataFrame:
    return frame[frame["game_id"].astype(str).isin(games)]


def _restamp(frame: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    """`frame`'s rows as seen at `as_of`: a base row carried into the current slot keeps its content but
    joins the slot's instant (ages and times to tip are recomputed from `as_of` by the features)."""
    if frame.empty:
        return frame
    out = frame.copy()
    out["as_of_ts"] = pd.Series(as_of, index=out.index).astype(frame["as_of_ts"].dtype)
    return out


def hybrid(
    current: SlotState,
    base: SlotState,
    reverted: set[str],
    team_tricode: str | None = None,
    player_id: int | None = None,
) -> SlotState:
    """The current slot with the `reverted` groups' inputs taken from the base.

    The status groups are relative to one player (`player_id` of team `team_tricode`): opponents are
    every other team's injury rows, teammates his team's rows but his own.
    """
    at = current.as_of

    def pick(name: str, group: str) -> pd.DataFrame:
        source = base if group in reverted else current
        frame = getattr(source.inputs, name)
        return _restamp(frame, at) if source is base else frame

    schedule = pick("schedule", "salary_and_slate")
    roster = pick("roster", "salary_and_slate")
    odds = pick("odds", "odds")
    lineups = pick("lineups", "starting_lineups")
    injuries = _status_mix(current, base, reverted, team_tricode, player_id)
    models = base.models if "model_version" in reverted else current.models
    return SlotState(SlateInputs(schedule, roster, injuries, lineups, odds), at, models)


def _status_mix(
    current: SlotState, base: SlotState, reverted: set[str], team: str | None, player: int | None
) -> pd.DataFrame:
    """The injury rows: each of the three status groups from the base when reverted, else current."""
    cur, old = current.inputs.injuries, _restamp(base.inputs.injuries, current.as_of)

    def own(f: pd.DataFrame) -> pd.Series:
        return (f["team_tricode"] == team) & (f["player_id"].astype("Int64") == player).fillna(False)

    def teammates(f: pd.DataFrame) -> pd.Series:
        return (f["team_tricode"] == team) & ~own(f)

    def opponents(f: pd.DataFrame) -> pd.Series:
        return f["team_tricode"] != team

    parts = []
    for group, mask in (
        ("own_status", own),
        ("teammates_status", teammates),
        ("opponents_status", opponents),
    ):
        source = old if group in reverted else cur
        parts.append(source[mask(source)])
    return pd.concat(parts, ignore_index=True)


def _same(
    a: pd.DataFrame, b: pd.DataFrame, drop: tuple[str, ...] = ("as_of_ts", "age_minutes", "minutes_to_tip")
) -> bool:
    """Whether two snapshots hold the same content (their instants and ages aside)."""
    cols = [c for c in a.columns if c not in drop]
    left = a[cols].sort_values(cols).reset_index(drop=True)
    right = b[[c for c in cols if c in b.columns]].sort_values(cols).reset_index(drop=True)
    return left.shape == right.shape and left.equals(right)


def explain(
    current: SlotState,
    base: SlotState,
    scoring: Scoring,
    threshold: float = THRESHOLD,
) -> pd.DataFrame:
    """One row per (player whose DK mean moved by `threshold`+, input group): the part of his change.

    Columns: player_id, team_id, game_id, group, order, part, base_mean, current_mean, total. The parts of
    a player sum exactly to `total` = current_mean - base_mean.
    """
    now, then = score(current, scoring), score(base, scoring)
    both = now.merge(then[["player_id", "dk_mean"]], on="player_id", how="outer", suffixes=("", "_base"))
    both = both.dropna(subset=["game_id"])
    both["dk_mean_base"] = both["dk_mean_base"].fillna(0.0)
    both["total"] = both["dk_mean"] - both["dk_mean_base"]
    moved = both[both["total"].abs() >= threshold]
    if moved.empty:
        return explain_empty()
    games = set(moved["game_id"])
    tricodes = _team_tricodes(current)
    shared = ["model_version", "salary_and_slate", "odds", "starting_lineups"]
    # Scores after reverting the first k shared groups (k = 0: the current slot).
    chain = [now[now["game_id"].isin(games)]]
    state = current
    for k, group in enumerate(shared, start=1):
        if _group_unchanged(group, current, base):
            chain.append(chain[-1])
        else:
            state = hybrid(current, base, set(shared[:k]))
            chain.append(score(state, scoring, games))
    all_status = set(shared) | {"opponents_status", "teammates_status", "own_status"}
    end_status = score(hybrid(current, base, all_status, "", -1), scoring, games)
    # A status state depends on the player only through his own row: when that row did not change, his
    # "teammates reverted" state is his team's "all its rows reverted" state, shared by the team.
    cache: dict[tuple, pd.DataFrame] = {}

    def status_score(
        reverted: frozenset, team: str, player: int, game: str, own_changed: bool
    ) -> pd.DataFrame:
        key = (reverted, team, game, player if own_changed and "teammates_status" in reverted else None)
        if key not in cache:
            cache[key] = score(hybrid(current, base, set(reverted), team, player), scoring, {game})
        return cache[key]

    rows = []
    for r in moved.itertuples():
        team, player, game = tricodes.get(int(r.team_id), ""), int(r.player_id), str(r.game_id)
        own_changed = not _own_unchanged(current, base, team, player)
        steps = [_mean(s, r.player_id) for s in chain]
        reverted = frozenset(shared)
        for group in ("opponents_status", "teammates_status"):
            reverted = reverted | {group}
            if _status_unchanged(group, current, base, team, player, game):
                steps.append(steps[-1])
            else:
                steps.append(_mean(status_score(reverted, team, player, game, own_changed), player))
        steps.append(_mean(end_status, r.player_id))  # own status reverted too
        steps.append(float(r.dk_mean_base))  # and the clock: the base itself
        parts = -np.diff(np.array(steps, dtype=float))
        # The steps run from the slot's own score to the base's; the last part takes the rounding of
        # the others so the parts add up to the total in floating point too.
        parts[-1] = float(r.total) - float(parts[:-1].sum())
        for order, (group, part) in enumerate(zip(GROUPS, parts, strict=True)):
            rows.append(
                {
                    "player_id": int(r.player_id),
                    "team_id": int(r.team_id),
                    "game_id": str(r.game_id),
                    "group": group,
                    "order": order,
                    "part": float(part),
                    "base_mean": float(r.dk_mean_base),
                    "current_mean": float(r.dk_mean),
                    "total": float(r.total),
                }
            )
    out = pd.DataFrame(rows)
    return out.sort_values(["player_id", "order"]).reset_index(drop=True)


def _mean(scores: pd.DataFrame, player_id: int) -> float:
    hit = scores.loc[scores["player_id"] == player_id, "dk_mean"]
    return float(hit.iloc[0]) if len(hit) else 0.0


def _team_tricodes(state: SlotState) -> dict[int, str]:
    roster = state.inputs.roster
    return dict(zip(roster["team_id"].astype(int), roster["team_tricode"].astype(str), strict=False))


def _group_unchanged(group: str, current: SlotState, base: SlotState) -> bool:
    if group == "model_version":
        return current.models.key == base.models.key
    names = {"salary_and_slate": ("schedule", "roster"), "odds": ("odds",), "starting_lineups": ("lineups",)}[
        group
    ]
    return all(_same(getattr(current.inputs, n), getattr(base.inputs, n)) for n in names)


def _status_unchanged(
    group: str, current: SlotState, base: SlotState, team: str, player: int, game: str
) -> bool:
    """Whether the injury rows of `group` (relative to `player` of `team` in `game`) are the same."""

    def rows(f: pd.DataFrame) -> pd.DataFrame:
        in_game = f["game_id"].astype(str) == game
        if group == "opponents_status":
            return f[in_game & (f["team_tricode"] != team)]
        me = (f["player_id"].astype("Int64") == player).fillna(False)
        return f[in_game & (f["team_tricode"] == team) & ~me]

    return _same(rows(current.inputs.injuries), rows(base.inputs.injuries), _STATUS_DROP)


def _own_unchanged(current: SlotState, base: SlotState, team: str, player: int) -> bool:
    def rows(f: pd.DataFrame) -> pd.DataFrame:
        return f[(f["team_tricode"] == team) & (f["player_id"].astype("Int64") == player).fillna(False)]

    return _same(rows(current.inputs.injuries), rows(base.inputs.injuries), _STATUS_DROP)


# A newer report restating the same status is no change of status.
_STATUS_DROP = ("as_of_ts", "age_minutes", "minutes_to_tip", "available_at", "report_ts", "report_name")


def explain_empty() -> pd.DataFrame:
    """`explain`'s columns, no rows."""
    return pd.DataFrame(
        {
            "player_id": pd.Series(dtype="int64"),
            "team_id": pd.Series(dtype="int64"),
            "game_id": pd.Series(dtype=str),
            "group": pd.Series(dtype=str),
            "order": pd.Series(dtype="int64"),
            "part": pd.Series(dtype="float64"),
            "base_mean": pd.Series(dtype="float64"),
            "current_mean": pd.Series(dtype="float64"),
            "total": pd.Series(dtype="float64"),
        }
    )


# --------------------------------------------------------------------------- in words


def _status_changes(current: SlotState, base: SlotState, mask) -> list[str]:
    """Each status change among the rows `mask` selects, named as the roster names him."""
    cur, old = current.inputs.injuries, base.inputs.injuries
    roster = dict(zip(current.inputs.roster["player_id"], current.inputs.roster["player_name"], strict=False))
    now = cur[mask(cur)].set_index("player_name")
    then = old[mask(old)].set_index("player_name")
    out = []
    for name in sorted(set(now.index) | set(then.index)):
        a = str(then.loc[name, "status"]) if name in then.index else "not listed"
        b = str(now.loc[name, "status"]) if name in now.index else "not listed"
        if a == b:
            continue
        row = now.loc[name] if name in now.index else then.loc[name]
        who = roster.get(row["player_id"], name) if pd.notna(row["player_id"]) else name
        when = ""
        if name in now.index:
            ts = pd.Timestamp(now.loc[name, "report_ts"]).tz_convert("America/New_York")
            when = f" at {ts:%H:%M}"
        out.append(f"{who} ruled Out{when}" if b == "Out" else f"{who} {a} -> {b}{when}")
    return out


def describe(group: str, current: SlotState, base: SlotState, team: str, player_id: int, game_id: str) -> str:
    """What changed in `group` between the base and the current slot, as it concerns one player."""
    cur, old = current.inputs, base.inputs
    if group == "model_version":
        pairs = zip(("minutes", "rates"), base.models.key, current.models.key, strict=True)
        moved = [f"{n} model {a[:8]} -> {b[:8]}" for n, a, b in pairs if a != b]
        return ", ".join(moved)
    if group in ("opponents_status", "teammates_status", "own_status"):

        def is_self(f):
            return (f["team_tricode"] == team) & (f["player_id"].astype("Int64") == player_id).fillna(False)

        masks = {
            "own_status": is_self,
            "teammates_status": lambda f: (f["team_tricode"] == team) & ~is_self(f),
            "opponents_status": lambda f: (f["game_id"].astype(str) == game_id) & (f["team_tricode"] != team),
        }
        who = {"own_status": "", "teammates_status": "teammate ", "opponents_status": "opponent "}[group]
        return "; ".join(who + c for c in _status_changes(current, base, masks[group]))
    if group == "starting_lineups":
        key = ["person_id"]
        a = old.lineups[old.lineups["game_id"].astype(str) == game_id].set_index(key)
        b = cur.lineups[cur.lineups["game_id"].astype(str) == game_id].set_index(key)
        notes = []
        for pid in sorted(set(a.index) | set(b.index)):
            if (
                pid in b.index
                and (pid not in a.index or bool(a.loc[pid, "is_starter"]) != bool(b.loc[pid, "is_starter"]))
                and bool(b.loc[pid, "is_starter"])
            ):
                notes.append(f"{b.loc[pid, 'player_name']} listed to start")
            if (
                pid in b.index
                and bool(b.loc[pid, "inactive"])
                and (pid not in a.index or not bool(a.loc[pid, "inactive"]))
            ):
                notes.append(f"{b.loc[pid, 'player_name']} Inactive")
        return "; ".join(notes)
    if group == "odds":
        a = old.odds[old.odds["game_id"].astype(str) == game_id]
        b = cur.odds[cur.odds["game_id"].astype(str) == game_id]
        if a.empty or b.empty:
            return "odds posted" if a.empty and not b.empty else ""
        ra, rb = a.iloc[0], b.iloc[0]
        return f"total {ra['total']:g} -> {rb['total']:g}, home spread {ra['spread_home']:+g} -> {rb['spread_home']:+g}"
    if group == "time_to_tip":
        return f"{(current.as_of - base.as_of).total_seconds() / 60:.0f} minutes closer to tip"
    return "schedule or rosters changed"


def base_partition(partition: SlatePartition) -> SlatePartition:
    """The previous report slot on the grid: 15 minutes earlier from 2025-12-22 (quarter-hour reports),
    60 before; never before the date's first slot."""
    step = 15 if partition.game_date >= QUARTER_HOUR_NAMING_FROM else 60
    base = slot_for(partition.run_as_of_ts - timedelta(minutes=step))
    if base.game_date != partition.game_date:
        return SlatePartition(partition.game_date, slot_times()[0])
    return base


# Parts smaller than this are not worth a line of text.
SHOWN_PART = 0.05


def lines(table: pd.DataFrame) -> list[str]:
    """`gold/what_changed` rows in words: per player his change, then each part that matters, largest first."""
    out = []
    players = table.drop_duplicates("player_id").sort_values("total", key=lambda s: -s.abs())
    for p in players.itertuples():
        out.append(f"{p.player_name} ({p.team}): {p.base_mean:.1f} -> {p.current_mean:.1f} ({p.total:+.1f})")
        parts = table[(table["player_id"] == p.player_id) & (table["part"].abs() >= SHOWN_PART)]
        for r in parts.sort_values("part", key=lambda s: -s.abs()).itertuples():
            why = f": {r.detail}" if r.detail else ""
            out.append(f"    {r.part:+.1f}: {GROUP_WORDS[r.group]}{why}")
    return out


def summary_markdown(table: pd.DataFrame) -> str:
    """The table as markdown for the UI: one line per player, his two largest parts."""
    if table.empty:
        return "Nobody's DK mean moved by 0.5 or more since the previous report slot."
    rows = ["| player | team | before | now | change | largest parts |", "|---|---|---|---|---|---|"]
    players = table.drop_duplicates("player_id").sort_values("total", key=lambda s: -s.abs())
    for p in players.itertuples():
        mine = table[table["player_id"] == p.player_id].sort_values("part", key=lambda s: -s.abs()).head(2)
        why = "; ".join(
            f"{r.part:+.1f} {GROUP_WORDS[r.group]}" + (f" ({r.detail})" if r.detail else "")
            for r in mine.itertuples()
        )
        rows.append(
            f"| {p.player_name} | {p.team} | {p.base_mean:.1f} | {p.current_mean:.1f} | {p.total:+.1f} | {why} |"
        )
    return "\n".join(rows)
