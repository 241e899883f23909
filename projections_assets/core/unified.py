"""The unified projections of a slot: one row per DraftKings draft group and draftable player.

Joins what the slot's chain produced (minutes projections, the sim's summary, ownership) onto the
DraftKings slate, with the as-of time and age of every input and the run of every model used. Also
the ownership candidates (what the ownership model scores) and the value prior a lake without an
ownership model falls back to. Pure pandas, no Dagster.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from projections_assets.core import ownership_model
from projections_assets.core.sim.summary import QUANTILES
from projections_assets.nba.calendar import UTC_TS

# Silver keeps DraftKings' classic draft groups only (8 roster slots: ownership sums to 800% per group);
# docs/unified.md says how other game types would sum.
OUT = "Out"
# DraftKings statuses that mean the player will not play.
DK_OUT_STATUSES = ("OUT",)
DK_QUANTILES = tuple(f"dk_{q}" for q in QUANTILES)
# The input groups whose as-of time and age each row carries, and the silver table each comes from.
INPUT_GROUPS = ("injury_report", "lineups", "odds", "salaries")
# The runs that scored a row: per game (`gold/slot_models`), and the draft group's ownership model.
GAME_MODEL_COLUMNS = ("minutes_model_run_id", "rates_model_run_id", "sim_calibration_key")
MODEL_COLUMNS = (*GAME_MODEL_COLUMNS, "ownership_model")
# The cold-start ownership (no model promoted): each player's share grows with the cube of his value.
VALUE_PRIOR_POWER = 3.0
VALUE_PRIOR = "value_prior"


def _draftables(dk_slate: pd.DataFrame) -> pd.DataFrame:
    cols = [
        "draft_group_id",
        "slate",
        "lock_ts",
        "draftable_id",
        "dk_player_id",
        "player_id",
        "display_name",
        "position",
        "roster_slots",
        "salary",
        "status",
        "is_out",
        "team_abbrev",
        "opp_abbrev",
        "competition_id",
        "tip_ts",
        "fppg",
    ]
    return dk_slate[cols].rename(columns={"status": "dk_status"}).reset_index(drop=True)


def _projected(minutes_projections: pd.DataFrame, sim_summary: pd.DataFrame) -> pd.DataFrame:
    """Per player: minutes band, play probability, status and the sim's DK points (Out: none)."""
    mins = minutes_projections[
        ["game_id", "team_id", "player_id", "status", "role", "p10", "p50", "p90", "play_prob", "exp_minutes"]
    ].rename(columns={"p10": "minutes_p10", "p50": "minutes_p50", "p90": "minutes_p90"})
    sim = sim_summary[
        ["player_id", "minutes_mean", "dk_mean", "dk_sd", *DK_QUANTILES, "dk_p_zero", "p_value"]
    ]
    return mins.merge(sim, on="player_id", how="left", validate="one_to_one")


def ownership_candidates(
    dk_slate: pd.DataFrame,
    minutes_projections: pd.DataFrame,
    minutes_features: pd.DataFrame,
    sim_summary: pd.DataFrame,
) -> pd.DataFrame:
    """One row per draft group and draftable with what the ownership model reads at lock.

    A draftable without a player id (unmatched) or ruled Out projects 0 DK points; `ruled_out` marks
    who must own 0%.
    """
    slate = _draftables(dk_slate)
    proj = _projected(minutes_projections, sim_summary)
    rows = slate.merge(
        proj.drop(columns=["game_id", "team_id"]).astype({"player_id": "Int64"}), on="player_id", how="left"
    )
    ids = proj[["player_id", "game_id", "team_id"]].astype({"player_id": "Int64"})
    rows = rows.merge(ids, on="player_id", how="left")
    context = minutes_features[["game_id", "team_id", "team_spread", "game_total"]].drop_duplicates(
        ["game_id", "team_id"]
    )
    rows = rows.merge(context, on=["game_id", "team_id"], how="left")
    out_count = (
        minutes_projections.assign(out=minutes_projections["status"] == OUT)
        .groupby(["game_id", "team_id"])["out"]
        .sum()
        .rename("teammates_out")
        .reset_index()
    )
    rows = rows.merge(out_count, on=["game_id", "team_id"], how="left")
    rows["ruled_out"] = (rows["status"] == OUT) | rows["is_out"] | rows["player_id"].isna()
    # The model keys rows by player; an unmatched draftable keeps a distinct negative key.
    rows["player_id"] = rows["player_id"].fillna(-rows["dk_player_id"]).astype("int64")
    rows["game_id"] = rows["game_id"].fillna("").astype(str)
    rows["team_id"] = rows["team_id"].fillna(-1).astype("int64")
    rows["dk_position"] = rows["position"]
    for col in ("dk_mean", "dk_p90", "minutes_mean", "play_prob", "minutes_p50"):
        rows[col] = rows[col].where(~rows["ruled_out"], 0.0).fillna(0.0).astype("float64")
    rows["p50"] = rows["minutes_p50"]
    for col in ("team_spread", "game_total", "teammates_out", "fppg"):
        rows[col] = rows[col].astype("float64").fillna(0.0)
    keep = [
        *ownership_model.KEY,
        "dk_player_id",
        "game_id",
        "team_id",
        *ownership_model.INPUT_COLUMNS,
        "ruled_out",
    ]
    return rows[keep].sort_values(ownership_model.KEY).reset_index(drop=True)


