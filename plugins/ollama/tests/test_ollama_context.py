"""The context window a chat gets: ``OLLAMA_NUM_CTX`` and a request's ``num_ctx`` reach Ollama as
``options.num_ctx``, and the host refuses a conversation longer than the window in effect before
Ollama would silently drop its start."""

from __future__ import annotations

import httpx
import pytest

from agentkit import ChatParams
from agentkit.testing import chat, run_input, stream_answer, text_of
from agentkit_ollama.provider import OllamaProvider
from agentkit_ollama.settings import OllamaSettings

LONG = "Tell me about this. " * 200  # 4,000 characters: more than 600 tokens by any count


def sent_options(emulator) -> dict:
    return emulator.requests_to("/api/chat")[-1]["json"].get("options") or {}


def test_ollama_num_ctx_is_sent_with_every_chat(monkeypatch, emulator, ollama_env):
    stream_answer(OllamaProvider(OllamaSettings()), "qwen:7b", "hi")
    assert "num_ctx" not in sent_options(emulator)  # unset: Ollama's own default applies

    monkeypatch.setenv("OLLAMA_NUM_CTX", "16384")
    provider = OllamaProvider(OllamaSettings())
    stream_answer(provider, "qwen:7b", "hi")
    assert sent_options(emulator) == {"num_ctx": 16384}
    stream_answer(provider, "qwen:7b", "hi", params=ChatParams(temperature=0.2))
    assert sent_options(emulator) == {"num_ctx": 16384, "temperature": 0.2}


def test_a_requests_num_ctx_wins_over_the_setting(monkeypatch, emulator, ollama_env):
    monkeypatch.setenv("OLLAMA_NUM_CTX", "16384")
    provider = OllamaProvider(OllamaSettings())
    stream_answer(provider, "qwen:7b", "hi", params=ChatParams(num_ctx=8192))
    assert sent_options(emulator) == {"num_ctx": 8192}


def test_num_ctx_in_a_runs_params_reaches_ollama(host, ollama_env, emulator):
    events = chat(host(), run_input("hi", model="qwen:7b", params={"num_ctx": 12288}))
    assert text_of(events) == emulator.reply
    assert sent_options(emulator)["num_ctx"] == 12288


def refused(base_url: str, body: dict) -> dict:
    response = httpx.post(f"{base_url}/chat/chat", json=body, timeout=30)
    return {"status": response.status_code, **response.json()["error"]}


@pytest.mark.parametrize(
    ("env", "params", "source"),
    [
        ({"OLLAMA_NUM_CTX": "256"}, None, "OLLAMA_NUM_CTX"),
        ({}, {"num_ctx": 256}, "num_ctx in the request"),
        ({"OLLAMA_NUM_CTX": "32768"}, {"num_ctx": 256}, "num_ctx in the request"),
    ],
)
def test_a_conversation_longer_than_the_window_in_effect_is_refused_before_ollama(
    host, ollama_env, emulator, env, params, source
):
    problem = refused(host(**env), run_input(LONG, model="qwen:7b", params=params))
    assert (problem["status"], problem["code"]) == (400, "context_length_exceeded")
    assert "more than the 256 tokens of qwen:7b's context window in effect" in problem["message"]
    assert f"({source})" in problem["message"]
    assert "raise the window in effect" in problem["hint"]
    assert not emulator.requests_to("/api/chat")  # Ollama would have dropped the start silently


def test_without_a_window_in_effect_the_models_own_window_from_show_is_checked(
    host, ollama_env, emulator
):
    emulator.models[0].context_length = 256
    problem = refused(host(), run_input(LONG, model="qwen:7b"))
    assert (problem["status"], problem["code"]) == (400, "context_length_exceeded")
    assert "the 256 tokens of qwen:7b's context window (Ollama /api/show" in problem["message"]
    assert not emulator.requests_to("/api/chat")


def test_a_conversation_that_fits_is_sent(host, ollama_env, emulator):
    events = chat(host(OLLAMA_NUM_CTX="4096"), run_input(LONG, model="qwen:7b"))
    assert text_of(events) == emulator.reply
    assert sent_options(emulator)["num_ctx"] == 4096
