"""A plugin whose ``register_providers`` hook calls ``sys.exit()``."""

import sys

import agentkit


@agentkit.hookimpl
def register_providers(register):
    sys.exit("this plugin refuses to load")