def value_prior(candidates: pd.DataFrame) -> pd.Series:
    """Ownership in percent without a model: value (DK mean per $1,000) cubed, 800% per group."""
    value = candidates["dk_mean"].clip(lower=0) / (candidates["salary"].astype("float64") / 1000.0)
    raw = value.pow(VALUE_PRIOR_POWER).where(~candidates["ruled_out"], 0.0)
    return ownership_model.normalize(raw, candidates["draft_group_id"])


def with_ruled_out_at_zero(candidates: pd.DataFrame, raw: pd.Series) -> pd.Series:
    """`raw` scores renormalized to 800% per group after setting ruled-out players to 0."""
    return ownership_model.normalize(raw.where(~candidates["ruled_out"], 0.0), candidates["draft_group_id"])


def input_ages(
    as_of: pd.Timestamp,
    injuries: pd.DataFrame,
    lineups: pd.DataFrame,
    odds: pd.DataFrame,
) -> pd.DataFrame:
    """Per game: the newest instant of the injury report, lineups and odds the slot saw, and its age.

    A game's inputs are cut at min(slot, tip), so the age of a tipped game's inputs is measured at its
    tip. An input group with no row for a game has no time (NaT) and no age.
    """
    frames = {
        "injury_report": injuries[["game_id", "report_ts"]].rename(columns={"report_ts": "ts"}),
        "lineups": lineups[["game_id", "available_at"]].rename(columns={"available_at": "ts"}),
        "odds": odds[["game_id", "available_at"]].rename(columns={"available_at": "ts"}),
    }
    tips = pd.concat(
        [f[["game_id", "tip_ts"]] for f in (injuries, lineups, odds) if "tip_ts" in f.columns]
    ).drop_duplicates("game_id")
    out = tips.set_index("game_id")
    for name, frame in frames.items():
        newest = frame.groupby("game_id")["ts"].max() if len(frame) else pd.Series(dtype=object)
        out[f"{name}_ts"] = newest.reindex(out.index)
    out = out.reset_index()
    cut = out["tip_ts"].where(out["tip_ts"] < as_of, as_of)
    for name in frames:
        out[f"{name}_ts"] = pd.to_datetime(out[f"{name}_ts"], utc=True).astype(UTC_TS)
        out[f"{name}_age_minutes"] = (cut - out[f"{name}_ts"]).dt.total_seconds() / 60.0
    return out.drop(columns=["tip_ts"])


