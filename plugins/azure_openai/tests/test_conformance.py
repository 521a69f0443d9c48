"""The AgentKit conformance checks for the Azure OpenAI provider, against its emulator: once on
the classic API (the default), once on the Responses API."""

import pytest

from agentkit.testing import ProviderConformance
from agentkit_azure_openai.testing import DEFAULT_KEY, AzureOpenAIEmulator


class TestAzureOpenAIConformance(ProviderConformance):
    """Chat completions stream no reasoning text (Azure returns reasoning summaries only through
    the Responses API): the reasoning stream is checked on the Responses API below, the efforts
    on both."""

    provider_id = "azure-openai"
    model = "chat"  # a deployment name
    required_env = ("AZURE_OPENAI_ENDPOINT",)
    reasoning_model = "thinker"  # gpt-5-mini
    reasoning_streams = False

    @pytest.fixture
    def upstream(self):
        return AzureOpenAIEmulator(data_plane_listing=True)

    def working_env(self, url: str) -> dict[str, str]:
        return {
            "AZURE_OPENAI_ENDPOINT": url,
            "AZURE_OPENAI_API_KEY": DEFAULT_KEY,
            "AZURE_OPENAI_DEPLOYMENT": "chat",
            "AZURE_OPENAI_MODEL": "gpt-4o",
            "AZURE_OPENAI_DEPLOYMENTS": "thinker=gpt-5-mini",
        }

    def fail_upstream(self, upstream, status: int, *, times: int, headers=None) -> None:
        upstream.fail(status, times=times, headers=headers, on="")  # listing and chat alike


class TestAzureOpenAIResponsesConformance(TestAzureOpenAIConformance):
    """The same checks on ``AZURE_OPENAI_API=responses``, with the reasoning checks: the
    ``thinker`` deployment (gpt-5-mini) streams its reasoning summary."""

    reasoning_streams = True

    def working_env(self, url: str) -> dict[str, str]:
        return {**super().working_env(url), "AZURE_OPENAI_API": "responses"}
