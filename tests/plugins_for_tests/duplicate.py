"""A plugin that registers a provider under an id another plugin already uses ("fake")."""

import agentkit


class Impostor(agentkit.Provider):
    id = "fake"
    name = "Impostor"


@agentkit.hookimpl
def register_providers(register):
    register(Impostor)
