"""Listing: what GET /api/tags and POST /api/show say, as a user sees it in the model list, the
per-digest cache of /api/show, failures a user can act on, and the default model."""

from __future__ import annotations

import json

import pytest

from agentkit import AuthFailed, Model, UpstreamError, UpstreamUnavailable
from agentkit.testing import list_models, serve
from agentkit_ollama.listing import human_size
from agentkit_ollama.provider import OllamaProvider
from agentkit_ollama.settings import OllamaSettings
from agentkit_ollama.testing import OllamaEmulator, OllamaModel


def listed(provider: OllamaProvider) -> dict[str, Model]:
    return {model.id: model for model in list_models(provider)}


PULLED = [
    "qwen:7b",
    "llama3.2:latest",
    "gemma3:4b",
    "qwen3:8b",
    "gpt-oss:20b",
    "qwen3-vl:8b",
    "nomic-embed-text:latest",
]


def test_models_carry_size_parameters_quantisation_and_capabilities(provider):
    models = listed(provider)
    assert list(models) == PULLED
    llama = models["llama3.2:latest"]
    assert llama.size == "2.0 GB"
    assert llama.capabilities == ["tools"]
    assert {k: v for k, v in llama.details.items() if k != "context_in_effect"} == {
        "family": "llama",
        "parameter_size": "3.2B",
        "quantization": "Q4_K_M",
    }
    assert models["gemma3:4b"].capabilities == ["vision"]
    assert models["qwen3:8b"].capabilities == ["tools", "thinking"]
    assert models["qwen3-vl:8b"].capabilities == ["tools", "vision", "thinking"]
    assert models["gpt-oss:20b"].details["family"] == "gptoss"
    assert models["qwen:7b"].available


def test_profiles_come_from_show_with_their_sources(provider):
    models = listed(provider)
    windows = {name: m.context_window for name, m in models.items()}
    assert windows == {
        "qwen:7b": 32768,
        "llama3.2:latest": 131072,
        "gemma3:4b": 32768,
        "qwen3:8b": 40960,
        "gpt-oss:20b": 131072,
        "qwen3-vl:8b": 262144,
        "nomic-embed-text:latest": 2048,
    }
    qwen3 = models["qwen3:8b"]
    assert qwen3.sources == {
        "capabilities": "Ollama /api/show",
        "context_window": "Ollama /api/show (model_info)",
    }
    assert qwen3.knows("capabilities") and not qwen3.knows("max_output_tokens")
    assert qwen3.max_output_tokens is None
    # Nothing sets the window chats get: the server's default, which the listing cannot read.
    assert qwen3.context_in_effect is None and not qwen3.knows("context_in_effect")
    assert "server's default applies" in qwen3.details["context_in_effect"]
    assert "OLLAMA_NUM_CTX" in qwen3.details["context_in_effect"]


def test_only_capabilities_agentkit_names_are_listed(provider, emulator):
    emulator.models[0].capabilities = ["vision", "completion", "insert", "audio", "tools", "image"]
    assert listed(provider)["qwen:7b"].capabilities == ["tools", "vision", "audio"]


def test_the_window_is_read_under_the_models_architecture(provider, emulator):
    show = emulator.models[1].show()  # a key of another prefix first, then the architecture's
    show["model_info"] = {"clip.context_length": 999, **show["model_info"]}
    show["model_info"]["llama.context_length"] = 8192
    emulator.fail(200, show, times=len(PULLED), on="/api/show")
    assert listed(provider)["llama3.2:latest"].context_window == 8192


def test_ollama_num_ctx_is_the_window_in_effect_capped_at_the_models(monkeypatch, ollama_env):
    monkeypatch.setenv("OLLAMA_NUM_CTX", "65536")
    models = listed(OllamaProvider(OllamaSettings()))
    llama, qwen = models["llama3.2:latest"], models["qwen:7b"]
    assert (llama.context_in_effect, llama.sources["context_in_effect"]) == (
        65536,
        "OLLAMA_NUM_CTX",
    )
    assert (qwen.context_in_effect, qwen.sources["context_in_effect"]) == (
        32768,
        "OLLAMA_NUM_CTX, capped at the model's window",
    )
    assert "context_in_effect" not in llama.details


