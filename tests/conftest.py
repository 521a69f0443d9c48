"""Fixtures for the core tests: the scripted fake provider and a real host on loopback."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

import agentkit_fake
from agentkit.app import create_app
from agentkit.config import HostConfig
from agentkit.registry import Registry
from agentkit.testing import serve

FAKE_KEY = "sk-fake-secret-0123456789"


@pytest.fixture
def script(monkeypatch) -> agentkit_fake.Script:
    """A fresh script for the fake provider, which is configured and the default provider."""
    fresh = agentkit_fake.Script()
    monkeypatch.setattr(agentkit_fake, "script", fresh)
    monkeypatch.setenv("FAKE_API_KEY", FAKE_KEY)
    monkeypatch.setenv("DEFAULT_PROVIDER", "fake")
    return fresh


@pytest.fixture
def host(script) -> Iterator[Callable[..., str]]:
    """``host(**env)`` starts a host with the fake plugin (and any ``extra_plugins``) on a free
    loopback port, after setting ``env``; returns its base URL."""
    with ExitStack() as stack:
        mp = stack.enter_context(pytest.MonkeyPatch.context())

        def start(*, extra_plugins=(), **env: str) -> str:
            for name, value in env.items():
                mp.setenv(name, value)
            registry = Registry.load(
                HostConfig(), entry_points=False, extra_plugins=[agentkit_fake, *extra_plugins]
            )
            return stack.enter_context(serve(create_app(registry=registry)))

        yield start


@pytest.fixture(scope="session")
def official_client():
    """``run_agent`` of the official @ag-ui/client, installed on first use."""
    from tests import official_client

    official_client.ensure_installed()
    return official_client.run_agent
