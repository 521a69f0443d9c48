"""Listing models from the Gemini REST API, against the emulator."""

from __future__ import annotations

import httpx
import pytest

from agentkit import AuthFailed, RateLimited, UpstreamError, UpstreamUnavailable, profiles
from agentkit.testing import free_port, list_models
from agentkit_gemini.listing import LISTING
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
        "gemma-3-1b-it",
    ]
    flash = models[0]
    assert flash.name == "Gemini 2.5 Flash"
    assert flash.details == {"description": "Emulated Gemini 2.5 Flash."}
    thinking = [m.id for m in models if "thinking" in m.capabilities]
    assert thinking == [
        m.id for m in models if m.id not in ("gemini-2.0-flash", "gemma-3-1b-it")
    ], "the capability comes from the `thinking` field of Gemini's model metadata"
    request = emulator.requests[0]
    assert request["method"] == "GET"
    assert request["path"] == "/v1beta/models"
    assert request["headers"]["x-goog-api-key"] == DEFAULT_KEY
    assert "key" not in request["query"], "the key belongs in a header, not in the URL"


def by_id(models) -> dict:
    return {m.id: m for m in models}


def test_windows_and_thinking_come_from_the_listing(provider, emulator):
    models = by_id(list_models(provider))
    flash, older, gemma = (
        models["gemini-2.5-flash"],
        models["gemini-2.0-flash"],
        models["gemma-3-1b-it"],
    )
    assert (flash.context_window, flash.max_output_tokens) == (1_048_576, 65_536)
    assert (older.context_window, older.max_output_tokens) == (1_048_576, 8192)
    assert (gemma.context_window, gemma.max_output_tokens) == (32_768, 8192)
    for model in (flash, older, gemma):
        assert model.sources["context_window"] == LISTING == "Gemini models.list"
        assert model.sources["max_output_tokens"] == LISTING
        assert model.sources["thinking"] == LISTING


def test_other_capabilities_come_from_langchains_profiles(provider, emulator):
    flash = by_id(list_models(provider))["gemini-2.5-flash"]
    assert flash.capabilities == [
        "tools",
        "vision",
        "audio",
        "video",
        "documents",
        "thinking",
        "structured_output",
    ]
    assert flash.sources["capabilities"] == (
        "LangChain model profiles (models.dev), thinking from Gemini models.list"
    )
    assert flash.sources["capabilities"].startswith(profiles.SOURCE)


def test_a_model_langchain_does_not_describe_has_unknown_capabilities(provider, emulator):
    models = by_id(list_models(provider))
    for model_id in ("gemini-2.0-flash", "gemma-3-1b-it"):
        assert profiles.profile("langchain_google_genai", model_id) is None
        assert not models[model_id].knows("capabilities"), model_id
    preview = models["gemini-3-pro-preview"]
    named = profiles.profile("langchain_google_genai", "gemini-3-pro-preview")
    assert named["pdf_inputs"] is True and "image_inputs" not in named, (
        "LangChain names it with only the keys it adds to every Google model"
    )
    assert not preview.knows("capabilities"), (
        "a profile that states no modality must not deny the model vision and tools"
    )
    assert preview.capabilities == ["thinking"]


def test_a_model_without_vision_takes_no_documents(provider, emulator):
    tts = "gemini-2.5-flash-preview-tts"
    emulator.models = [model_entry(tts, methods=["countTokens", "generateContent"])]
    [model] = list_models(provider)
    named = profiles.profile("langchain_google_genai", tts)
    assert named["image_inputs"] is False and named["pdf_inputs"] is True, (
        "LangChain gives every Google model pdf_inputs, even one that cannot see"
    )
    assert model.knows("capabilities") and model.capabilities == [], (
        "Gemini reads a PDF with its vision: no vision, no documents"
    )


def test_the_listing_wins_over_langchain(provider, emulator):
    emulator.models = [
        model_entry("gemini-2.5-flash", input_tokens=200_000, output_tokens=1000),
        {k: v for k, v in model_entry("gemini-2.5-pro").items() if k != "inputTokenLimit"},
    ]
    flash, pro = list_models(provider)
    assert (flash.context_window, flash.max_output_tokens) == (200_000, 1000)
    assert "thinking" not in flash.capabilities, (
        "the listing says it does not think (no `thinking: true`), whatever LangChain says"
    )
    assert "vision" in flash.capabilities
    assert pro.context_window == 1_048_576, "without inputTokenLimit, LangChain's window"
    assert pro.sources["context_window"] == profiles.SOURCE
    assert pro.sources["max_output_tokens"] == LISTING


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