def test_a_modelfile_num_ctx_is_the_window_in_effect_unless_ollama_num_ctx_is_set(
    monkeypatch, emulator, ollama_env
):
    emulator.models[1].parameters = {"num_ctx": 8192, "stop": ["<|eot_id|>", "<|eom_id|>"]}
    llama = listed(OllamaProvider(OllamaSettings()))["llama3.2:latest"]
    assert llama.context_in_effect == 8192
    assert llama.sources["context_in_effect"] == "Ollama /api/show (the Modelfile's num_ctx)"

    monkeypatch.setenv("OLLAMA_NUM_CTX", "4096")
    llama = listed(OllamaProvider(OllamaSettings()))["llama3.2:latest"]
    assert (llama.context_in_effect, llama.sources["context_in_effect"]) == (
        4096,
        "OLLAMA_NUM_CTX",
    )


def test_a_model_that_cannot_chat_is_listed_as_unavailable(provider):
    embed = listed(provider)["nomic-embed-text:latest"]
    assert not embed.available
    assert embed.capabilities == []
    assert embed.details["note"] == "cannot chat (capabilities: embedding)"
    assert "context_in_effect" not in embed.details


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (4_683_075_271, "4.7 GB"),
        (19_851_337_640, "19 GB"),
        (1_000_000_000, "1 GB"),
        (274_302_450, "274 MB"),
        (1_500_000, "1.5 MB"),
        (2_100_000_000_000, "2.1 TB"),
        (512, "512 B"),
    ],
)
def test_sizes_read_like_ollama_list(size, text):
    assert human_size(size) == text


def test_show_is_asked_once_per_digest(provider, emulator):
    listed(provider)
    assert len(emulator.requests_to("/api/show")) == len(PULLED)
    listed(provider)
    assert len(emulator.requests_to("/api/show")) == len(PULLED)

    emulator.models[1].digest = "f" * 64  # llama3.2 re-pulled: a new build
    emulator.models[1].capabilities = ["completion", "tools", "thinking"]
    models = listed(provider)
    shown = [r["json"]["model"] for r in emulator.requests_to("/api/show")]
    assert shown[len(PULLED) :] == ["llama3.2:latest"]
    assert models["llama3.2:latest"].capabilities == ["tools", "thinking"]


def test_show_failures_still_list_the_models_and_are_not_cached(provider, emulator):
    emulator.fail(500, {"error": "disk on fire"}, times=len(PULLED), on="/api/show")
    models = listed(provider)
    assert list(models) == PULLED
    assert all(m.capabilities == [] and m.available for m in models.values())
    assert not any(m.knows("capabilities") or m.knows("context_window") for m in models.values())
    assert models["qwen:7b"].size == "4.5 GB"

    assert listed(provider)["llama3.2:latest"].capabilities == ["tools"]
    assert len(emulator.requests_to("/api/show")) == 2 * len(PULLED)


def test_show_requests_are_made_concurrently(provider, emulator):
    emulator.models = [OllamaModel(f"model-{i}:latest") for i in range(8)]
    emulator.show_delay = 0.05
    assert len(listed(provider)) == 8
    assert emulator.peak_shows > 1


def test_unreachable_server_says_how_to_start_it(dead_url):
    provider = OllamaProvider(OllamaSettings(OLLAMA_BASE_URL=dead_url))
    with pytest.raises(UpstreamUnavailable) as caught:
        listed(provider)
    assert caught.value.message == f"Ollama could not be reached at {dead_url}."
    assert "`ollama serve`" in caught.value.hint and "OLLAMA_BASE_URL" in caught.value.hint


