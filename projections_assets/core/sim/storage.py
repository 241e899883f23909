"""gold/sim_worlds as a table: one row per (player, world), compact integer columns, exact round trip.

Columns (bytes per player-world in memory: 4 world + 2 DK + 2 seconds + 7
stats (pts uint16) = 16, plus the ids; on disk every column is dictionary-encoded, the
world counter delta-encoded, then zstd: docs/sim.md gives the measured bytes
per world):

* game_id (str), team_id, player_id (int64): who;
* world (uint32): 0..N-1;
* dk_q (int16): DraftKings points x 4, exact (every weight is a quarter point);
* seconds (uint16): seconds played, 0 = did not play; each team's seconds
  sum to 14,400 (+1,500 per overtime) in every world;
* one uint8 column per stat DraftKings scores (`WORLD_STATS`: pts, fg3m,
  reb, ast, stl, blk, tov), from which `core.scoring.dk_points` gives dk_q
  back exactly. Attempts and the other splits stay in memory for the summary
  (`SimWorlds.stats`); storing them too would double the partition.

Rows are ordered by the sim's player order (game, home first, player_id),
then world. Out players have no rows.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from projections_assets.core.sim.engine import SimWorlds

WORLD_STATS = ("pts", "fg3m", "reb", "ast", "stl", "blk", "tov")
WORLD_COLUMNS: dict[str, str] = {
    "game_id": "str",
    "team_id": "int64",
    "player_id": "int64",
    "world": "uint32",
    "dk_q": "int16",
    "seconds": "uint16",
    "pts": "uint16",
    **dict.fromkeys(WORLD_STATS[1:], "uint8"),
}
# Parquet settings of `write_worlds` and of the lake's gold/sim_worlds (its contract hands them to the
# IO manager): fixed, so a rerun writes the same bytes.
WRITE_OPTIONS: dict[str, object] = {
    "compression": "zstd",
    "compression_level": 3,
    "row_group_size": 1 << 20,
    "use_dictionary": [c for c in WORLD_COLUMNS if c != "world"],
    "column_encoding": {"world": "DELTA_BINARY_PACKED"},
}


def worlds_frame(sim: SimWorlds) -> pd.DataFrame:
    """The long table of `sim` (columns `WORLD_COLUMNS`)."""
    n_p, n_w = sim.dk_q.shape
    players = sim.players
    out = {
        "game_id": pd.Series(np.repeat(players["game_id"].to_numpy(dtype=object), n_w), dtype="str"),
        "team_id": np.repeat(players["team_id"].to_numpy(np.int64), n_w),
        "player_id": np.repeat(players["player_id"].to_numpy(np.int64), n_w),
        "world": np.tile(np.arange(n_w, dtype=np.uint32), n_p),
        "dk_q": sim.dk_q.reshape(-1),
        "seconds": sim.seconds.reshape(-1),
    }
    for name in WORLD_STATS:
        out[name] = sim.stat(name).astype(WORLD_COLUMNS[name]).reshape(-1)
    return pd.DataFrame(out)


def worlds_table(sim: SimWorlds) -> pa.Table:
    """The same table as `worlds_frame`, built straight as Arrow (game_id dictionary-coded): no per-row
    Python strings, so 100k worlds of a 15-game slate fit in memory twice over."""
    n_p, n_w = sim.dk_q.shape
    players = sim.players
    games = pd.unique(players["game_id"].astype(str))
    codes = pd.Categorical(players["game_id"].astype(str), categories=games).codes.astype(np.int32)
    arrays = {
        "game_id": pa.DictionaryArray.from_arrays(pa.array(np.repeat(codes, n_w)), pa.array(list(games))),
        "team_id": pa.array(np.repeat(players["team_id"].to_numpy(np.int64), n_w)),
        "player_id": pa.array(np.repeat(players["player_id"].to_numpy(np.int64), n_w)),
        "world": pa.array(np.tile(np.arange(n_w, dtype=np.uint32), n_p)),
        "dk_q": pa.array(sim.dk_q.reshape(-1)),
        "seconds": pa.array(sim.seconds.reshape(-1)),
    }
    for name in WORLD_STATS:
        arrays[name] = pa.array(sim.stat(name).astype(WORLD_COLUMNS[name]).reshape(-1))
    return pa.table(arrays)


def _arrow(frame: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(frame, pa.Table):
        return frame.select(list(WORLD_COLUMNS))
    missing = [c for c in WORLD_COLUMNS if c not in frame.columns]
    if missing:
        raise KeyError(f"sim worlds frame lacks columns {missing}")
    arrays = {
        c: pa.array(
            frame[c].to_numpy(dtype=object if t == "str" else t), type=pa.string() if t == "str" else None
        )
        for c, t in WORLD_COLUMNS.items()
    }
    # Coded as `worlds_table` codes it (dictionary in order of appearance): both write the same bytes.
    arrays["game_id"] = arrays["game_id"].dictionary_encode()
    return pa.table(arrays)


def write_worlds(frame: pd.DataFrame | pa.Table, path: Path) -> int:
    """Write the worlds table (`worlds_frame` or `worlds_table`) as parquet; returns the bytes written.

    Every column dictionary-encoded but the world counter (delta-encoded),
    zstd. The same worlds always give the same bytes, from either builder (no
    timestamps in the file).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(_arrow(frame), path, **WRITE_OPTIONS)
    return path.stat().st_size


def read_worlds(path: Path) -> pd.DataFrame:
    """The frame `write_worlds` wrote, with the dtypes of `WORLD_COLUMNS`."""
    table = pq.read_table(path)
    frame = table.to_pandas()
    return frame[list(WORLD_COLUMNS)].astype({c: t for c, t in WORLD_COLUMNS.items()})
