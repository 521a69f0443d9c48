"""A plugin whose ``register_agents`` hook raises."""

import agentkit


@agentkit.hookimpl
def register_agents(register):
    raise RuntimeError("no agents today")
