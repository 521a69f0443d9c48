"""The entry point AgentKit discovers (group ``agentkit``, name ``azure-openai``). Importing it is
cheap: langchain-openai, openai and azure-identity load only when first needed."""

import agentkit
from agentkit_azure_openai.provider import AzureOpenAIProvider


@agentkit.hookimpl
def register_providers(register):
    register(AzureOpenAIProvider)
