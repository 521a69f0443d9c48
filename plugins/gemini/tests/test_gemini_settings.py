"""Settings: which environment variables and .env entries configure the provider."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agentkit_gemini.settings import DEFAULT_MODEL, GeminiSettings


def test_gemini_api_key_from_environment(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "key-from-gemini-var")
    settings = GeminiSettings()
    assert settings.api_key.get_secret_value() == "key-from-gemini-var"
    assert settings.model == DEFAULT_MODEL == "gemini-2.5-flash"
    assert settings.base_url is None


def test_google_api_key_is_accepted(monkeypatch):
    monkeypatch.setenv("GOOGLE_API_KEY", "key-from-google-var")
    assert GeminiSettings().api_key.get_secret_value() == "key-from-google-var"


def test_gemini_api_key_wins_over_google_api_key(monkeypatch):
    monkeypatch.setenv("GOOGLE_API_KEY", "google")
    monkeypatch.setenv("GEMINI_API_KEY", "gemini")
    assert GeminiSettings().api_key.get_secret_value() == "gemini"


def test_empty_key_counts_as_missing(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "")
    with pytest.raises(ValidationError) as caught:
        GeminiSettings()
    assert caught.value.errors()[0]["type"] == "missing"


def test_settings_from_dotenv_file(tmp_path):
    (tmp_path / ".env").write_text(
        "GEMINI_API_KEY=dotenv-key\nGEMINI_MODEL=gemini-2.5-pro\n"
        "GEMINI_BASE_URL=http://127.0.0.1:9/proxy/\n"
    )
    settings = GeminiSettings()
    assert settings.api_key.get_secret_value() == "dotenv-key"
    assert settings.model == "gemini-2.5-pro"
    assert settings.base_url == "http://127.0.0.1:9/proxy"


def test_base_url_must_be_http(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "k")
    monkeypatch.setenv("GEMINI_BASE_URL", "generativelanguage.googleapis.com")
    with pytest.raises(ValidationError, match="http"):
        GeminiSettings()


def test_key_is_never_shown(monkeypatch):
    monkeypatch.setenv("GEMINI_API_KEY", "super-secret-key")
    settings = GeminiSettings()
    assert "super-secret-key" not in repr(settings)
    assert "super-secret-key" not in str(settings.model_dump())
