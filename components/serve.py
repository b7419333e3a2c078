"""``arblab serve``: serve the lab app, with an embedded gRPC analytics server.

Unless ``--grpc-address`` names a server or ``--no-grpc`` is given, an analytics server is
started on a free loopback port (:func:`lab.rpc.embedded.start_embedded`) and every session's
grpc backend points at it. It stops when the app stops (Ctrl-C or SIGTERM), leaving no process
behind.

The embedded server is supervised (:class:`lab.rpc.supervisor.SupervisedServer`): when it
dies (a crash, ``kill -9``), the dead child is reaped and a new server is started on the same
port with exponential backoff (0.5, 1, 2, 4, 8, 8... s, at most 10 attempts in a row); the
sessions' status light reads ``restarting (attempt n)`` meanwhile and ``connected`` again
once the new server answers, and their grpc backends upload their datasets again.

Set ``ARBLAB_SERVE_STATE=/path/state.json`` to have the command write its state once the app
is listening: ``{"pid", "url", "grpc_address", "grpc_embedded", "grpc_pid", "grpc_state",
"grpc_restarts"}``; it is rewritten whenever the embedded server changes (a restart gives a
new ``grpc_pid``). While the app runs, ``SIGUSR1`` stops the embedded analytics server
(sessions then show the grpc fallback; it is not restarted on its own) and ``SIGUSR2``
restarts it on the same port (from any state, with a fresh attempt budget); the browser tests
use both to exercise the failure handling end to end.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import socket
import threading
import time
from pathlib import Path
from typing import Any

STATE_ENV = "ARBLAB_SERVE_STATE"
"""Environment variable naming the JSON file where ``arblab serve`` writes its state."""

log = logging.getLogger("arblab.serve")


def is_loopback(address: str) -> bool:
    """Whether the app's bind address names only the loopback interface."""
    from lab.rpc.serving import is_loopback as loopback

    return loopback(address)


def _origins(address: str, port: int, allowed: list[str] | None = None) -> list[str]:
    """Websocket Origins the app accepts (Bokeh refuses any other with 403).

    ``allowed`` (``--allow-websocket-origin``) is taken as given. Otherwise only the names of
    this machine are accepted: the loopback names, plus, on a non-loopback bind, the bind
    address and this host's name; never ``*``.
    """
    if allowed:
        return list(dict.fromkeys(allowed))
    hosts = {"localhost", "127.0.0.1"}
    if address not in ("0.0.0.0", "::", ""):
        hosts.add(address)
    if not is_loopback(address or "0.0.0.0"):
        hosts |= {socket.gethostname(), socket.getfqdn()}
    return [f"{h}:{port}" for h in sorted(h for h in hosts if h)]


def real_urls(address: str, port: int) -> list[str]:
    """URLs the app answers on: ``address`` itself, or for a wildcard bind this host's names."""
    if address in ("0.0.0.0", "::", ""):
        hosts = [socket.getfqdn() or socket.gethostname(), "127.0.0.1"]
    else:
        hosts = [f"[{address}]" if ":" in address else address]
    return [f"http://{h}:{port}/" for h in dict.fromkeys(hosts)]


def _write_state(path: str, state: dict[str, Any]) -> None:
    target = Path(path)
    tmp = target.with_suffix(target.suffix + ".tmp")
    tmp.write_text(json.dumps(state))
    tmp.replace(target)


