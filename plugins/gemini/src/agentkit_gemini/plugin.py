"""The entry point AgentKit discovers (group ``agentkit``, name ``gemini``). Importing it is cheap:
the Gemini SDK and LangChain integration load only when a chat model is first built."""

import agentkit
from agentkit_gemini.provider import GeminiProvider


@agentkit.hookimpl
def register_providers(register):
    register(GeminiProvider)
