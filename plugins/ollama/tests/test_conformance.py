"""The AgentKit conformance checks for the Ollama provider, against the Ollama emulator."""

import pytest

from agentkit.testing import ProviderConformance
from agentkit_ollama.testing import OllamaEmulator


class TestOllamaConformance(ProviderConformance):
    provider_id = "ollama"
    model = "llama3.2:latest"
    reasoning_model = "qwen3:8b"
    required_env = ()  # Ollama works with no settings (http://localhost:11434)

    @pytest.fixture
    def upstream(self):
        return OllamaEmulator()

    def working_env(self, url: str) -> dict[str, str]:
        return {"OLLAMA_BASE_URL": url, "OLLAMA_API_KEY": "ollama-secret-0123"}

    def fail_upstream(self, upstream, status: int, *, times: int, headers=None) -> None:
        if status == 404:  # what Ollama answers for a model that is not pulled
            body = {"error": f'model "{self.model}" not found, try pulling it first'}
            upstream.fail(404, body, times=times, headers=headers)
        else:
            upstream.fail(status, times=times, headers=headers)
