"""The league's realism figures, measured the way docs/league_realism.md measures the real NBA.

`python -m projections_assets.league.realism --seed 11 --seasons 1` prints them
(the README's table comes from this).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from .generate import League, generate_league


def absent_minutes_taken_up(box: pd.DataFrame, trailing_games: int = 10) -> float:
    """Share of a newly absent player's minutes that his available teammates take up.

    Measured as the real figure is (docs/league_realism.md, ~0.8): over team-games
    where at least one player who played the team's previous game is now
    absent and nobody returns from absence, the teammates available in both
    games gain, against their own trailing mean (DNPs count as 0), this share
    of the absent players' trailing means. It is below 1 although team
    minutes are fixed, because trailing means of teammates already include
    earlier absences and rotation noise.
    """
    b = box.sort_values(["person_id", "game_date", "game_id"]).copy()
    b["m"] = b["minutes"].where(b["available"])
    grp = b.groupby(["person_id", "team_id"])
    b["trail"] = grp["m"].transform(lambda x: x.shift(1).rolling(trailing_games, min_periods=3).mean())
    prev_available = grp["available"].shift(1)
    was_available = prev_available.eq(True)
    newly_absent = ~b["available"] & was_available & grp["minutes"].shift(1).gt(0) & b["trail"].notna()
    stayed = b["available"] & was_available & b["trail"].notna()
    b["vacated"] = b["trail"].where(newly_absent, 0.0)
    b["returned"] = b["available"] & prev_available.eq(False)
    b["gain"] = (b["minutes"] - b["trail"]).where(stayed, 0.0)
    team = b.groupby(["game_id", "team_id"])[["vacated", "returned", "gain"]].sum()
    events = team[(team["vacated"] > 0) & (team["returned"] == 0)]
    return float(events["gain"].sum() / events["vacated"].sum())


def realism_figures(league: League, oracle_games: int = 0) -> dict[str, float]:
    """Minutes, rates, DraftKings and predictability figures of a generated league."""
    box, games = league["box_scores"], league["games"]
    # History within a season, as the real figures were measured.
    pl = box[box["played"]].sort_values(["person_id", "game_date", "game_id"]).copy()
    per36 = pl[["pts", "reb", "ast", "stl", "blk", "tov"]].sum() / pl["minutes"].sum() * 36
    grp = pl.groupby(["person_id", "season"])["minutes"]
    pl["last5"] = grp.transform(lambda x: x.shift(1).rolling(5).mean())
    pl["season_mean"] = grp.transform(lambda x: x.shift(1).expanding(5).mean())
    pl["last1"] = grp.shift(1)
    rows = pl[pl["last5"].notna()]
    sd = grp.agg(["std", "count"])
    team = box.groupby(["game_id", "team_id"])
    out = {
        "minutes_p10": pl["minutes"].quantile(0.1),
        "minutes_p50": pl["minutes"].quantile(0.5),
        "minutes_p90": pl["minutes"].quantile(0.9),
        "players_used_per_team_game": team["played"].sum().mean(),
        "listed_zero_minutes_share": (box["seconds"] == 0).mean(),
        "listed_out_share": (~box["available"]).mean(),
        "per36_pts": per36["pts"],
        "per36_reb": per36["reb"],
        "per36_ast": per36["ast"],
        "per36_stl": per36["stl"],
        "per36_blk": per36["blk"],
        "per36_tov": per36["tov"],
        "dk_pts_mean_played": pl["dk_pts"].mean(),
        "dk_pts_p90_played": pl["dk_pts"].quantile(0.9),
        "ot_share": (games["n_ot"] > 0).mean(),
        "multi_ot_share": (games["n_ot"] > 1).mean(),
        "own_minutes_sd_median": sd.loc[sd["count"] >= 20, "std"].median(),
        "mae_last5": (rows["minutes"] - rows["last5"]).abs().mean(),
        "mae_season_mean": (rows["minutes"] - rows["season_mean"]).abs().mean(),
        "mae_last_game": (rows["minutes"] - rows["last1"]).abs().mean(),
        "starter_minutes_p50": box.loc[box["starter"], "minutes"].median(),
        "absent_minutes_taken_up": absent_minutes_taken_up(box),
    }
    if oracle_games:
        from .oracle import oracle_table

        picked = games["game_id"].iloc[len(games) // 3 : len(games) // 3 + oracle_games]
        tab = oracle_table(league, game_ids=picked)
        final = tab[tab["as_of_ts"] == tab.groupby("game_id")["as_of_ts"].transform("max")]
        both = final.merge(rows[["game_id", "person_id", "last5"]])
        oracle_mae = (both["exp_minutes_if_play"] - both["actual_minutes"]).abs().mean()
        out["oracle_mae_over_last5_mae"] = oracle_mae / (both["last5"] - both["actual_minutes"]).abs().mean()
    return {k: float(v) for k, v in out.items()}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seed", type=int, action="append", required=True)
    ap.add_argument("--seasons", type=int, default=1)
    ap.add_argument("--oracle-games", type=int, default=150)
    args = ap.parse_args(argv)
    figures = {}
    for seed in args.seed:
        league = generate_league(seed, seasons=args.seasons, with_contests=False)
        figures[seed] = realism_figures(league, args.oracle_games)
    print(pd.DataFrame(figures).round(3).to_markdown() if _has_tabulate() else pd.DataFrame(figures).round(3))
    return 0


def _has_tabulate() -> bool:
    try:
        import tabulate  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    raise SystemExit(main())
