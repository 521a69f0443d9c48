"""The chat model builder, driving the real langchain-openai clients against the emulator (both
APIs, both kinds of authentication), and the errors the provider makes of what they raise."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from langchain_core.messages import AIMessageChunk

from agentkit import (
    AgentKitError,
    AuthFailed,
    ChatParams,
    ContentFiltered,
    InvalidRequest,
    ModelNotFound,
    RateLimited,
    UpstreamError,
    UpstreamUnavailable,
)
from agentkit.testing.streams import answer
from agentkit_azure_openai.errors import AUTH_MESSAGE
from agentkit_azure_openai.provider import AzureOpenAIProvider
from agentkit_azure_openai.testing import DATA_TOKEN, DEFAULT_KEY, deployment


def stream(provider: AzureOpenAIProvider, deployment: str = "chat", params=None, *, runs=1):
    """Stream answers the way the host does (one event loop, a model per run). Returns the
    chunks of each run."""

    async def all_runs() -> list[list[AIMessageChunk]]:
        return [
            await answer(provider, deployment, "Is it sunny?", params=params) for _ in range(runs)
        ]

    results = asyncio.run(all_runs())
    return results[0] if runs == 1 else results


def text(chunks: list[AIMessageChunk]) -> str:
    return "".join(chunk.text for chunk in chunks)


def failure(provider, emulator, status, body=None, headers=None, deployment="chat"):
    emulator.fail(status, body, headers=headers)
    with pytest.raises(AgentKitError) as caught:
        stream(provider, deployment)
    return caught.value


# --- the two APIs, the two kinds of authentication -----------------------------------------


def test_classic_api_with_a_key(azure_env, make_provider, emulator):
    emulator.reply = "Sunny all day."
    assert text(stream(make_provider())) == "Sunny all day."
    [request] = emulator.requests
    assert request["path"] == "/openai/deployments/chat/chat/completions"
    assert request["query"] == {"api-version": "2024-10-21"}
    assert request["headers"]["api-key"] == DEFAULT_KEY
    assert "authorization" not in request["headers"]
    assert request["json"]["stream"] is True
    assert request["json"]["messages"] == [{"role": "user", "content": "Is it sunny?"}]


def test_the_api_version_setting_reaches_the_wire(azure_env, monkeypatch, make_provider, emulator):
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2025-01-01-preview")
    stream(make_provider())
    assert emulator.requests[0]["query"] == {"api-version": "2025-01-01-preview"}


def test_v1_api_with_a_key(azure_env, monkeypatch, make_provider, emulator):
    monkeypatch.setenv("AZURE_OPENAI_API", "v1")
    emulator.reply = "Clouds later."
    assert text(stream(make_provider())) == "Clouds later."
    [request] = emulator.requests
    assert request["path"] == "/openai/v1/chat/completions"
    assert request["query"] == {}
    assert request["json"]["model"] == "chat"
    assert request["headers"]["authorization"] == f"Bearer {DEFAULT_KEY}"


def test_classic_api_with_entra_id(entra_env, make_provider, emulator):
    assert text(stream(make_provider())) == emulator.reply
    [request] = emulator.requests
    assert request["path"] == "/openai/deployments/chat/chat/completions"
    assert request["headers"]["authorization"] == f"Bearer {DATA_TOKEN}"
    assert "api-key" not in request["headers"]
    assert entra_env.calls == [("https://cognitiveservices.azure.com/.default",)]


def test_v1_api_with_entra_id(entra_env, monkeypatch, make_provider, emulator):
    monkeypatch.setenv("AZURE_OPENAI_API", "v1")
    assert text(stream(make_provider())) == emulator.reply
    [request] = emulator.requests
    assert request["path"] == "/openai/v1/chat/completions"
    assert request["headers"]["authorization"] == f"Bearer {DATA_TOKEN}"


def test_entra_setting_wins_over_a_key_in_the_environment(
    entra_env, monkeypatch, make_provider, emulator
):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "a-key-that-must-not-be-sent")
    stream(make_provider())
    headers = emulator.requests[0]["headers"]
    assert headers["authorization"] == f"Bearer {DATA_TOKEN}"
    assert "api-key" not in headers


def test_tokens_are_reused_until_they_near_expiry(entra_env, make_provider):
    stream(make_provider(), runs=2)
    assert len(entra_env.calls) == 1
    entra_env.calls.clear()
    entra_env.lifetime = 60  # inside azure-core's five-minute refresh window
    stream(make_provider(), runs=2)
    assert len(entra_env.calls) == 2


def test_the_sdks_environment_fallbacks_do_not_decide(
    azure_env, monkeypatch, make_provider, emulator
):
    for name, value in {
        "OPENAI_API_VERSION": "1999-01-01",
        "AZURE_OPENAI_AD_TOKEN": "stray-token",
        "OPENAI_API_KEY": "stray-openai-key",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        "OPENAI_API_BASE": "http://127.0.0.1:9/v1",
        "OPENAI_PROXY": "http://127.0.0.1:9",
    }.items():
        monkeypatch.setenv(name, value)
    for api in ("classic", "v1"):
        monkeypatch.setenv("AZURE_OPENAI_API", api)
        assert text(stream(make_provider())) == emulator.reply
    classic, v1 = emulator.requests
    assert classic["query"] == {"api-version": "2024-10-21"}
    assert classic["headers"]["api-key"] == DEFAULT_KEY
    assert "authorization" not in classic["headers"]
    assert v1["headers"]["authorization"] == f"Bearer {DEFAULT_KEY}"


def test_usage_arrives_in_the_last_chunks(azure_env, make_provider):
    usage = [c.usage_metadata for c in stream(make_provider()) if c.usage_metadata]
    assert usage and usage[-1]["output_tokens"] > 0


# --- parameters -------------------------------------------------------------------------


@pytest.mark.parametrize("api", ["classic", "v1", "responses"])
def test_nothing_the_user_did_not_set_is_sent(azure_env, monkeypatch, make_provider, emulator, api):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    stream(make_provider())
    body = emulator.requests[0]["json"]
    generation = {"temperature", "top_p", "seed", "stop", "reasoning_effort", "reasoning"}
    tokens = {"max_tokens", "max_completion_tokens", "max_output_tokens"}
    assert not (generation | tokens | {"include"}) & set(body)


def test_request_parameters_reach_the_wire(azure_env, make_provider, emulator):
    params = ChatParams(temperature=0.2, max_tokens=64, top_p=0.9, stop=["END"], seed=7)
    stream(make_provider(), params=params)
    body = emulator.requests[0]["json"]
    assert (body["temperature"], body["max_tokens"], body["top_p"]) == (0.2, 64, 0.9)
    assert (body["stop"], body["seed"]) == (["END"], 7)
    assert "max_completion_tokens" not in body


@pytest.mark.parametrize("api", ["classic", "v1"])
def test_reasoning_deployments_get_max_completion_tokens_and_no_temperature(
    azure_env, monkeypatch, make_provider, emulator, api
):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-12-01-preview")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini")
    params = ChatParams(temperature=0.3, max_tokens=500, top_p=0.5, seed=3)
    assert text(stream(make_provider(), "reasoner", params)) == emulator.reply
    body = emulator.requests[0]["json"]
    assert body["max_completion_tokens"] == 500
    assert not {"temperature", "top_p", "max_tokens", "reasoning_effort"} & set(body)
    assert body["seed"] == 3


def test_an_unknown_model_gets_only_what_the_user_set(
    azure_env, monkeypatch, make_provider, emulator
):
    monkeypatch.delenv("AZURE_OPENAI_MODEL")  # "chat" serves gpt-4o, but nobody said so
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner")
    provider = make_provider()
    params = ChatParams(max_tokens=40, reasoning_effort="high")
    assert provider.reasoning("chat", "high") is None
    stream(provider, "chat", params)
    body = emulator.requests[0]["json"]
    assert body["max_tokens"] == 40
    assert not {"temperature", "reasoning_effort", "max_completion_tokens"} & set(body)


def test_an_unknown_reasoning_model_that_rejects_a_parameter_says_what_to_set(
    azure_env, monkeypatch, make_provider, emulator
):
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-12-01-preview")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner")
    with pytest.raises(InvalidRequest) as caught:
        stream(make_provider(), "reasoner", ChatParams(temperature=0.5))
    assert "'reasoner' rejected a parameter" in caught.value.message
    assert "'temperature' does not support 0.5" in caught.value.message
    assert "AZURE_OPENAI_DEPLOYMENTS=reasoner=<model>" in caught.value.hint


def test_the_model_behind_the_deployment_decides_not_its_name(
    azure_env, monkeypatch, make_provider, emulator
):
    emulator.models.append(deployment("o3-mini", "gpt-4o"))
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "o3-mini=gpt-4o")
    provider = make_provider()
    stream(provider, "o3-mini", ChatParams(max_tokens=10, reasoning_effort="low"))
    body = emulator.requests[0]["json"]
    assert body["max_tokens"] == 10
    assert not {"temperature", "max_completion_tokens", "reasoning_effort"} & set(body)
    assert provider.reasoning("o3-mini", "low") is None


# --- reasoning on chat completions -------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "effort", "sent"),
    [
        ("o3-mini", "high", "high"),
        ("o3-mini", "none", "low"),
        ("o3-mini", "minimal", "low"),
        ("o4-mini", "medium", "medium"),
        ("gpt-5-mini", "none", "minimal"),
        ("gpt-5-mini", "minimal", "minimal"),
        ("gpt-5.1", "none", "none"),
        ("gpt-5.1", "minimal", "low"),  # as close to none as to low: the one that thinks more
        ("gpt-5-pro", "low", "high"),
        ("o1-mini", "high", None),  # o1-mini takes no effort at all
    ],
)
@pytest.mark.parametrize("api", ["classic", "v1"])
def test_the_effort_sent_is_the_nearest_the_family_takes(
    azure_env, monkeypatch, make_provider, emulator, api, model, effort, sent
):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2025-04-01-preview")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", f"deployed={model}")
    emulator.models.append(deployment("deployed", model))
    provider = make_provider()
    expected = {"reasoning_effort": sent} if sent else None
    assert provider.reasoning("deployed", effort) == expected
    assert text(stream(provider, "deployed", ChatParams(reasoning_effort=effort))) == emulator.reply
    assert emulator.requests[0]["json"].get("reasoning_effort") == sent


def test_the_emulator_rejects_an_effort_the_family_does_not_take(emulator_url):
    """What makes the mapping above matter: Azure's 400 for an effort o3-mini does not take."""
    body = {
        "model": "reasoner",
        "messages": [{"role": "user", "content": "hi"}],
        "reasoning_effort": "none",
    }
    response = httpx.post(
        f"{emulator_url}/openai/v1/chat/completions",
        json=body,
        headers={"api-key": DEFAULT_KEY},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["error"] == {
        "message": "Invalid value: 'none'. Supported values are: 'low', 'medium', and 'high'.",
        "type": "invalid_request_error",
        "param": "reasoning_effort",
        "code": "invalid_value",
    }


def test_reasoning_effort_needs_2024_12_01_preview_on_the_classic_api(
    azure_env, monkeypatch, make_provider
):
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini")
    assert make_provider().reasoning("reasoner", "low") == {"reasoning_effort": "low"}
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-10-21")  # set: it has no effort
    assert make_provider().reasoning("reasoner", "low") is None


def test_usage_counts_reasoning_and_cached_tokens(azure_env, monkeypatch, make_provider, emulator):
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-12-01-preview")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini")
    emulator.thinking = "one two three four five"
    emulator.cached_tokens = 3
    [usage] = [c.usage_metadata for c in stream(make_provider(), "reasoner") if c.usage_metadata]
    assert usage["output_token_details"] == {"reasoning": 5}
    assert usage["input_token_details"] == {"cache_read": 3}
    assert usage["output_tokens"] == 5 + len(emulator.reply.split())


