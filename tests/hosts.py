"""A real AgentKit host for one provider plugin's tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

import pytest

from tests.servers import serve


@contextmanager
def plugin_host(monkeypatch: pytest.MonkeyPatch, provider_id: str) -> Iterator[Callable[..., str]]:
    """Yields ``start(**env)``, which sets ``env`` and starts a real host (``create_app()``,
    plugins found by entry point) on loopback, returning its base URL. ``provider_id`` is the
    default provider and the only plugin loaded, so other plugins' states do not leak in; retry
    backoff is short so retry tests stay fast."""
    from agentkit.app import create_app

    monkeypatch.setenv("DEFAULT_PROVIDER", provider_id)
    monkeypatch.setenv("AGENTKIT_PLUGINS", provider_id)
    monkeypatch.setenv("AGENTKIT_RETRY_BACKOFF", "0.01")
    with ExitStack() as stack:

        def start(**env: str) -> str:
            for name, value in env.items():
                monkeypatch.setenv(name, value)
            return stack.enter_context(serve(create_app()))

        yield start