def run(args: argparse.Namespace) -> int:
    """Serve the app until interrupted; see the module docstring."""
    lifetime = int(getattr(args, "unused_session_lifetime", 15_000))
    if not 1_000 <= lifetime <= 3_600_000:
        raise ValueError(f"--unused-session-lifetime must be 1000 to 3600000 ms, got {lifetime}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    from lab.rpc.supervisor import SupervisedServer

    state: dict[str, Any] = {}
    state_path = os.environ.get(STATE_ENV)
    state_lock = threading.Lock()

    def _publish(supervisor: SupervisedServer) -> None:
        # called by the supervisor on every change; the file exists once the app listens
        with state_lock:
            if not (state and state_path):
                return
            state.update(
                grpc_pid=supervisor.pid,
                grpc_state=supervisor.state,
                grpc_restarts=supervisor.restarts,
            )
            _write_state(state_path, state)

    embedded = SupervisedServer(on_change=_publish)
    # the analytics server starts in its own process while this one imports the app
    starting: list[BaseException] = []

    def _start_embedded() -> None:
        try:
            embedded.start(0)
        except BaseException as exc:  # re-raised below, in the main thread
            starting.append(exc)

    starter = None
    if not args.grpc_address and not args.no_grpc:
        starter = threading.Thread(
            target=_start_embedded, name="arblab-embedded-start", daemon=True
        )
        starter.start()

    import panel as pn

    from components.app import STATIC_ROUTE, create_app
    from components.theme import ASSETS
    from components.upload import websocket_max_bytes
    from lab.models.backend import GRPC_ADDRESS_ENV, close_shared_backends

    grpc_address: str | None = args.grpc_address
    if starter is not None:
        starter.join()
        if starting:
            embedded.close()
            raise starting[0]
        grpc_address = embedded.address
        log.info("embedded analytics server on %s", grpc_address)
    if grpc_address:
        os.environ[GRPC_ADDRESS_ENV] = grpc_address

    # Panel's thread pool runs every session's callbacks (and so their analytics) off the
    # Tornado event loop that serves all pages; pn.serve has no such argument (it passed
    # num_threads on to Bokeh, which ignored it, so one session's scan froze every page).
    if args.num_threads and args.num_threads > 0 and pn.config.nthreads is None:
        pn.config.nthreads = args.num_threads
    server = pn.serve(
        {"/": create_app},
        port=args.port,
        address=args.address,
        show=args.show,
        websocket_origin=_origins(args.address, args.port, args.allow_websocket_origin),
        title="ArbLab",
        # every upload under read_prices' cap fits one message (the widget refuses larger)
        websocket_max_message_size=websocket_max_bytes(),
        static_dirs={STATIC_ROUTE: str(ASSETS)},
        unused_session_lifetime=lifetime,
        check_unused_sessions=min(lifetime, 17_000),
        start=False,
        threaded=False,
    )
    loop = server.io_loop

    def _stop(signum: int, _frame: Any) -> None:
        log.info("signal %s: stopping", signal.Signals(signum).name)
        loop.add_callback_from_signal(loop.stop)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if embedded.address:
        signal.signal(
            signal.SIGUSR1, lambda *_: threading.Thread(target=embedded.stop, daemon=True).start()
        )
        signal.signal(
            signal.SIGUSR2,
            lambda *_: threading.Thread(target=embedded.restart, daemon=True).start(),
        )

    urls = real_urls(args.address, server.port)
    url = urls[-1] if args.address in ("0.0.0.0", "::", "") else urls[0]
    if not is_loopback(args.address or "0.0.0.0") and not args.allow_websocket_origin:
        origins = ", ".join(_origins(args.address, server.port))
        log.warning(
            "ArbLab is reachable from other machines at %s (bound to %s); websocket Origins "
            "accepted: %s. Pass --allow-websocket-origin HOST:PORT for the names clients use.",
            " or ".join(urls),
            args.address,
            origins,
        )
    try:
        server.start()
        if state_path:
            with state_lock:
                state.update(
                    pid=os.getpid(),
                    url=url,
                    grpc_address=grpc_address,
                    grpc_embedded=embedded.address is not None,
                    grpc_pid=embedded.pid,
                    grpc_state=embedded.state if embedded.address else None,
                    grpc_restarts=embedded.restarts,
                    started=time.time(),
                )
                _write_state(state_path, state)
        log.info(
            "ArbLab serving on %s (bound to %s:%d)", " and ".join(urls), args.address, server.port
        )
        loop.start()
    finally:
        server.stop()
        embedded.close()
        close_shared_backends()
    return 0