def unified_projections(
    dk_slate: pd.DataFrame,
    minutes_projections: pd.DataFrame,
    sim_summary: pd.DataFrame,
    ownership: pd.DataFrame,
    injuries: pd.DataFrame,
    home_teams: pd.DataFrame,
    ages: pd.DataFrame,
    models: pd.DataFrame,
    as_of: pd.Timestamp,
    game_date: str,
) -> pd.DataFrame:
    """One row per draft group and draftable (every draftable of `dk_slate`, exactly once).

    A player ruled Out (by the injury report, the lineups' Inactive flag through the minutes
    projections, or DraftKings' own status) gets 0 for minutes, DK points and ownership; a draftable
    without a player id (not matched to a league player) is treated as not projected: status
    `Unmatched`, zeros. `ownership` holds (draft_group_id, dk_player_id, ownership); `home_teams`
    (team_id, is_home) of the slot's teams names each game's home team (`home_team`, DraftKings'
    abbreviation, for the `Game Info` of exports). `models` holds per game (`game_id`) whether it is
    `locked` and the minutes, rates and sim runs that scored it; `ownership` its `ownership_model`.
    """
    slate = _draftables(dk_slate)
    proj = _projected(minutes_projections, sim_summary).astype({"player_id": "Int64"})
    rows = slate.merge(proj, on="player_id", how="left", validate="many_to_one")
    reasons = injuries.dropna(subset=["player_id"])[["player_id", "reason"]].astype({"player_id": "Int64"})
    rows = rows.merge(reasons.drop_duplicates("player_id"), on="player_id", how="left")
    status = np.where(
        rows["player_id"].isna(),
        "Unmatched",
        np.where(rows["is_out"] & (rows["status"] != OUT), OUT, rows["status"].fillna("Available")),
    )
    rows["status"] = pd.Series(status, index=rows.index, dtype=str)
    rows.loc[rows["is_out"] & rows["reason"].isna(), "reason"] = "DraftKings: OUT"
    rows["reason"] = rows["reason"].fillna("").astype(str)
    zero = rows["status"].isin([OUT, "Unmatched"])
    numeric = [
        "minutes_p10",
        "minutes_p50",
        "minutes_p90",
        "play_prob",
        "exp_minutes",
        "minutes_mean",
        "dk_mean",
        "dk_sd",
        *DK_QUANTILES,
        "p_value",
    ]
    for col in numeric:
        rows[col] = rows[col].astype("float64").where(~zero, 0.0)
    rows["dk_p_zero"] = rows["dk_p_zero"].astype("float64").where(~zero, 1.0)
    # A draftable whose game the sim did not reach (not on the slot's schedule) stays NaN: a check fails.
    rows = rows.merge(
        ownership[["draft_group_id", "dk_player_id", "ownership", "ownership_model"]],
        on=["draft_group_id", "dk_player_id"],
        how="left",
    )
    # A locked group's ownership is the field's at lock (frozen): a player ruled out since keeps his.
    rows.loc[zero & (pd.to_datetime(rows["lock_ts"], utc=True) > as_of), "ownership"] = 0.0
    rows["value"] = rows["dk_mean"] / (rows["salary"].astype("float64") / 1000.0)
    rows = rows.merge(ages, on="game_id", how="left")
    home = home_teams.drop_duplicates("team_id").astype({"team_id": "Int64"})
    flags = rows[["competition_id", "team_abbrev", "team_id"]].merge(home, on="team_id", how="left")
    home_abbrev = flags[flags["is_home"].fillna(0).astype(bool)].drop_duplicates("competition_id")
    rows["home_team"] = (
        rows["competition_id"]
        .map(home_abbrev.set_index("competition_id")["team_abbrev"])
        .fillna("")
        .astype(str)
    )
    newest_salaries = dk_slate.groupby("draft_group_id", as_index=False)["available_at"].max()
    rows = rows.merge(
        newest_salaries.rename(columns={"available_at": "salaries_ts"}), on="draft_group_id", how="left"
    )
    rows["salaries_ts"] = pd.to_datetime(rows["salaries_ts"], utc=True).astype(UTC_TS)
    rows["salaries_age_minutes"] = (as_of - rows["salaries_ts"]).dt.total_seconds() / 60.0
    per_game = models[["game_id", "locked", *GAME_MODEL_COLUMNS]].astype({"game_id": str})
    rows = rows.merge(per_game, on="game_id", how="left")
    rows["locked"] = rows["locked"].astype("boolean").fillna(False).astype(bool)
    for name in MODEL_COLUMNS:
        rows[name] = rows[name].fillna("").astype(str)
    rows["game_date"] = game_date
    rows["as_of_ts"] = pd.Series(as_of, index=rows.index).astype(UTC_TS)
    for column in (f"{g}_ts" for g in INPUT_GROUPS):
        rows[column] = rows[column].astype(UTC_TS)
    rows = rows.rename(
        columns={
            "display_name": "name",
            "team_abbrev": "team",
            "opp_abbrev": "opponent",
            "position": "dk_position",
            "minutes_mean": "minutes_mean_sim",
        }
    )
    rows["game_id"] = rows["game_id"].fillna("").astype(str)
    rows["team_id"] = rows["team_id"].astype("Int64")
    rows["role"] = rows["role"].fillna("").astype(str)
    return rows.sort_values(["draft_group_id", "salary", "dk_player_id"], ascending=[True, False, True])[
        list(UNIFIED_COLUMNS)
    ].reset_index(drop=True)


# The table's projected figures (float), in its column order.
PROJECTION_COLUMNS = (
    "minutes_p10",
    "minutes_p50",
    "minutes_p90",
    "play_prob",
    "exp_minutes",
    "dk_mean",
    "dk_sd",
    *DK_QUANTILES,
    "dk_p_zero",
    "p_value",
    "ownership",
    "value",
)
UNIFIED_COLUMNS = (
    "game_date",
    "as_of_ts",
    "draft_group_id",
    "slate",
    "lock_ts",
    "draftable_id",
    "dk_player_id",
    "player_id",
    "name",
    "team",
    "team_id",
    "opponent",
    "home_team",
    "game_id",
    "competition_id",
    "tip_ts",
    "dk_position",
    "roster_slots",
    "salary",
    "fppg",
    "status",
    "reason",
    "dk_status",
    "role",
    "locked",
    *PROJECTION_COLUMNS,
    *(f"{g}_ts" for g in INPUT_GROUPS),
    *(f"{g}_age_minutes" for g in INPUT_GROUPS),
    *MODEL_COLUMNS,
)


