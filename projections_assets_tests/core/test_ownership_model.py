"""`core.ownership_model`: lock-time features, 800% per classic group, the within-group Spearman."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from projections_assets.core import ownership_model as om


def _group(group_id: int, salaries: list[int], means: list[float], positions: list[str]) -> pd.DataFrame:
    n = len(salaries)
    return pd.DataFrame(
        {
            "draft_group_id": group_id,
            "player_id": np.arange(n) + 100 * group_id,
            "game_id": [f"g{i % 2}" for i in range(n)],
            "team_id": [i % 4 for i in range(n)],
            "salary": salaries,
            "dk_position": positions,
            "dk_mean": means,
            "dk_p90": [m * 1.8 for m in means],
            "game_total": 228.5,
            "team_spread": -3.5,
            "teammates_out": 0,
            "fppg": means,
            "minutes_mean": 30.0,
            "play_prob": 0.95,
            "p50": 31.0,
        }
    )


def test_features_rank_value_and_count_cheaper_players_who_project_more() -> None:
    rows = om.ownership_features(
        _group(1, [9000, 6000, 4000, 3000], [45.0, 36.0, 24.0, np.nan], ["PG", "SG/SF", "PF/C", "C"])
    ).set_index("player_id")
    assert rows["value"].tolist() == pytest.approx([5.0, 6.0, 6.0, 0.0])  # no projection counts 0
    assert rows.loc[101, ["is_sg", "is_sf", "is_pg"]].tolist() == [1, 1, 0]
    assert rows.loc[102, ["is_pf", "is_c"]].tolist() == [1, 1]
    assert rows["salary_rank_group"].tolist() == pytest.approx([1.0, 0.75, 0.5, 0.25])
    # Nobody cheaper projects more than the $6,000 or $4,000 players; the $9,000 one is outprojected by none.
    assert rows["cheaper_better"].tolist() == [0, 0, 0, 0]
    rows = om.ownership_features(_group(2, [5000, 4000, 3000], [20.0, 25.0, 30.0], ["PG", "PG", "PG"]))
    assert rows["cheaper_better"].tolist() == [2, 1, 0]
    # Values 4, 6.25, 10 per $1,000: beside the best PG, and beside his own $1,000 band (each alone in his).
    assert rows["value_vs_best_position"].tolist() == pytest.approx([0.4, 0.625, 1.0])
    assert rows["value_vs_best_band"].tolist() == pytest.approx([1.0, 1.0, 1.0])
    assert rows["value_z_group"].tolist() == pytest.approx([-0.9073, -0.1650, 1.0722], abs=1e-4)
    assert rows["group_players"].tolist() == [3.0, 3.0, 3.0] and rows["group_games"].tolist() == [2.0] * 3


def test_missing_inputs_are_named() -> None:
    with pytest.raises(ValueError, match="salary"):
        om.ownership_features(_group(1, [5000], [20.0], ["PG"]).drop(columns="salary"))


def test_each_group_sums_to_eight_hundred_percent_and_no_player_passes_one_hundred() -> None:
    raw = pd.Series(
        [300.0, 50.0, 40.0, 30.0, 20.0, 10.0, 5.0, 5.0, 5.0, 1.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]
    )
    group = pd.Series([1] * 10 + [2] * 8)
    out = om.normalize(raw, group)
    assert out.groupby(group).sum().tolist() == pytest.approx([800.0, 800.0])
    assert out.max() == pytest.approx(100.0) and (out >= 0).all()
    assert out[group == 2].tolist() == pytest.approx([100.0] * 8)
    # Each capped player's excess goes to the others in proportion to their scores, until none passes 100.
    assert out[group == 1].tolist() == pytest.approx([100.0] * 6 + [62.5] * 3 + [12.5])


def test_group_spearman_is_the_mean_of_the_groups_rank_correlations() -> None:
    rows = pd.DataFrame(
        {
            "draft_group_id": [1, 1, 1, 2, 2, 2],
            "pred": [3.0, 2.0, 1.0, 1.0, 2.0, 3.0],
            "ownership": [30.0, 20.0, 10.0, 30.0, 20.0, 10.0],
        }
    )
    assert om.group_spearman(rows, "pred") == pytest.approx(0.0)
    assert om.group_spearman(rows.assign(pred=rows["ownership"]), "pred") == pytest.approx(1.0)


def test_a_model_learns_who_the_field_picks_and_predicts_eight_hundred_percent_per_group() -> None:
    rng = np.random.default_rng(5)
    frames = []
    for g in range(60):
        n = 40
        salary = rng.integers(30, 110, n) * 100
        mean = salary / 1000 * 4.5 + rng.normal(0, 5, n)
        frames.append(_group(g, salary.tolist(), mean.clip(0).tolist(), ["PG", "SG", "SF", "PF", "C"] * 8))
    rows = om.ownership_features(pd.concat(frames, ignore_index=True))
    taste = np.exp(2.0 * rows["value"] - 10.0)
    rows["ownership"] = om.normalize(taste, rows["draft_group_id"])
    train, test = rows[rows["draft_group_id"] < 45], rows[rows["draft_group_id"] >= 45].copy()
    model = om.train(train, rounds=150)
    assert model.ranker is not None and model.info["groups"] == 45
    test["predicted"] = om.predict(model, test)
    assert test.groupby("draft_group_id")["predicted"].sum().tolist() == pytest.approx([800.0] * 15)
    assert om.group_spearman(test, "predicted") > 0.9
