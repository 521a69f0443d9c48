"""Listing models from the Gemini REST API, against the emulator."""

from __future__ import annotations

import httpx
import pytest

from agentkit import AuthFailed, RateLimited, UpstreamError, UpstreamUnavailable
from agentkit.testing import free_port, list_models
from agentkit_gemini.provider import GeminiProvider
from agentkit_gemini.settings import GeminiSettings
from agentkit_gemini.testing import DEFAULT_KEY, error_body, model_entry, retry_info


def test_lists_only_models_that_can_chat(provider, emulator):
    models = list_models(provider)
    assert [m.id for m in models] == [
        "gemini-2.5-flash",
        "gemini-2.5-pro",
        "gemini-2.0-flash",
        "gemini-2.5-flash-lite",
        "gemini-3-pro-preview",
        "gemini-3-flash-preview",
    ]
    flash = models[0]
    assert flash.name == "Gemini 2.5 Flash"
    assert flash.details["input_token_limit"] == 1_048_576
    assert flash.details["output_token_limit"] == 65_536
    assert models[2].details["output_token_limit"] == 8192
    thinking = [m.id for m in models if "thinking" in m.capabilities]
    assert thinking == [m.id for m in models if m.id != "gemini-2.0-flash"], (
        "the capability comes from the `thinking` field of Gemini's model metadata"
    )
    request = emulator.requests[0]
    assert request["method"] == "GET"
    assert request["path"] == "/v1beta/models"
    assert request["headers"]["x-goog-api-key"] == DEFAULT_KEY
    assert "key" not in request["query"], "the key belongs in a header, not in the URL"


def test_follows_next_page_token_to_the_end(provider, emulator):
    chat_models = [model_entry(f"gemini-test-{n}") for n in range(6)]
    emulator.models = [
        chat_models[0],
        model_entry("text-embedding-a", methods=["embedContent"]),
        *chat_models[1:4],
        model_entry("text-embedding-b", methods=["embedContent", "countTokens"]),
        *chat_models[4:],
    ]
    provider.page_size = 3
    models = list_models(provider)
    assert [m.id for m in models] == [f"gemini-test-{n}" for n in range(6)]
    assert len(emulator.requests) == 3
    assert all(r["query"]["pageSize"] == "3" for r in emulator.requests)
    assert "pageToken" not in emulator.requests[0]["query"]
    assert emulator.requests[1]["query"]["pageToken"]
    assert emulator.requests[2]["query"]["pageToken"] != emulator.requests[1]["query"]["pageToken"]


def test_emulator_pages_by_fifty_by_default(emulator, emulator_url):
    emulator.models = [model_entry(f"m{n}") for n in range(120)]
    first = httpx.get(f"{emulator_url}/v1beta/models", headers={"x-goog-api-key": DEFAULT_KEY})
    assert len(first.json()["models"]) == 50
    token = first.json()["nextPageToken"]
    rest = httpx.get(
        f"{emulator_url}/v1/models",
        params={"pageToken": token, "pageSize": 100},
        headers={"x-goog-api-key": DEFAULT_KEY},
    ).json()
    assert len(rest["models"]) == 70
    assert "nextPageToken" not in rest


def test_rejected_key_says_so(monkeypatch, emulator_url):
    monkeypatch.setenv("GEMINI_API_KEY", "wrong-key-123456")
    monkeypatch.setenv("GEMINI_BASE_URL", emulator_url)
    with pytest.raises(AuthFailed) as caught:
        list_models(GeminiProvider(GeminiSettings()))
    assert "the API key was rejected" in caught.value.message
    assert "GEMINI_API_KEY" in caught.value.hint
    assert "wrong-key-123456" not in caught.value.message + caught.value.hint


def test_quota_exhausted_carries_the_retry_delay(provider, emulator):
    emulator.fail(429, error_body(429, "Quota exceeded.", [retry_info("17s")]))
    with pytest.raises(RateLimited) as caught:
        list_models(provider)
    assert caught.value.retry_after == 17
    assert "Quota exceeded." in caught.value.message


def test_retry_after_header_wins(provider, emulator):
    emulator.fail(429, headers={"Retry-After": "4"})
    with pytest.raises(RateLimited) as caught:
        list_models(provider)
    assert caught.value.retry_after == 4


def test_server_error(provider, emulator):
    emulator.fail(503, error_body(503, "The model is overloaded."))
    with pytest.raises(UpstreamError, match="overloaded"):
        list_models(provider)


def test_a_base_url_that_is_not_gemini(provider, emulator):
    emulator.fail(404, "Not Found")
    with pytest.raises(UpstreamError, match="Gemini has no model list at http") as caught:
        list_models(provider)
    assert "GEMINI_BASE_URL" in caught.value.hint


def test_unreachable_endpoint_names_it(monkeypatch):
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("GEMINI_API_KEY", DEFAULT_KEY)
    monkeypatch.setenv("GEMINI_BASE_URL", url)
    with pytest.raises(UpstreamUnavailable) as caught:
        list_models(GeminiProvider(GeminiSettings()))
    assert url in caught.value.message
    assert "GEMINI_BASE_URL" in caught.value.hint


def test_permission_denied_is_an_auth_failure(provider, emulator):
    emulator.fail(403, error_body(403, "Generative Language API has not been used in project."))
    with pytest.raises(AuthFailed, match="has not been used"):
        list_models(provider)


def test_emulator_serves_one_model_and_google_errors(emulator, emulator_url):
    headers = {"x-goog-api-key": DEFAULT_KEY}
    one = httpx.get(f"{emulator_url}/v1beta/models/gemini-2.5-pro", headers=headers)
    assert one.json()["displayName"] == "Gemini 2.5 Pro"
    missing = httpx.get(f"{emulator_url}/v1/models/gemini-0", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["error"]["status"] == "NOT_FOUND"
    anonymous = httpx.get(f"{emulator_url}/v1beta/models")
    assert anonymous.status_code == 403
    assert anonymous.json()["error"]["status"] == "PERMISSION_DENIED"
    wrong = httpx.get(f"{emulator_url}/v1beta/models", headers={"x-goog-api-key": "nope"})
    assert wrong.status_code == 400
    assert wrong.json()["error"]["details"][0]["reason"] == "API_KEY_INVALID"
