"""Thinking models through the real host and ChatOllama: the thinking streams as AG-UI reasoning
before the answer, each reasoning effort becomes the ``think`` the model takes, and a model that
only thinks ends with an error that says what to do."""

from __future__ import annotations

import httpx
import pytest

from agentkit import ChatParams
from agentkit.testing import (
    chat,
    error_of,
    reasoning_before_answer,
    reasoning_of,
    run_input,
    stream_answer,
    text_of,
)


def ollama_run(model: str, effort: str | None = None, **params) -> dict:
    if effort is not None:
        params["reasoning_effort"] = effort
    return run_input("Is 17 a prime?", provider="ollama", model=model, params=params)


def sent_think(emulator) -> object:
    """The ``think`` of the last chat request; ``"unset"`` when the key was left out."""
    return emulator.requests_to("/api/chat")[-1]["json"].get("think", "unset")


def test_thinking_streams_as_reasoning_before_the_answer(host, ollama_env, emulator):
    emulator.thinking = "Seventeen has no divisors but one and itself."
    emulator.reply = "Yes, 17 is prime."
    events = chat(host(), ollama_run("qwen3:8b"))

    assert reasoning_of(events) == emulator.thinking
    assert text_of(events) == emulator.reply
    assert reasoning_before_answer(events)
    assert events[0].metadata["reasoning"] == {"effort": None, "sent": {"think": True}}
    assert sent_think(emulator) is True


def test_usage_counts_the_thinking_in_the_output_without_a_reasoning_figure(
    host, ollama_env, emulator
):
    emulator.thinking = "one two three"
    emulator.reply = "four five"
    usage = chat(host(), ollama_run("qwen3:8b"))[-1].usage[0]
    assert usage.output_tokens == 5  # Ollama's eval_count: thinking and answer together
    assert usage.reasoning_tokens is None  # Ollama does not report it apart


@pytest.mark.parametrize(
    ("model", "effort", "think"),
    [
        ("qwen3:8b", None, True),
        ("qwen3:8b", "none", False),
        ("qwen3:8b", "minimal", True),
        ("qwen3:8b", "low", True),
        ("qwen3:8b", "high", True),
        ("gpt-oss:20b", None, True),
        ("gpt-oss:20b", "none", "low"),
        ("gpt-oss:20b", "minimal", "low"),
        ("gpt-oss:20b", "low", "low"),
        ("gpt-oss:20b", "medium", "medium"),
        ("gpt-oss:20b", "high", "high"),
    ],
)
def test_each_effort_is_sent_as_the_think_the_model_takes(
    host, ollama_env, emulator, model, effort, think
):
    events = chat(host(), ollama_run(model, effort))
    assert error_of(events) is None
    assert sent_think(emulator) == think and type(sent_think(emulator)) is type(think)
    assert events[0].metadata["reasoning"] == {"effort": effort, "sent": {"think": think}}


def test_none_stops_qwen3_thinking_but_gpt_oss_cannot_stop(host, ollama_env, emulator):
    base = host()
    qwen = chat(base, ollama_run("qwen3:8b", "none"))
    gpt_oss = chat(base, ollama_run("gpt-oss:20b", "none"))
    assert reasoning_of(qwen) == "" and text_of(qwen) == emulator.reply
    assert reasoning_of(gpt_oss) == emulator.thinking and text_of(gpt_oss) == emulator.reply


@pytest.mark.parametrize("effort", [None, "high"])
def test_a_model_that_cannot_think_is_sent_no_think(host, ollama_env, emulator, effort):
    events = chat(host(), ollama_run("llama3.2:latest", effort))
    assert text_of(events) == emulator.reply and reasoning_of(events) == ""
    assert sent_think(emulator) == "unset"
    expected = None if effort is None else {"effort": "high", "sent": None}
    assert events[0].metadata.get("reasoning") == expected


def test_a_model_not_listed_yet_is_left_to_the_servers_default(provider, emulator):
    chunks = stream_answer(provider, "qwen3:8b", "hi", params=ChatParams())
    assert sent_think(emulator) == "unset"
    assert "".join(c.text for c in chunks) == emulator.reply


def test_thinking_without_an_answer_is_no_answer(host, ollama_env, emulator):
    emulator.reply = ""
    events = chat(host(), ollama_run("qwen3:8b"))
    error = error_of(events)
    assert error.code == "no_answer"
    assert "thought but gave no answer" in error.message
    assert reasoning_of(events) == emulator.thinking


def test_a_token_limit_spent_thinking_says_to_raise_max_tokens(host, ollama_env, emulator):
    emulator.thinking = "one two three four five six"
    events = chat(host(), ollama_run("qwen3:8b", max_tokens=4))
    error = error_of(events)
    assert error.code == "no_answer"
    assert "token limit" in error.message and "Raise max_tokens" in error.message
    assert reasoning_of(events) == "one two three four "
    assert emulator.requests_to("/api/chat")[-1]["json"]["options"]["num_predict"] == 4


def test_thinking_models_show_the_thinking_capability(host, ollama_env):
    document = httpx.get(f"{host()}/models/ollama", timeout=10).json()
    capabilities = {m["id"]: m["capabilities"] for m in document["models"]}
    assert capabilities["qwen3:8b"] == ["tools", "thinking"]
    assert capabilities["gpt-oss:20b"] == ["tools", "thinking"]
    assert "thinking" not in capabilities["llama3.2:latest"]
