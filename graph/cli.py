"""The `ssbtek-graphql` command: `serve` the facade, or run the `simulator` on its own."""

from __future__ import annotations

import argparse
import logging
import os
import ssl
import sys
from typing import TYPE_CHECKING, Any

import uvicorn
from prometheus_client import start_http_server

from graph.allocator import jemalloc_library, serving_environment
from graph.connections import ServingConfig, raise_file_limit
from graph.logs import TEXT_FORMAT, configure_logging
from graph.tracing import configure_tracing
from graph.workers import SpreadingMultiprocess, listening_sockets

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from graph.settings import Settings


def main(argv: list[str] | None = None, own_process: bool | None = None) -> int:
    """Parse the command line and run the chosen server until stopped. `own_process` (the
    default when the command line is this process's own) lets `serve` re-execute itself with
    its allocator (`graph/allocator.py`)."""
    parser = argparse.ArgumentParser(
        prog="ssbtek-graphql",
        description=__doc__,
        epilog="Settings come from SSBTEK_* environment variables (docs/operations.md); "
        "without SSBTEK_URL the facade runs in demo mode with the embedded simulator.",
    )
    commands = parser.add_subparsers(dest="command")
    serve = commands.add_parser("serve", help="serve the GraphQL facade (default)")
    serve.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument(
        "--metrics-port",
        type=int,
        default=None,
        help="serve /metrics on this port instead of the serving port (default: the serving "
        "port; SSBTEK_METRICS=false turns metrics off)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes sharing the port (default: %(default)s); each has its own "
        "upstream limit (SSBTEK_MAX_CONCURRENCY) and its own memory cache",
    )
    commands.add_parser("schema", help="print the GraphQL schema (SDL), as schema.graphql holds it")
    sim = commands.add_parser("simulator", help="serve the SSBTEK simulator")
    sim.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    sim.add_argument("--port", type=int, default=8080, help="port (default: %(default)s)")
    sim.add_argument(
        "--reject-v10", action="store_true", help="fault ssbt/10 questions (default: answer them)"
    )
    sim.add_argument(
        "--latency", action="store_true", help="turn the latency model on (default: off)"
    )
    sim.add_argument(
        "--latency-fixed",
        action="store_true",
        help="the same wait for every question of the same agencies (default: drawn per call)",
    )
    sim.add_argument(
        "--slow-seconds",
        type=float,
        default=120.0,
        help="how long the slow scenario person waits (default: %(default)s)",
    )
    sim.add_argument(
        "--certfile", help="serve HTTPS with this certificate, PEM (default: none, plain HTTP)"
    )
    sim.add_argument(
        "--keyfile", help="the certificate's private key, PEM (default: none, in --certfile)"
    )
    sim.add_argument(
        "--client-ca",
        help="require a client certificate signed by these CA certificates, PEM "
        "(default: none, no client certificate asked)",
    )
    args = parser.parse_args(argv)
    if args.command in (None, "serve") and (argv is None if own_process is None else own_process):
        _choose_the_allocator(sys.argv[1:] if argv is None else argv)
    if args.command == "schema":
        from schema.build import schema_sdl

        sys.stdout.write(schema_sdl())
        return 0
    if args.command == "simulator":
        _check_simulator_tls(sim, args)
        logging.basicConfig(level=logging.INFO, format=TEXT_FORMAT)
        from simulator.app import SimulatorConfig, create_app
        from simulator.latency import LatencyModel

        config = SimulatorConfig(
            reject_v10=args.reject_v10,
            latency=LatencyModel(enabled=args.latency, fixed=args.latency_fixed),
            slow_seconds=args.slow_seconds,
        )
        tls: dict[str, Any] = {}
        if args.certfile:
            tls = {"ssl_certfile": args.certfile, "ssl_keyfile": args.keyfile}
        if args.client_ca:
            tls |= {"ssl_ca_certs": args.client_ca, "ssl_cert_reqs": ssl.CERT_REQUIRED}
        uvicorn.run(
            create_app(config),
            host=args.host,
            port=args.port,
            log_level="info",
            access_log=False,
            **tls,
        )
        return 0

    from graph.settings import SettingsError, load_settings

    host = getattr(args, "host", "127.0.0.1")
    port = getattr(args, "port", 8000)
    workers = getattr(args, "workers", 1)
    if not 1 <= workers <= MAX_WORKERS:
        serve.error(f"--workers must be 1 to {MAX_WORKERS}")
    if workers > 1 and getattr(args, "metrics_port", None) is not None:
        serve.error("--metrics-port serves one process's metrics: use it with --workers 1")
    try:
        settings = load_settings()
        log_config = configure_logging(settings.log_format)
        configure_tracing()
        metrics_port = getattr(args, "metrics_port", None)
        app = serving_app(settings, host, metrics_port is None) if workers == 1 else None
    except SettingsError as exc:
        # Every problem found, one a line, so that one start names all that must change.
        for problem in exc.problems:
            print(f"ssbtek-graphql: configuration error: {problem}", file=sys.stderr)
        return 2
    # uvicorn's own access log prints query strings; the app logs requests without them. No
    # `server` header: the facade does not advertise what it runs on.
    served = {
        "host": host,
        "port": port,
        "access_log": False,
        "server_header": False,
        # On SIGTERM: stop accepting, answer what is in flight for this long, then stop.
        "timeout_graceful_shutdown": settings.http.shutdown_grace_s,
        "log_config": log_config,
    }
    # Deadlines for a request's head and body, a cap on connections, coded refusals
    # (graph/connections.py).
    rules = settings.connections
    if app is not None:
        if metrics_port is not None and app.state.metrics is not None:
            start_http_server(metrics_port, addr=host, registry=app.state.metrics.registry)
        DrainingServer(ServingConfig(app, rules, log_level="info", **served), app).run()
    else:
        # Each worker is a process of its own (spawned), which builds its own application; the
        # configuration goes to it as uvicorn.run(..., workers=N) sends it.
        os.environ[SERVED_HOST_VARIABLE] = host
        serving = ServingConfig(
            "graph.cli:worker_app", rules, factory=True, workers=workers, log_level="info", **served
        )
        try:
            sockets = listening_sockets(host, port, workers)
        except OSError as exc:
            problem = f"cannot listen on {host}:{port}: {exc.strerror}"
            print(f"ssbtek-graphql: {problem}", file=sys.stderr)
            return 3  # as uvicorn's own start-up failure
        SpreadingMultiprocess(serving, sockets).run()
    return 0


