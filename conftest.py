"""Test isolation for the whole workspace: no test sees the developer's environment or .env."""

import pytest

from agentkit.testing.plugin import agentkit_env  # noqa: F401


@pytest.fixture(autouse=True)
def isolated_env(agentkit_env):  # noqa: F811
    """Run each test in an empty folder with no host or provider settings from the outer
    environment (the kit's ``agentkit_env``)."""