# --- errors ------------------------------------------------------------------------------


def test_a_wrong_key_is_auth_failed(azure_env, monkeypatch, make_provider):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "wrong-key-1234")
    with pytest.raises(AuthFailed) as caught:
        stream(make_provider())
    assert caught.value.message.startswith("Azure OpenAI answered HTTP 401: Access denied")
    assert "Keys and Endpoint" in caught.value.hint
    assert "wrong-key-1234" not in caught.value.message + caught.value.hint


def test_a_token_without_the_role_is_auth_failed_with_the_role(entra_env, make_provider):
    entra_env.tokens["https://cognitiveservices.azure.com/.default"] = "token-without-role"
    with pytest.raises(AuthFailed) as caught:
        stream(make_provider())
    assert caught.value.message.startswith("Azure OpenAI answered HTTP 401")
    assert "Cognitive Services OpenAI User" in caught.value.hint


def test_no_entra_token_is_auth_failed(entra_env, make_provider, emulator):
    entra_env.refuse = "DefaultAzureCredential failed to retrieve a token.\nAttempted..."
    with pytest.raises(AuthFailed) as caught:
        stream(make_provider())
    assert caught.value.message == AUTH_MESSAGE
    assert "DefaultAzureCredential failed to retrieve a token." in caught.value.hint
    assert "az login" in caught.value.hint
    assert emulator.requests == []


