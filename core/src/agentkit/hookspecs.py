"""The hooks a plugin may implement. A plugin is a module registered under the ``agentkit``
entry-point group; it implements one or both hooks with the ``agentkit.hookimpl`` marker."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from agentkit.agents import Agent
    from agentkit.provider import Provider

hookspec = pluggy.HookspecMarker("agentkit")
hookimpl = pluggy.HookimplMarker("agentkit")


@hookspec
def register_providers(register: Callable[[type[Provider]], None]) -> None:
    """Call ``register(ProviderClass)`` once for each provider this plugin offers."""


@hookspec
def register_agents(register: Callable[[Agent], None]) -> None:
    """Call ``register(agent)`` once for each agent this plugin offers."""
