"""The AgentKit conformance checks for the Gemini provider, against the Gemini emulator."""

import pytest

from agentkit.testing import ProviderConformance
from agentkit_gemini.testing import DEFAULT_KEY, GeminiEmulator


class TestGeminiConformance(ProviderConformance):
    provider_id = "gemini"
    model = "gemini-2.5-flash"
    reasoning_model = "gemini-2.5-flash"
    required_env = ("GEMINI_API_KEY",)

    @pytest.fixture
    def upstream(self):
        return GeminiEmulator()

    def working_env(self, url: str) -> dict[str, str]:
        return {"GEMINI_API_KEY": DEFAULT_KEY, "GEMINI_BASE_URL": url}
