"""`make bench`: start a nats-server of its own and print every benchmark's figures."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from events.embedded import EmbeddedNats
from tests.bench import front, log, networks, notifications, pages, projector, restart, rush
from tests.bench.cluster import run as rush_on_a_cluster


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000, help="events in the log bench")
    parser.add_argument(
        "--only",
        choices=(
            "log",
            "sync",
            "rush",
            "projector",
            "restart",
            "pages",
            "front",
            "networks",
            "notifications",
            "cluster",
        ),
        help="run one benchmark only",
    )
    parser.add_argument(
        "--front-paths",
        default="api,pages",
        help="front: the doors to rush, comma-separated (api, pages)",
    )
    parser.add_argument(
        "--front-clients", type=int, default=front.CLIENTS, help="front: clients at once"
    )
    parser.add_argument(
        "--front-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="front: a setting of the stack (STAFFROOM_FRONTEND_PROCESS=1, WEB_CONCURRENCY=1)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, EmbeddedNats(Path(folder) / "nats") as nats:
        if args.only in (None, "log"):
            asyncio.run(log.run(nats.url, Path(folder), args.events))
            log.sync_bridge(nats.url, min(args.events, 20_000))
        if args.only in (None, "sync"):
            log.sync_cost(Path(folder))
        if args.only in (None, "rush"):
            rush.run(nats.url)
        if args.only in (None, "projector"):
            projector.run(nats.url, Path(folder))
        if args.only in (None, "restart"):
            restart.run(nats.url)
        if args.only in (None, "pages"):
            pages.run(nats.url, Path(folder))
        if args.only in (None, "front"):
            settings = dict(each.split("=", 1) for each in args.front_set)
            paths = tuple(args.front_paths.split(","))
            front.run(Path(folder), paths, clients=args.front_clients, **settings)
        if args.only in (None, "networks"):
            networks.run(nats.url, Path(folder))
        if args.only in (None, "notifications"):
            notifications.run(nats.url, Path(folder))
        if args.only in (None, "cluster"):  # three nodes of its own, and PostgreSQL
            rush_on_a_cluster()


if __name__ == "__main__":
    main()
