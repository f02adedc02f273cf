"""The `ssbtek-graphql` command: `serve` the facade, or run the `simulator` on its own."""

from __future__ import annotations

import argparse
import logging
import sys

import uvicorn


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen server until stopped."""
    parser = argparse.ArgumentParser(prog="ssbtek-graphql", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve the GraphQL facade (default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    sim = commands.add_parser("simulator", help="serve the SSBTEK simulator")
    sim.add_argument("--host", default="127.0.0.1")
    sim.add_argument("--port", type=int, default=8080)
    sim.add_argument("--reject-v10", action="store_true", help="fault ssbt/10 questions")
    sim.add_argument("--latency", action="store_true", help="turn the latency model on")
    sim.add_argument(
        "--slow-seconds", type=float, default=120.0, help="how long the slow scenario person waits"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")

    if args.command == "simulator":
        from simulator.app import SimulatorConfig, create_app
        from simulator.latency import LatencyModel

        config = SimulatorConfig(
            reject_v10=args.reject_v10,
            latency=LatencyModel(enabled=args.latency),
            slow_seconds=args.slow_seconds,
        )
        uvicorn.run(
            create_app(config), host=args.host, port=args.port, log_level="info", access_log=False
        )
        return 0

    from graph.app import create_app as create_facade
    from graph.settings import SettingsError, load_settings

    try:
        app = create_facade(load_settings())
    except SettingsError as exc:
        print(f"ssbtek-graphql: configuration error: {exc}", file=sys.stderr)
        return 2
    host = getattr(args, "host", "127.0.0.1")
    port = getattr(args, "port", 8000)
    # uvicorn's own access log prints query strings; the app logs requests without them.
    uvicorn.run(app, host=host, port=port, log_level="info", access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