# --------------------------------------------------------------------------- the table's rules


def duplicate_draftables(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose (draft group, draftable player) appears more than once."""
    return df[df.duplicated(["draft_group_id", "dk_player_id"], keep=False)]


def disordered_quantiles(df: pd.DataFrame) -> pd.DataFrame:
    """Rows whose minutes band or DK points quantiles are not in order."""
    dk = df[list(DK_QUANTILES)].to_numpy(float)
    bad_dk = (dk[:, 1:] < dk[:, :-1] - 1e-9).any(axis=1)
    bad_min = (df["minutes_p10"] > df["minutes_p50"] + 1e-9) | (df["minutes_p50"] > df["minutes_p90"] + 1e-9)
    return df[bad_dk | bad_min.to_numpy()]


def ownership_total_off(df: pd.DataFrame, tolerance: float = 1e-6) -> pd.DataFrame:
    """Groups (8 or more players able to play) whose ownership does not sum to 800%."""
    classic = df
    totals = classic.groupby("draft_group_id")["ownership"].sum()
    able = (
        classic[classic["ownership"] > 0].groupby("draft_group_id").size().reindex(totals.index, fill_value=0)
    )
    target = ownership_model.SLOTS_PER_LINEUP * 100.0
    bad = totals[(able >= ownership_model.SLOTS_PER_LINEUP) & ((totals - target).abs() > tolerance)]
    return classic[classic["draft_group_id"].isin(bad.index)]


def missing_for_available(df: pd.DataFrame) -> pd.DataFrame:
    """Players able to play with any projection value missing."""
    needed = ["minutes_p10", "minutes_p50", "minutes_p90", "play_prob", "dk_mean", "dk_sd", *DK_QUANTILES]
    needed += ["ownership", "value"]
    able = ~df["status"].isin([OUT, "Unmatched"])
    return df[able & df[needed].isna().any(axis=1)]


def out_not_zero(df: pd.DataFrame) -> pd.DataFrame:
    """Players ruled Out with any minutes or DK points above 0, or ownership above 0 in a group not yet
    locked (after lock a player ruled out keeps the ownership the field drafted him at)."""
    out = df["status"] == OUT
    cols = ["minutes_p90", "play_prob", "dk_mean", "dk_p99"]
    owned = (df["ownership"].fillna(0) > 0) & (df["lock_ts"] > df["as_of_ts"])
    return df[out & ((df[cols].fillna(0) > 0).any(axis=1) | owned)]


# --------------------------------------------------------------------------- ownership training rows


def lock_slots(dk_slate: pd.DataFrame) -> pd.DataFrame:
    """Per draft group of `dk_slate` (rows of many slots, `as_of_ts`): its lock and the last slot before it."""
    before = dk_slate[dk_slate["as_of_ts"] < dk_slate["lock_ts"]]
    return (
        before.groupby("draft_group_id")
        .agg(lock_ts=("lock_ts", "first"), as_of_ts=("as_of_ts", "max"))
        .reset_index()
    )


def with_actual_ownership(candidates: pd.DataFrame, labels: pd.DataFrame) -> pd.DataFrame:
    """`candidates` with `ownership` in percent from the standings (`labels/ownership_labels`, fractions)
    and `listed` (the standings list him); a player the standings do not list owned 0%."""
    own = labels[["draft_group_id", "player_id", "ownership"]].astype({"player_id": "int64"})
    rows = candidates.merge(own, on=["draft_group_id", "player_id"], how="left", validate="one_to_one")
    rows["listed"] = rows["ownership"].notna() & (rows["ownership"] > 0)
    rows["ownership"] = rows["ownership"].fillna(0.0) * 100.0
    return rows


def ownership_figures(rows: pd.DataFrame, predicted: str = "predicted") -> dict[str, float]:
    """Mean within-group Spearman with the actual ownership over the listed players, MAE in percentage
    points, and the same Spearman of three rankings: salary, projected mean, value."""
    listed = rows[rows["listed"]]
    spearman = ownership_model.group_spearman
    return {
        "spearman": spearman(listed, predicted),
        "mae": float(np.mean(np.abs(listed[predicted] - listed["ownership"])))
        if len(listed)
        else float("nan"),
        "salary_spearman": spearman(listed, "salary"),
        "projection_spearman": spearman(listed, "dk_mean"),
        "value_spearman": spearman(listed, "value"),
        "groups": float(listed["draft_group_id"].nunique()),
    }