def _choose_the_allocator(arguments: list[str]) -> None:
    """Re-executes this command with the allocator a serving process runs with
    (`graph/allocator.py`: jemalloc where installed, else the C library's), unless the
    operator chose one with PYTHONMALLOC (or this is the re-executed process)."""
    environment = serving_environment(os.environ, jemalloc_library())
    if environment is None:
        return
    os.execve(sys.executable, [sys.executable, "-m", "graph", *arguments], environment)


class DrainingServer(uvicorn.Server):
    """uvicorn's server that, told to stop, first makes `/readyz` answer 503 (so a load
    balancer still asking takes the instance out), then drains as uvicorn does."""

    def __init__(self, config: uvicorn.Config, app: Starlette) -> None:
        super().__init__(config)
        self.facade = app

    def handle_exit(self, sig: int, frame: Any) -> None:
        self.facade.state.ready = False
        super().handle_exit(sig, frame)

    async def _serve(self, sockets: Any = None) -> None:
        await super()._serve(sockets)
        # uvicorn raises the captured signal again once drained, so the process would end "killed
        # by SIGTERM"; a facade that drained as asked ends with exit code 0.
        self._captured_signals.clear()


# What `serve --workers` tells its worker processes: the address they serve.
SERVED_HOST_VARIABLE = "SSBTEK_INTERNAL_SERVED_HOST"
MAX_WORKERS = 64


def serving_app(settings: Settings, host: str, metrics_route: bool = True) -> Starlette:
    """The facade's application for a serving process, which is then tuned for serving."""
    from graph.app import create_app, tune_serving_process

    app = create_app(settings, served_host=host, metrics_route=metrics_route)
    tune_serving_process()
    raise_file_limit(settings.connections)
    return app


def worker_app() -> Starlette:
    """The application of one `serve --workers` process (uvicorn's factory)."""
    from graph.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_format)
    configure_tracing()
    return serving_app(settings, os.environ.get(SERVED_HOST_VARIABLE, "127.0.0.1"))


def _check_simulator_tls(sim: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Stop with a usage error unless the simulator's TLS options go together and load."""
    if not args.certfile:
        for option, value in (("--keyfile", args.keyfile), ("--client-ca", args.client_ca)):
            if value:
                sim.error(f"{option} needs --certfile")
        return
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(args.certfile, args.keyfile)
    except (OSError, ssl.SSLError) as exc:
        sim.error(f"--certfile/--keyfile could not be loaded ({type(exc).__name__})")
    if args.client_ca:
        try:
            context.load_verify_locations(cafile=args.client_ca)
        except (OSError, ssl.SSLError) as exc:
            sim.error(f"--client-ca could not be loaded ({type(exc).__name__})")


if __name__ == "__main__":
    sys.exit(main())
