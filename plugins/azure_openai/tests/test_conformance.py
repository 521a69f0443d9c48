"""The AgentKit conformance checks for the Azure OpenAI provider, against its emulator."""

import pytest

from agentkit.testing import ProviderConformance
from agentkit_azure_openai.testing import DEFAULT_KEY, AzureOpenAIEmulator


class TestAzureOpenAIConformance(ProviderConformance):
    provider_id = "azure-openai"
    model = "chat"  # a deployment name
    required_env = ("AZURE_OPENAI_ENDPOINT",)

    @pytest.fixture
    def upstream(self):
        return AzureOpenAIEmulator(data_plane_listing=True)

    def working_env(self, url: str) -> dict[str, str]:
        return {
            "AZURE_OPENAI_ENDPOINT": url,
            "AZURE_OPENAI_API_KEY": DEFAULT_KEY,
            "AZURE_OPENAI_DEPLOYMENT": "chat",
            "AZURE_OPENAI_MODEL": "gpt-4o",
        }

    def fail_upstream(self, upstream, status: int, *, times: int, headers=None) -> None:
        upstream.fail(status, times=times, headers=headers, on="")  # listing and chat alike
