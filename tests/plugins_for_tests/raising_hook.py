"""A plugin that imports fine but whose ``register_providers`` hook raises."""

import agentkit


@agentkit.hookimpl
def register_providers(register):
    raise RuntimeError("the provider table is corrupt")
