"""The module the entry point names: AgentKit imports it at start-up and calls its hook."""

import agentkit
from agentkit_openai_compatible.provider import OpenAICompatibleProvider


@agentkit.hookimpl
def register_providers(register):
    register(OpenAICompatibleProvider)
