"""Test isolation for the whole workspace: no test sees the developer's environment or .env."""

import os

import pytest

ISOLATED_PREFIXES = ("AGENTKIT_", "OLLAMA_", "GEMINI_", "GOOGLE_", "AZURE_", "OPENAI_", "DEFAULT_")


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """Run each test in an empty folder with no provider settings from the outer environment."""
    for name in list(os.environ):
        if name.startswith(ISOLATED_PREFIXES):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
