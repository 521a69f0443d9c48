"""The providers under test: how to point each at its upstream, the model to ask for, and the
raw request its wire format expects (for measuring the upstream alone)."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any

GEMINI_KEY = "test-gemini-key"
AZURE_KEY = "test-azure-key"
AZURE_API_VERSION = "2024-10-21"
PROMPT = "Say something."


@dataclass(frozen=True)
class Target:
    provider: str
    upstream: str  # the bench.upstream kind
    model: str

    def env(self, base: str) -> dict[str, str]:
        """The provider's settings for an upstream at ``base``."""
        if self.provider == "ollama":
            return {"OLLAMA_BASE_URL": base}
        if self.provider == "gemini":
            return {"GEMINI_API_KEY": GEMINI_KEY, "GEMINI_BASE_URL": base}
        return {
            "AZURE_OPENAI_ENDPOINT": base + "/",
            "AZURE_OPENAI_API_KEY": AZURE_KEY,
            "AZURE_OPENAI_DEPLOYMENT": self.model,
            "AZURE_OPENAI_MODEL": "gpt-4o",
        }

    def raw_request(self, base: str) -> dict[str, Any]:
        """``client.stream(**request)`` arguments for one streamed chat, in the wire format."""
        if self.provider == "ollama":
            return {
                "method": "POST",
                "url": f"{base}/api/chat",
                "json": {
                    "model": self.model,
                    "messages": [{"role": "user", "content": PROMPT}],
                    "stream": True,
                },
            }
        if self.provider == "gemini":
            return {
                "method": "POST",
                "url": f"{base}/v1beta/models/{self.model}:streamGenerateContent?alt=sse",
                "headers": {"x-goog-api-key": GEMINI_KEY},
                "json": {"contents": [{"role": "user", "parts": [{"text": PROMPT}]}]},
            }
        return {
            "method": "POST",
            "url": f"{base}/openai/deployments/{self.model}/chat/completions"
            f"?api-version={AZURE_API_VERSION}",
            "headers": {"api-key": AZURE_KEY},
            "json": {"messages": [{"role": "user", "content": PROMPT}], "stream": True},
        }


TARGETS = {
    "ollama": Target("ollama", "ollama", "llama3.2:latest"),
    "gemini": Target("gemini", "gemini", "gemini-2.5-flash"),
    "azure-openai": Target("azure-openai", "azure-openai", "chat"),
}
LEAN_OLLAMA = Target("ollama", "ollama-lean", "llama3.2:latest")


def installed() -> list[str]:
    """The first-party providers whose plugin is installed here."""
    modules = {"ollama": "agentkit_ollama", "gemini": "agentkit_gemini"}
    modules["azure-openai"] = "agentkit_azure_openai"
    return [p for p, module in modules.items() if importlib.util.find_spec(module) is not None]
