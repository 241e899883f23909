"""`projections feed serve`: the simulated league's payloads over loopback HTTP."""

from __future__ import annotations

import argparse
import sys
import time


def _serve_command(args: argparse.Namespace) -> int:
    from projections_assets.league.feed import build_feed, serve

    feed = build_feed(args.seed, args.clock, speed=args.speed, seasons=args.seasons)
    server = serve(feed, port=args.port, verbose=args.verbose)
    print(
        f"league feed (seed {args.seed}) on {server.url}, clock {args.clock} x{args.speed}",
        file=sys.stderr,
        flush=True,
    )
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `feed serve` to the `projections` command."""
    feed = subparsers.add_parser("feed", help="the simulated league's payloads over loopback HTTP")
    sub = feed.add_subparsers(dest="feed_command", metavar="FEED_COMMAND", required=True)
    srv = sub.add_parser("serve", help="serve every payload at its real path on 127.0.0.1")
    srv.add_argument("--seed", type=int, required=True)
    srv.add_argument("--port", type=int, required=True, help="port on 127.0.0.1 (0 picks a free one)")
    srv.add_argument("--clock", required=True, help="the feed's start instant (ISO; naive means UTC)")
    srv.add_argument("--speed", type=float, default=0.0, help="clock speed vs real time (0 = frozen)")
    srv.add_argument(
        "--seasons", type=int, default=None, help="seasons to generate (default: the league's 3)"
    )
    srv.add_argument("--verbose", action="store_true", help="log each request")
    srv.set_defaults(func=_serve_command)
