"""Reasoning models through a real host: the thinking a server streams as ``reasoning_content``
or ``reasoning`` reaches the client as AG-UI reasoning, and a reasoning effort goes out as
``reasoning_effort`` only when the user chose one."""

import httpx
import pytest
from ag_ui.core import EventType

from agentkit.testing import (
    chat,
    error_of,
    reasoning_before_answer,
    reasoning_of,
    run_input,
    text_of,
)


def ask(base_url: str, model: str, **params) -> list:
    body = run_input("Is 17 a prime?", provider="openai-compatible", model=model, params=params)
    return chat(base_url, body)


@pytest.mark.parametrize("model", ["deepseek-r1", "qwen3"])  # reasoning_content, reasoning
def test_thinking_streams_as_reasoning_before_the_answer(host, emulator, emulator_url, model):
    emulator.thinking = "Seventeen has no divisors but one and itself."
    emulator.reply = "Yes, 17 is prime."
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), model)

    assert reasoning_of(events) == emulator.thinking
    assert text_of(events) == emulator.reply
    assert reasoning_before_answer(events)


def test_a_model_that_does_not_think_streams_no_reasoning(host, emulator, emulator_url):
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), "local-model")
    assert text_of(events) == emulator.reply
    assert not any(e.type == EventType.REASONING_START for e in events)


def test_reasoning_tokens_reach_run_finished(host, emulator, emulator_url):
    emulator.thinking, emulator.reply = "one two three", "four"
    usage = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), "deepseek-r1")[-1].usage[0]
    assert (usage.output_tokens, usage.reasoning_tokens) == (4, 3)


@pytest.mark.parametrize(
    ("effort", "sent"),
    [("none", "low"), ("minimal", "low"), ("low", "low"), ("medium", "medium"), ("high", "high")],
)
def test_an_effort_is_sent_as_a_reasoning_effort_the_server_takes(
    host, emulator, emulator_url, effort, sent
):
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), "qwen3", reasoning_effort=effort)
    assert error_of(events) is None
    assert emulator.requests[-1]["json"]["reasoning_effort"] == sent
    expected = {"effort": effort, "sent": {"reasoning_effort": sent}}
    assert events[0].metadata["reasoning"] == expected


def test_no_effort_sends_no_reasoning_effort(host, emulator, emulator_url):
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), "qwen3")
    assert "reasoning_effort" not in emulator.requests[-1]["json"]
    assert "reasoning" not in events[0].metadata


def test_the_upstream_rejects_an_effort_vllm_does_not_take(emulator, emulator_url):
    body = {"model": "qwen3", "messages": [], "reasoning_effort": "minimal"}
    response = httpx.post(f"{emulator_url}/chat/completions", json=body)
    assert response.status_code == 400
    assert "reasoning_effort" in response.json()["error"]["message"]


def test_a_token_limit_spent_thinking_says_to_raise_max_tokens(host, emulator, emulator_url):
    emulator.reply, emulator.finish_reason = "", "length"
    events = ask(host(OPENAI_COMPATIBLE_BASE_URL=emulator_url), "qwen3", max_tokens=8)
    error = error_of(events)
    assert error.code == "no_answer"
    assert "Raise max_tokens" in error.message
    assert reasoning_of(events) == emulator.thinking
