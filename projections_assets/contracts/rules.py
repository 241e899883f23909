"""Table rules the NBA tables share (beyond their schemas)."""

from __future__ import annotations

import pandas as pd

from projections_assets.platform.contracts import ContractRule

# An NBA team carries 13+ players under contract: fewer rows for a team-game is a broken input
# (a training base missing whole teams trains a model that looks fine and is not).
MIN_ROWS_PER_TEAM_GAME = 13
CHECK_ROSTER_ROWS = "rows_per_team_game"


def _thin_team_games(df: pd.DataFrame) -> pd.DataFrame:
    """Team-games with fewer than MIN_ROWS_PER_TEAM_GAME rows, and games with a team missing."""
    keys = [c for c in ("game_id", "team_id", "as_of_ts") if c in df.columns]
    counts = df.groupby(keys).size().rename("rows").reset_index()
    game_keys = [k for k in keys if k != "team_id"]
    teams = counts.groupby(game_keys)["team_id"].nunique().rename("teams").reset_index()
    one_sided = teams.loc[teams["teams"] != 2, game_keys].assign(team_id=pd.NA, rows=0)
    return pd.concat([counts[counts["rows"] < MIN_ROWS_PER_TEAM_GAME], one_sided], ignore_index=True)


ROWS_PER_TEAM_GAME = ContractRule(
    CHECK_ROSTER_ROWS,
    f"Both teams of every game have a row for each rostered player ({MIN_ROWS_PER_TEAM_GAME}+).",
    _thin_team_games,
)
