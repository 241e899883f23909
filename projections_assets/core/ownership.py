"""Actual ownership labels: contest standings' %Drafted -> per draft group and player id."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from projections_assets.core import snapshots
from projections_assets.core.identity import (
    PlayerDirectory,
    link_dk_players,
    match_contest_players,
    unmatched,
)
from projections_assets.core.teams import TeamDirectory
from projections_assets.nba.calendar import UTC_TS as TS

COLUMNS = {
    "draft_group_id": "int64",
    "player_id": "int64",
    "dk_player_id": "int64",
    "player_name": "str",
    "roster_position": "str",
    "ownership": "float64",
    "fpts": "float64",
    "available_at": TS,
}


@dataclass(frozen=True)
class OwnershipResult:
    labels: pd.DataFrame
    unmatched: pd.DataFrame


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in COLUMNS.items()})


def ownership_labels(
    standings: pd.DataFrame, draftables: pd.DataFrame, player_index: pd.DataFrame
) -> OwnershipResult:
    """Each draft group's drafted players with their player id, ownership and fantasy points.

    `standings`: bronze contest standings rows; `draftables`: bronze
    draftables of the same groups (their names are the ones DraftKings prints);
    `player_index`: bronze player-index rows (the newest capture is used).
    Names that resolve to no player are returned in `unmatched`, never dropped
    silently.
    """
    if standings.empty:
        return OwnershipResult(_empty(), pd.DataFrame(columns=["source", "row", "name", "team", "reason"]))
    index = snapshots.latest_capture(player_index, "available_at")
    teams = TeamDirectory.from_player_index(index)
    players = PlayerDirectory.from_player_index(index)
    newest = draftables.sort_values("available_at").drop_duplicates(
        ["draft_group_id", "player_id"], keep="last"
    )
    links = link_dk_players(newest, players)
    labels, misses = [], []
    for group_id, rows in standings.sort_values("captured_at").groupby("draft_group_id"):
        rows = rows.drop_duplicates(["player_name", "roster_position"], keep="last").reset_index(drop=True)
        matched = match_contest_players(rows, links, teams, draft_group_id=int(group_id))
        misses.append(unmatched(matched, "player_name", source=f"contest_standings:{group_id}"))
        good = matched[matched["player_id"].notna()]
        group_links = links[links["draft_group_id"] == group_id][["player_id", "dk_player_id"]].dropna()
        good = good.merge(group_links.drop_duplicates("player_id"), on="player_id", how="left")
        labels.append(
            pd.DataFrame(
                {
                    "draft_group_id": int(group_id),
                    "player_id": good["player_id"].astype("int64"),
                    "dk_player_id": good["dk_player_id"].fillna(-1).astype("int64"),
                    "player_name": good["player_name"].astype(str),
                    "roster_position": good["roster_position"].astype(str),
                    "ownership": good["drafted"].astype("float64"),
                    "fpts": good["fpts"].astype("float64"),
                    "available_at": pd.to_datetime(good["available_at"], utc=True).astype(TS),
                }
            )
        )
    out = pd.concat(labels, ignore_index=True) if labels else _empty()
    return OwnershipResult(out.astype(COLUMNS), pd.concat(misses, ignore_index=True))
