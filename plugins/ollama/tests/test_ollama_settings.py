"""Settings: defaults that work with a local Ollama, the environment, a .env file, the forms
OLLAMA_HOST takes, and clear errors for bad values that never echo a secret."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from agentkit_ollama.provider import OllamaProvider
from agentkit_ollama.settings import OllamaSettings


def test_defaults_fit_a_local_ollama():
    settings = OllamaSettings()
    assert settings.base_url == "http://localhost:11434"
    assert settings.model == "qwen:7b"
    assert settings.keep_alive is None
    assert settings.num_ctx is None  # the model's Modelfile or the server's default decides
    assert settings.request_headers() == {}


def test_environment_sets_every_setting(monkeypatch):
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://gpu-box:11434/")
    monkeypatch.setenv("OLLAMA_MODEL", "llama3.2")
    monkeypatch.setenv("OLLAMA_KEEP_ALIVE", "10m")
    monkeypatch.setenv("OLLAMA_NUM_CTX", "16384")
    monkeypatch.setenv("OLLAMA_HEADERS", '{"X-Proxy-Token": "tok-123"}')
    settings = OllamaSettings()
    assert settings.base_url == "http://gpu-box:11434"
    assert settings.model == "llama3.2"
    assert settings.keep_alive == "10m"
    assert settings.num_ctx == 16384
    assert settings.request_headers() == {"X-Proxy-Token": "tok-123"}


def test_dotenv_file_in_the_working_folder_is_read():
    Path(".env").write_text("OLLAMA_BASE_URL=http://10.0.0.5:11434\nOLLAMA_MODEL=mistral:7b\n")
    settings = OllamaSettings()
    assert settings.base_url == "http://10.0.0.5:11434"
    assert settings.model == "mistral:7b"


@pytest.mark.parametrize(
    ("value", "url"),
    [
        ("0.0.0.0:11434", "http://127.0.0.1:11434"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("127.0.0.1", "http://127.0.0.1:11434"),
        (":11500", "http://127.0.0.1:11500"),
        ("ollama.internal:8080", "http://ollama.internal:8080"),
        ("[::]:11434", "http://[::1]:11434"),
        ("https://ollama.example.com", "https://ollama.example.com"),
        ("http://proxy.example.com/ollama/", "http://proxy.example.com/ollama"),
    ],
)
def test_ollama_host_forms_become_urls_a_client_can_dial(monkeypatch, value, url):
    monkeypatch.setenv("OLLAMA_HOST", value)
    assert OllamaSettings().base_url == url


def test_ollama_base_url_wins_over_ollama_host(monkeypatch):
    monkeypatch.setenv("OLLAMA_HOST", "0.0.0.0:11434")
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://127.0.0.1:9999")
    assert OllamaSettings().base_url == "http://127.0.0.1:9999"


def test_empty_variables_count_as_unset(monkeypatch):
    monkeypatch.setenv("OLLAMA_BASE_URL", "")
    monkeypatch.setenv("OLLAMA_MODEL", "")
    settings = OllamaSettings()
    assert settings.base_url == "http://localhost:11434"
    assert settings.model == "qwen:7b"


@pytest.mark.parametrize(("value", "sent"), [("300", 300), ("-1", -1), ("1h30m", "1h30m")])
def test_keep_alive_takes_seconds_or_a_duration(monkeypatch, value, sent):
    monkeypatch.setenv("OLLAMA_KEEP_ALIVE", value)
    assert OllamaSettings().keep_alive == sent


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("OLLAMA_BASE_URL", "ftp://files.example.com", "http(s) URL"),
        ("OLLAMA_KEEP_ALIVE", "soon", "duration"),
        ("OLLAMA_NUM_CTX", "0", "greater than or equal to 1"),
        ("OLLAMA_NUM_CTX", "8k", "valid integer"),
        ("OLLAMA_HEADERS", "Authorization: Bearer tok-secret-42", "JSON object"),
        ("OLLAMA_HEADERS", '["tok-secret-42"]', "JSON object"),
    ],
)
def test_bad_values_are_explained_without_echoing_them(monkeypatch, name, value, words):
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError) as caught:
        OllamaSettings()
    messages = " ".join(e["msg"] for e in caught.value.errors(include_input=False))
    assert words in messages
    assert "tok-secret-42" not in messages


def test_api_key_is_sent_as_bearer_unless_a_header_says_otherwise(monkeypatch):
    monkeypatch.setenv("OLLAMA_API_KEY", "key-abc")
    assert OllamaSettings().request_headers() == {"Authorization": "Bearer key-abc"}
    monkeypatch.setenv("OLLAMA_HEADERS", '{"authorization": "Basic dXNlcjpwdw=="}')
    assert OllamaSettings().request_headers() == {"authorization": "Basic dXNlcjpwdw=="}


def test_header_values_api_key_and_url_password_are_secrets(monkeypatch):
    monkeypatch.setenv("OLLAMA_BASE_URL", "http://me:pass%2Fword@proxy.example.com")
    monkeypatch.setenv("OLLAMA_HEADERS", '{"X-Proxy-Token": "tok-123"}')
    monkeypatch.setenv("OLLAMA_API_KEY", "key-abc")
    secrets = OllamaProvider(OllamaSettings()).secret_values()
    assert {"tok-123", "key-abc", "pass%2Fword", "pass/word"} <= set(secrets)


def test_importing_the_plugin_loads_neither_langchain_nor_the_ollama_client():
    code = (
        "import sys, agentkit_ollama.plugin; "
        "print(sorted(m for m in ('langchain_ollama', 'ollama', 'langchain_core') "
        "if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
