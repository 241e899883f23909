"""`projections league ...`: generate the simulated league and its oracle as parquet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from projections_assets.cli.progress import progress


def _generate(args: argparse.Namespace) -> int:
    from projections_assets.league.generate import generate_league, write_league

    say = progress("league")
    league = generate_league(args.seed, seasons=args.seasons, progress=say)
    paths = write_league(league, Path(args.out))
    for p in paths:
        say(f"wrote {p} ({len(league.tables[p.stem])} rows)")
    return 0


def _oracle(args: argparse.Namespace) -> int:
    from projections_assets.league.generate import generate_league
    from projections_assets.league.oracle import oracle_table

    say = progress("league")
    league = generate_league(args.seed, seasons=args.seasons, progress=say, with_contests=False)
    table = oracle_table(league, sims=args.sims, progress=say)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "oracle.parquet"
    table.to_parquet(path, index=False)
    say(f"wrote {path} ({len(table)} rows)")
    return 0


def _render(args: argparse.Namespace) -> int:
    from projections_assets.league.generate import generate_league
    from projections_assets.league.payloads import LeaguePayloads, NotPublished, UnknownPayload

    say = progress("league")
    league = generate_league(args.seed, seasons=args.seasons, progress=say)
    try:
        payload = LeaguePayloads(league.tables).render(args.kind, args.at, args.id)
    except (NotPublished, UnknownPayload) as exc:
        print(f"league render: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(payload.body)
    say(
        f"wrote {out} ({len(payload.body)} bytes, {payload.file_name}, published {payload.published_at.isoformat()})"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `league generate`, `league oracle` and `league render` to the `projections` command."""
    league = subparsers.add_parser("league", help="the simulated NBA (generator and oracle)")
    sub = league.add_subparsers(dest="league_command", metavar="LEAGUE_COMMAND", required=True)

    gen = sub.add_parser("generate", help="simulate seasons and write the league's tables as parquet")
    gen.add_argument("--seed", type=int, required=True)
    gen.add_argument("--seasons", type=int, default=3, help="regular seasons ending with 2025-26 (default 3)")
    gen.add_argument("--out", required=True, help="output directory")
    gen.set_defaults(func=_generate)

    ora = sub.add_parser("oracle", help="write the oracle's per player-game, per as-of projections")
    ora.add_argument("--seed", type=int, required=True)
    ora.add_argument("--seasons", type=int, default=3)
    ora.add_argument("--sims", type=int, default=None, help="Monte-Carlo draws per knowledge state")
    ora.add_argument("--out", required=True, help="output directory (writes oracle.parquet)")
    ora.set_defaults(func=_oracle)

    ren = sub.add_parser("render", help="render one payload as it stood at an instant")
    ren.add_argument("--seed", type=int, required=True)
    ren.add_argument("--seasons", type=int, default=3)
    # Not `choices=`: listing the kinds would import the renderers on every `projections --help`.
    ren.add_argument(
        "--kind",
        required=True,
        help="injury_pdf, schedule, boxscore, roster, playerindex, lineups, odds, odds_historical, "
        "lobby, draftables, dk_salaries, contest_standings",
    )
    ren.add_argument("--at", required=True, help="as-of instant (ISO; naive means UTC)")
    ren.add_argument(
        "--id",
        default=None,
        help="game id, team id, draft group id, YYYY-MM-DD (lineups) or injury report file name, by kind",
    )
    ren.add_argument("--out", required=True, help="output file")
    ren.set_defaults(func=_render)
