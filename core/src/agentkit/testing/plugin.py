"""An optional pytest plugin with the kit's host fixture, for tests outside a conformance class.

Activate it from a rootdir-level ``conftest.py`` with
``pytest_plugins = ["agentkit.testing.plugin"]`` (pytest refuses ``pytest_plugins`` in any other
conftest). It is never loaded automatically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest

from agentkit.testing.conformance import HOST_ENV
from agentkit.testing.servers import serve


@pytest.fixture
def agentkit_host(monkeypatch: pytest.MonkeyPatch, tmp_path) -> Iterator[Callable[..., str]]:
    """``agentkit_host(plugins="my-plugin", **env)`` starts the real host on loopback with only
    the named plugins' entry points loaded, after setting ``env``; returns its base URL. It runs
    in an empty folder, so no ``.env`` file is read."""
    from agentkit.app import create_app

    monkeypatch.chdir(tmp_path)
    with ExitStack() as stack:

        def start(plugins: str, **env: str) -> str:
            for name, value in {**HOST_ENV, "AGENTKIT_PLUGINS": plugins, **env}.items():
                monkeypatch.setenv(name, value)
            return stack.enter_context(serve(create_app()))

        yield start
