"""An upstream written on bare sockets, independent of the emulators and of any HTTP library: it
reads a request, then answers exactly as told, byte by byte, or not at all.

Behaviours: ``silent`` (never answers), ``stall`` (sends the response head and one chunk, then
nothing), ``trickle`` (sends the head, then the body one byte every ``interval`` seconds). The
connection is then held open until the client hangs up, which sets ``closed``: how the host's
cancellation of an upstream request shows on the wire.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

from agentkit.testing.servers import SilentServer


class RawUpstream(SilentServer):
    def __init__(
        self, behaviour: str, *, content_type: str, body: bytes, interval: float = 0.5
    ) -> None:
        assert behaviour in ("silent", "stall", "trickle")
        super().__init__()
        self.behaviour = behaviour
        self.head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nConnection: close\r\n\r\n"
        ).encode()
        self.body = body
        self.interval = interval
        self.requests = 0
        self.methods: list[str] = []
        """Each request's method, in order (a listing GETs, a chat POSTs)."""

    def handle(self, connection: socket.socket) -> None:
        try:
            method = _read_request(connection)
            if method is None:
                return
            self.requests += 1
            self.methods.append(method)
            if self.behaviour == "stall":
                connection.sendall(self.head + self.body)
            elif self.behaviour == "trickle":
                connection.sendall(self.head)
                for index in range(len(self.body)):
                    if self._stop.wait(self.interval):
                        return
                    connection.sendall(self.body[index : index + 1])
        except OSError:
            self.closed.set()
            return
        super().handle(connection)


def _read_request(connection: socket.socket) -> str | None:
    """Read one request (head and a Content-Length body) and return its method; ``None`` when
    the client went away."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            return None
        body += chunk
    return head.split(b" ", 1)[0].decode("ascii", "replace")


@contextmanager
def raw_upstream(behaviour: str, **kw) -> Iterator[RawUpstream]:
    server = RawUpstream(behaviour, **kw)
    server.start()
    try:
        yield server
    finally:
        server.stop()