def test_unreachable_url_with_a_password_is_shown_without_it(dead_url):
    with_password = dead_url.replace("http://", "http://me:hunter22@")
    provider = OllamaProvider(OllamaSettings(OLLAMA_BASE_URL=with_password))
    with pytest.raises(UpstreamUnavailable) as caught:
        listed(provider)
    assert "hunter22" not in caught.value.message
    assert dead_url.replace("http://", "http://me:***@") in caught.value.message


def test_a_server_that_is_not_ollama_is_named(provider, emulator, ollama_env):
    emulator.fail(404, "404 page not found", on="/api/tags")
    with pytest.raises(UpstreamError) as caught:
        listed(provider)
    assert ollama_env in caught.value.message
    assert "OLLAMA_BASE_URL" in caught.value.hint

    emulator.fail(200, {"tags": []}, on="/api/tags")
    with pytest.raises(UpstreamError, match="did not answer like an Ollama server"):
        listed(provider)


def test_proxy_headers_go_with_every_listing_request(monkeypatch):
    emulator = OllamaEmulator(required_headers={"x-proxy-token": "tok-123"})
    with serve(emulator.app) as url:
        monkeypatch.setenv("OLLAMA_BASE_URL", url)
        with pytest.raises(AuthFailed) as caught:
            listed(OllamaProvider(OllamaSettings()))
        assert "OLLAMA_HEADERS" in caught.value.hint

        monkeypatch.setenv("OLLAMA_HEADERS", json.dumps({"X-Proxy-Token": "tok-123"}))
        models = listed(OllamaProvider(OllamaSettings()))
    assert models["llama3.2:latest"].capabilities == ["tools"]
    sent = {r["path"]: r["headers"].get("x-proxy-token") for r in emulator.requests[1:]}
    assert sent == {"/api/tags": "tok-123", "/api/show": "tok-123"}


# --- the default model ---------------------------------------------------------------------


def test_configured_model_is_the_default_when_pulled(monkeypatch, ollama_env):
    monkeypatch.setenv("OLLAMA_NUM_CTX", "8192")
    provider = OllamaProvider(OllamaSettings())
    assert provider.choose_default(list(listed(provider).values())) == ("qwen:7b", None)


def test_a_name_without_tag_matches_latest(monkeypatch, ollama_env):
    monkeypatch.setenv("OLLAMA_MODEL", "llama3.2")
    monkeypatch.setenv("OLLAMA_NUM_CTX", "8192")
    provider = OllamaProvider(OllamaSettings())
    assert provider.choose_default(list(listed(provider).values())) == ("llama3.2:latest", None)


def test_the_notice_says_when_the_servers_default_window_applies(emulator, provider):
    default, notice = provider.choose_default(list(listed(provider).values()))
    assert default == "qwen:7b"
    assert notice.startswith("Chats get Ollama's default context window")
    assert "OLLAMA_CONTEXT_LENGTH" in notice and "Set OLLAMA_NUM_CTX" in notice

    for model in emulator.models:  # every Modelfile sets num_ctx: nothing to warn about
        model.parameters = {"num_ctx": 8192}
    fresh = OllamaProvider(OllamaSettings())  # /api/show answers are cached per provider
    assert fresh.choose_default(list(listed(fresh).values())) == ("qwen:7b", None)


def test_unpulled_default_falls_to_the_first_pulled_model_with_a_notice(emulator, ollama_env):
    embedding = emulator.find("nomic-embed-text")
    emulator.models = [embedding, *emulator.models[1:3]]  # cannot chat, so not the default
    provider = OllamaProvider(OllamaSettings())
    default, notice = provider.choose_default(list(listed(provider).values()))
    assert default == "llama3.2:latest"
    assert "qwen:7b" in notice and "not pulled" in notice
    assert "`ollama pull qwen:7b`" in notice


def test_no_pulled_models_is_never_a_silent_empty_list(emulator, provider):
    emulator.models = []
    assert listed(provider) == {}
    default, notice = provider.choose_default([])
    assert default == "qwen:7b"
    assert "`ollama pull qwen:7b`" in notice