@pytest.mark.parametrize("api", ["classic", "v1"])
def test_an_unknown_deployment_is_model_not_found(azure_env, monkeypatch, make_provider, api):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    monkeypatch.setenv("AZURE_OPENAI_RESOURCE", "contoso")
    with pytest.raises(ModelNotFound) as caught:
        stream(make_provider(), "gpt-4o-typo")
    assert "'gpt-4o-typo'" in caught.value.message
    assert "'contoso'" in caught.value.message


def test_an_unsupported_api_version_names_the_setting(azure_env, monkeypatch, make_provider):
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2031-01-01")
    with pytest.raises(InvalidRequest) as caught:
        stream(make_provider())
    assert "'2031-01-01'" in caught.value.message
    assert "AZURE_OPENAI_API_VERSION" in caught.value.message


def test_a_reasoning_model_gets_the_api_version_it_needs_unless_one_is_set(
    azure_env, monkeypatch, make_provider, emulator
):
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini")
    assert text(stream(make_provider(), "reasoner")) == emulator.reply
    assert emulator.requests[-1]["query"]["api-version"] == "2024-12-01-preview"
    stream(make_provider(), "chat")
    assert emulator.requests[-1]["query"]["api-version"] == "2024-10-21"


def test_a_reasoning_model_on_an_old_api_version_names_the_setting(
    azure_env, monkeypatch, make_provider
):
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-10-21")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini")
    with pytest.raises(InvalidRequest) as caught:
        stream(make_provider(), "reasoner")
    assert "AZURE_OPENAI_API_VERSION" in caught.value.message
    assert "2024-12-01-preview" in caught.value.hint


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after-ms": "1500", "Retry-After": "2"}, 1.5),
        (None, None),
    ],
)
def test_429_is_rate_limited_with_retry_after(azure_env, make_provider, emulator, headers, seconds):
    error = failure(make_provider(), emulator, 429, headers=headers)
    assert isinstance(error, RateLimited) and error.retryable
    assert error.retry_after == seconds
    assert len(emulator.requests) == 1  # no retries inside the SDK: the host retries


