"""Fixtures for the plugin's tests: a clean environment, the plugin's own OpenAI-compatible
upstream on loopback, and a real AgentKit host that finds the plugin by its entry point."""

from collections.abc import Callable, Iterator

import pytest

from agentkit.testing import serve
from agentkit.testing.plugin import agentkit_env, agentkit_host  # noqa: F401
from agentkit_openai_compatible.testing import OpenAICompatibleUpstream


@pytest.fixture(autouse=True)
def _clean(agentkit_env) -> None:  # noqa: F811
    """Every test in an empty folder, without settings from the outer environment."""


@pytest.fixture
def emulator() -> OpenAICompatibleUpstream:
    return OpenAICompatibleUpstream()


@pytest.fixture
def emulator_url(emulator: OpenAICompatibleUpstream) -> Iterator[str]:
    """The emulator's API root, as OPENAI_COMPATIBLE_BASE_URL takes it."""
    with serve(emulator.app) as url:
        yield f"{url}/v1"


@pytest.fixture
def host(agentkit_host) -> Callable[..., str]:  # noqa: F811
    """``host(**env)``: a real AgentKit host with only this plugin loaded; returns its URL."""
    return lambda **env: agentkit_host("openai-compatible", **env)
