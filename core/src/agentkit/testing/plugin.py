"""The kit's pytest fixtures, for a plugin's own tests: a clean environment and a real host.

Import them into your ``tests/conftest.py`` (pytest picks up fixtures a conftest imports), and make
the environment clean for every test::

    import pytest
    from agentkit.testing.plugin import agentkit_env, agentkit_host  # noqa: F401

    @pytest.fixture(autouse=True)
    def _clean(agentkit_env): ...

``agentkit_env`` runs each test in an empty folder (no ``.env``) without the host's settings or any
provider's from the outer environment. ``agentkit_host("my-plugin", **env)`` starts the real host
on loopback with only that plugin loaded (and it the default provider), after setting ``env``, and
returns its base URL; every host it started is stopped after the test.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from agentkit.plugins import ENTRY_POINT_GROUP
from agentkit.testing.servers import serve

ISOLATED_PREFIXES = ("AGENTKIT_", "DEFAULT_", "OLLAMA_", "GEMINI_", "GOOGLE_", "AZURE_", "OPENAI_")
"""Settings of the host and of the providers' SDKs, which the SDKs may also read on their own."""

HOST_ENV = {
    "AGENTKIT_RETRY_ATTEMPTS": "2",
    "AGENTKIT_RETRY_BACKOFF": "0.01",
    "AGENTKIT_RETRY_DEADLINE": "1",
    "AGENTKIT_LIST_TIMEOUT": "5",
}
"""Host settings for tests: short retries, so 429 and 5xx tests stay fast."""


@pytest.fixture
def agentkit_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty working folder, and none of the host's or any installed provider's settings in
    the environment; returns the folder."""
    isolate(monkeypatch, tmp_path)
    return tmp_path


@pytest.fixture
def agentkit_host(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., str]]:
    """``agentkit_host(plugins, **env)``: a real host on loopback (see the module's docs)."""
    with ExitStack() as stack:

        def start(plugins: str, **env: str) -> str:
            default = {"DEFAULT_PROVIDER": plugins} if "," not in plugins else {}
            settings = {**HOST_ENV, **default, "AGENTKIT_PLUGINS": plugins, **env}
            return start_host(stack, monkeypatch, settings)

        yield start


def isolate(monkeypatch: pytest.MonkeyPatch, folder: Path, names: set[str] = frozenset()) -> None:
    """Work in ``folder`` without the host's, the providers' or ``names``' settings."""
    read = provider_variables() | names
    for name in list(os.environ):
        if name.startswith(ISOLATED_PREFIXES) or name in read:
            monkeypatch.delenv(name)
    monkeypatch.chdir(folder)


def start_host(stack: ExitStack, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> str:
    """Set ``env``, start the real host (plugins found by entry point) on loopback until
    ``stack`` closes; returns its base URL."""
    from agentkit.app import create_app

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return stack.enter_context(serve(create_app()))


@functools.cache
def provider_variables() -> frozenset[str]:
    """Every environment variable an installed provider's settings read."""
    from agentkit.settings import env_names
    from agentkit.testing.conformance import registered_providers

    found: set[str] = set()
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            classes = registered_providers(entry_point.load())
        except Exception:
            continue  # a plugin that does not load reads nothing
        for provider_class in classes:
            for field in provider_class.Settings.model_fields:
                found.update(env_names(provider_class.Settings, field))
    return frozenset(found)
