"""Loopback servers for conformance runs: a real uvicorn server in a thread, and a TCP server that
accepts connections and never answers (to check that listing can be cancelled).

The kit ships inside agentkit-core, so it carries its own copy of the test suite's ``serve``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serve(app, *, port: int | None = None) -> Iterator[str]:
    """Serve the ASGI ``app`` on 127.0.0.1 until the block ends; yields its base URL (no trailing
    slash). Clients talk real HTTP to it."""
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        timeout_graceful_shutdown=1,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"server on port {port} did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=5)


class SilentServer:
    """Accepts TCP connections on loopback, reads whatever arrives, and never answers.

    ``connected`` is set once a client connects; ``closed`` once a client has closed its
    connection (it gave up on the request). Subclasses answer differently by overriding
    ``handle(connection)``, which runs in a thread of its own for each connection.
    """

    def __init__(self) -> None:
        self.connected = threading.Event()
        self.closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._connections: list[socket.socket] = []
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def start(self) -> None:
        threading.Thread(target=self._accept, name="silent-server", daemon=True).start()

    def stop(self) -> None:
        self._stop.set()
        for connection in self._connections:
            connection.close()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connections.append(connection)
            self.connected.set()
            threading.Thread(target=self.handle, args=(connection,), daemon=True).start()

    def handle(self, connection: socket.socket) -> None:
        """Read until the client hangs up, then set ``closed``."""
        try:
            while connection.recv(65536):
                pass
        except OSError:
            return
        self.closed.set()


@contextmanager
def silent_server() -> Iterator[SilentServer]:
    """A :class:`SilentServer` for the duration of the block."""
    server = SilentServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
