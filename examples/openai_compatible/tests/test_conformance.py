"""The AgentKit conformance checks, inherited from the kit: discovery, settings, listing,
building, a chat through the host, error codes and secrets."""

import pytest

from agentkit.testing import ProviderConformance

API_KEY = "sk-conformance-0123456789"


class TestOpenAICompatibleConformance(ProviderConformance):
    provider_id = "openai-compatible"
    model = "local-model"
    reasoning_model = "deepseek-r1"
    required_env = ("OPENAI_COMPATIBLE_BASE_URL",)

    @pytest.fixture
    def upstream(self, emulator):
        emulator.api_key = API_KEY
        return emulator

    def working_env(self, url: str) -> dict[str, str]:
        return {"OPENAI_COMPATIBLE_BASE_URL": f"{url}/v1", "OPENAI_COMPATIBLE_API_KEY": API_KEY}
