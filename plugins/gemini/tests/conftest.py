"""Fixtures for the Gemini plugin's tests: a clean environment, the Gemini emulator on loopback,
the provider pointed at it, and a real AgentKit host that discovers the plugin by entry point."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from agentkit.testing import serve
from agentkit.testing.plugin import agentkit_env, agentkit_host  # noqa: F401
from agentkit_gemini.provider import GeminiProvider
from agentkit_gemini.settings import GeminiSettings
from agentkit_gemini.testing import DEFAULT_KEY, GeminiEmulator


@pytest.fixture(autouse=True)
def _clean(agentkit_env) -> None:  # noqa: F811
    """Every test in an empty folder, without settings from the outer environment."""


@pytest.fixture
def emulator() -> GeminiEmulator:
    return GeminiEmulator()


@pytest.fixture
def emulator_url(emulator: GeminiEmulator) -> Iterator[str]:
    with serve(emulator.app) as url:
        yield url


@pytest.fixture
def gemini_env(monkeypatch, emulator_url: str) -> str:
    """Configure the provider for the emulator through the environment; returns the key."""
    monkeypatch.setenv("GEMINI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("GEMINI_BASE_URL", emulator_url)
    return DEFAULT_KEY


@pytest.fixture
def provider(gemini_env: str) -> GeminiProvider:
    return GeminiProvider(GeminiSettings())


@pytest.fixture
def host(agentkit_host) -> Callable[..., str]:  # noqa: F811
    """``host(**env)``: a real AgentKit host with only this plugin, on loopback."""
    return lambda **env: agentkit_host("gemini", **env)
