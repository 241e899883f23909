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


def closing_lines(odds: pd.DataFrame, bookmaker: str = "draftkings") -> pd.DataFrame:
    """Each game's last quote before tip at one bookmaker: `game_id`, `home_spread`, `total`."""
    book = odds[odds["bookmaker"] == bookmaker].sort_values(["game_id", "available_at"], kind="stable")
    return book.groupby("game_id", sort=True)[["home_spread", "total"]].last().reset_index()


def scoring_figures(league: League) -> dict[str, float]:
    """Team scoring and market figures, measured as docs/league_realism.md measures 2024-25.

    Scores are the games' finals (overtime included); the closing line is the
    DraftKings book's last quote before tip. Season figures are averaged over
    the league's seasons (the real ones are one season).
    """
    games = league["games"].merge(closing_lines(league["odds"]), on="game_id")
    home, away = games["home_score"], games["away_score"]
    total, margin = home + away, home - away
    team_games = pd.concat(
        [
            pd.DataFrame({"season": games["season"], "team": games["home_team_id"], "pts": home}),
            pd.DataFrame({"season": games["season"], "team": games["away_team_id"], "pts": away}),
        ]
    )
    season_ppg_sd = team_games.groupby(["season", "team"])["pts"].mean().groupby("season").std()
    return {
        "team_ppg_season_sd": float(season_ppg_sd.mean()),
        "team_game_pts_mean": float(team_games["pts"].mean()),
        "team_game_pts_sd": float(team_games["pts"].std()),
        "game_total_sd": float(total.std()),
        "home_margin_sd": float(margin.std()),
        "home_win_share": float((margin > 0).mean()),
        "closing_total_mean": float(games["total"].mean()),
        "closing_total_sd": float(games["total"].std()),
        "total_minus_closing_sd": float((total - games["total"]).std()),
        "home_spread_sd": float(games["home_spread"].std()),
        "margin_plus_spread_sd": float((margin + games["home_spread"]).std()),
    }


def dk_history(box: pd.DataFrame) -> pd.DataFrame:
    """Played rows with `last5_dk`, the mean DK points of the player's last 5 played games.

    Within a season, as the minutes history is; `last5_dk` is NaN before the
    sixth played game.
    """
    pl = box[box["played"]].sort_values(["person_id", "game_date", "game_id"]).copy()
    grp = pl.groupby(["person_id", "season"])["dk_pts"]
    pl["last5_dk"] = grp.transform(lambda x: x.shift(1).rolling(5).mean())
    return pl


def dk_points_figures(box: pd.DataFrame) -> dict[str, float]:
    """DraftKings points of players who played, and the last-5 baseline's MAE (5+ earlier played games)."""
    pl = dk_history(box)
    rows = pl[pl["last5_dk"].notna()]
    dk = pl["dk_pts"]
    per_minute = dk / pl["minutes"].clip(lower=1e-9)
    return {
        # Real NBA: DK points per minute rise with minutes (starters carry the usage); the
        # league's talent slopes must reproduce the rise, not just the average.
        "dk_per_minute_34plus_over_under15": float(
            per_minute[pl["minutes"] >= 34].mean() / per_minute[pl["minutes"] < 15].mean()
        ),
        "dk_pts_mean_played": float(dk.mean()),
        "dk_pts_p10_played": float(dk.quantile(0.1)),
        "dk_pts_p50_played": float(dk.quantile(0.5)),
        "dk_pts_p90_played": float(dk.quantile(0.9)),
        "dk_mae_last5": float((rows["dk_pts"] - rows["last5_dk"]).abs().mean()),
    }


def oracle_dk_figures(league: League, oracle: pd.DataFrame) -> dict[str, float]:
    """The oracle's DK points MAE on the games of `oracle` (an `oracle_table`), beside the last-5
    baseline's on the same rows.

    Rows: played, 5+ earlier played games in the season. The oracle's view is
    its last row before tip, and its projection the expected DK points if he
    plays (`exp_dk_pts / p_play`), as the last-5 baseline is a mean of games played.
    """
    final = oracle[oracle["as_of_ts"] == oracle.groupby("game_id")["as_of_ts"].transform("max")]
    hist = dk_history(league["box_scores"])
    both = final.merge(hist.loc[hist["last5_dk"].notna(), ["game_id", "person_id", "last5_dk"]])
    proj = both["exp_dk_pts"] / both["p_play"].clip(lower=1e-9)
    oracle_mae = (proj - both["actual_dk_pts"]).abs().mean()
    last5_mae = (both["last5_dk"] - both["actual_dk_pts"]).abs().mean()
    return {
        "oracle_dk_mae": float(oracle_mae),
        "oracle_dk_mae_over_last5": float(oracle_mae / last5_mae),
        "oracle_dk_rows": float(len(both)),
    }


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
        "ot_share": (games["n_ot"] > 0).mean(),
        "multi_ot_share": (games["n_ot"] > 1).mean(),
        "own_minutes_sd_median": sd.loc[sd["count"] >= 20, "std"].median(),
        "mae_last5": (rows["minutes"] - rows["last5"]).abs().mean(),
        "mae_season_mean": (rows["minutes"] - rows["season_mean"]).abs().mean(),
        "mae_last_game": (rows["minutes"] - rows["last1"]).abs().mean(),
        "starter_minutes_p50": box.loc[box["starter"], "minutes"].median(),
        "absent_minutes_taken_up": absent_minutes_taken_up(box),
        **dk_points_figures(box),
        **scoring_figures(league),
    }
    if oracle_games:
        from .oracle import oracle_table

        picked = games["game_id"].iloc[len(games) // 3 : len(games) // 3 + oracle_games]
        tab = oracle_table(league, game_ids=picked)
        final = tab[tab["as_of_ts"] == tab.groupby("game_id")["as_of_ts"].transform("max")]
        both = final.merge(rows[["game_id", "person_id", "last5"]])
        oracle_mae = (both["exp_minutes_if_play"] - both["actual_minutes"]).abs().mean()
        out["oracle_mae_over_last5_mae"] = oracle_mae / (both["last5"] - both["actual_minutes"]).abs().mean()
        out.update(oracle_dk_figures(league, tab))
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
