"""The entry point AgentKit discovers (group ``agentkit``, name ``ollama``). Importing it is cheap:
httpx loads on the first listing, ChatOllama and the ollama client on the first chat."""

import agentkit
from agentkit_ollama.provider import OllamaProvider


@agentkit.hookimpl
def register_providers(register):
    register(OllamaProvider)
