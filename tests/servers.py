"""Loopback servers for tests and benchmarks, from the conformance kit in agentkit-core: ``serve``
runs an ASGI app with uvicorn on a free 127.0.0.1 port in a background thread."""

from agentkit.testing.servers import free_port, serve

__all__ = ["free_port", "serve"]