def test_a_blocked_prompt_names_the_categories(azure_env, make_provider, emulator):
    emulator.block_prompt = {"violence": "high", "hate": "medium"}
    with pytest.raises(ContentFiltered) as caught:
        stream(make_provider())
    assert "prompt" in caught.value.message
    assert "hate: medium" in caught.value.message and "violence: high" in caught.value.message
    assert "sexual" not in caught.value.message


@pytest.mark.parametrize("api", ["classic", "v1"])
def test_a_blocked_answer_names_the_categories(
    azure_env, monkeypatch, make_provider, emulator, api
):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    emulator.block_answer = {"self_harm": "medium"}
    with pytest.raises(ContentFiltered) as caught:
        stream(make_provider())
    assert "answer" in caught.value.message and "self_harm: medium" in caught.value.message


def test_a_server_error_is_retryable_upstream_error(azure_env, make_provider, emulator):
    error = failure(make_provider(), emulator, 500)
    assert isinstance(error, UpstreamError) and error.retryable
    assert len(emulator.requests) == 1


def test_context_length_exceeded(azure_env, make_provider, emulator):
    body = {
        "error": {
            "message": "This model's maximum context length is 8192 tokens.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        }
    }
    assert failure(make_provider(), emulator, 400, body).code == "context_length_exceeded"


def test_an_unreachable_endpoint_is_upstream_unavailable(azure_env, monkeypatch, make_provider):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(UpstreamUnavailable) as caught:
        stream(make_provider())
    assert "http://127.0.0.1:9" in caught.value.message


def test_unrelated_errors_are_left_to_the_host(azure_env, make_provider):
    assert make_provider().translate_error(ValueError("boom")) is None


def test_a_deployment_name_stays_one_path_segment(azure_env, make_provider):
    chat = make_provider().chat_model("team/chat?x=1", ChatParams())
    assert str(chat.root_async_client.base_url).endswith("/openai/deployments/team%2Fchat%3Fx%3D1/")


def test_an_error_event_inside_the_stream_is_an_upstream_error(azure_env, make_provider, emulator):
    emulator.raw_stream = [emulator.chunk_bytes("Sun"), emulator.error_event("Server overloaded.")]
    with pytest.raises(UpstreamError, match=r"Server overloaded\."):
        stream(make_provider())
