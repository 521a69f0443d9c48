"""A well-behaved plugin whose provider needs no settings."""

from pydantic import Field

import agentkit


class GoodSettings(agentkit.ProviderSettings):
    model: str = Field("good-1", validation_alias="GOOD_MODEL")


class GoodProvider(agentkit.Provider):
    id = "good"
    name = "Good"
    Settings = GoodSettings

    @property
    def default_model(self) -> str:
        return self.settings.model

    async def list_models(self) -> list[agentkit.Model]:
        return [agentkit.Model("good-1")]


@agentkit.hookimpl
def register_providers(register):
    register(GoodProvider)
