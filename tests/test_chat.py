"""POST /chat/{agent_id}: the AG-UI stream, tools, errors before and during a run, retries and
cancellation, through a real host on loopback with the scripted fake provider."""

from __future__ import annotations

import json
import time

import httpx
import pytest
from ag_ui.core import EventType
from langchain_core.messages import AIMessage, AIMessageChunk

import agentkit
import agentkit_fake
from agentkit.testing import chat, error_of, parse_sse, run_input, text_of
from agentkit_fake import usage_chunk


def types(events) -> list[str]:
    return [e.type.value for e in events]


def test_a_text_run_streams_in_order_with_usage(host, script):
    script.replies = [[AIMessageChunk("Hello"), AIMessageChunk(", world"), usage_chunk(7, 3)]]
    url = host()

    events = chat(url, run_input("hi"))

    assert types(events) == [
        "RUN_STARTED",
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "RUN_FINISHED",
    ]
    assert text_of(events) == "Hello, world"
    assert events[0].thread_id == "thread-1"
    assert events[0].metadata == {"provider": "fake", "model": "echo", "agent": "chat"}
    usage = events[-1].usage[0]
    assert (usage.input_tokens, usage.output_tokens, usage.total_tokens) == (7, 3, 10)


def test_empty_chunks_never_become_events(host, script):
    script.replies = [
        [AIMessageChunk(""), AIMessageChunk("a"), AIMessageChunk(""), AIMessageChunk("b")]
    ]
    events = chat(host(), run_input("hi"))
    deltas = [e.delta for e in events if e.type == EventType.TEXT_MESSAGE_CONTENT]
    assert deltas == ["a", "b"]


def test_the_whole_conversation_reaches_the_model(host, script):
    url = host(AGENTKIT_SYSTEM_PROMPT="You are terse.")
    messages = [
        {"id": "s1", "role": "system", "content": "Answer in French."},
        {"id": "d1", "role": "developer", "content": "Never use emoji."},
        {"id": "u1", "role": "user", "content": "What is 2+2?"},
        {
            "id": "a1",
            "role": "assistant",
            "content": "",
            "toolCalls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "add", "arguments": '{"a": 2}'},
                }
            ],
        },
        {"id": "t1", "role": "tool", "toolCallId": "c1", "content": "4"},
    ]
    context = [{"description": "user locale", "value": "fr-FR"}]

    events = chat(url, run_input(messages, context=context))

    assert text_of(events) == "echo: 4"
    seen = script.calls[0]["messages"]
    assert [m.type for m in seen] == ["system", "system", "system", "system", "human", "ai", "tool"]
    assert seen[0].content == "You are terse."
    assert "user locale: fr-FR" in seen[3].content
    assert seen[5].tool_calls[0]["args"] == {"a": 2}
    assert seen[6].tool_call_id == "c1"


def test_model_and_params_come_from_forwarded_props_or_query(host, script):
    url = host()
    chat(url, run_input("hi", provider="fake", model="big", params={"temperature": 0.2}))
    events = chat(url, run_input("hi"), params={"provider": "fake", "model": "big"})

    assert script.calls[0]["params"] == {"temperature": 0.2}
    assert events[0].metadata["model"] == "big"


def test_runs_share_a_model_until_the_provider_is_listed_again(host, script):
    url = host()
    for _ in range(3):
        chat(url, run_input("hi", model="echo", params={"temperature": 0.2}))
    assert script.builds == 1

    chat(url, run_input("hi", model="echo", params={"temperature": 0.9}))
    chat(url, run_input("hi", model="big", params={"temperature": 0.2}))
    assert script.builds == 3
    assert [call["params"] for call in script.calls] == [{"temperature": 0.2}] * 3 + [
        {"temperature": 0.9},
        {"temperature": 0.2},
    ]

    httpx.get(f"{url}/models?refresh=true").raise_for_status()
    chat(url, run_input("hi", model="echo", params={"temperature": 0.2}))
    assert script.builds == 4


def test_a_provider_can_have_its_model_built_for_every_run(host, script, monkeypatch):
    monkeypatch.setattr(agentkit_fake.FakeProvider, "reuse_chat_models", False)
    url = host()
    chat(url, run_input("hi"))
    chat(url, run_input("hi"))
    assert script.builds == 2


def test_default_model_setting_applies_to_the_default_provider(host, script):
    events = chat(host(DEFAULT_MODEL="big"), run_input("hi"))
    assert events[0].metadata["model"] == "big"


def test_tools_are_offered_and_tool_calls_stream(host, script):
    script.replies = [
        [
            AIMessageChunk("Let me check."),
            AIMessageChunk(
                "",
                tool_call_chunks=[
                    {"id": "call_1", "name": "weather", "args": '{"city":', "index": 0}
                ],
            ),
            AIMessageChunk("", tool_call_chunks=[{"args": ' "Oslo"}', "index": 0}]),
            AIMessageChunk(
                "", tool_call_chunks=[{"id": "call_2", "name": "time", "args": "{}", "index": 1}]
            ),
        ]
    ]
    tools = [
        {
            "name": "weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        }
    ]

    events = chat(host(), run_input("weather in Oslo?", tools=tools))

    assert script.calls[0]["tools"][0]["function"]["name"] == "weather"
    assert types(events) == [
        "RUN_STARTED",
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "TOOL_CALL_START",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_END",
        "TOOL_CALL_START",
        "TOOL_CALL_ARGS",
        "TOOL_CALL_END",
        "RUN_FINISHED",
    ]
    start = events[4]
    assert (start.tool_call_id, start.tool_call_name) == ("call_1", "weather")
    args = "".join(
        e.delta for e in events if e.type == EventType.TOOL_CALL_ARGS and e.tool_call_id == "call_1"
    )
    assert json.loads(args) == {"city": "Oslo"}


# Errors before the stream: HTTP status and a JSON body naming the problem.


def post(url: str, body, path: str = "/chat/chat", **kw) -> httpx.Response:
    if isinstance(body, dict):
        return httpx.post(url + path, json=body, timeout=10, **kw)
    headers = {"Content-Type": "application/json", **kw.pop("headers", {})}
    return httpx.post(url + path, content=body, timeout=10, headers=headers, **kw)


def test_unknown_agent_is_404(host, script):
    response = post(host(), run_input("hi"), path="/chat/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "agent_not_found"
    assert "chat" in response.json()["error"]["hint"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"{not json", "(body)"),
        ({"runId": "r", "messages": [], "state": {}, "tools": [], "context": []}, "threadId"),
        (
            {
                "threadId": "t",
                "runId": "r",
                "messages": [{"id": "1", "role": "wizard", "content": "x"}],
            },
            "messages.0",
        ),
    ],
)
def test_malformed_body_is_422_naming_the_field(host, script, body, field):
    response = post(host(), body)
    error = response.json()["error"]
    assert response.status_code == 422
    assert error["code"] == "invalid_body"
    assert any(f["field"].startswith(field) for f in error["fields"]), error


def test_invalid_params_are_422_naming_the_param(host, script):
    response = post(host(), run_input("hi", params={"temperature": 9}))
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "params.temperature"


def test_conversation_without_user_message_is_422(host, script):
    response = post(host(), run_input([{"id": "s", "role": "system", "content": "x"}]))
    assert response.status_code == 422
    assert "no user message" in response.json()["error"]["message"]


def test_a_conversation_whose_user_messages_are_empty_is_422(host, script):
    messages = [
        {"id": "s", "role": "system", "content": "Be brief."},
        {"id": "u", "role": "user", "content": "   "},
    ]
    response = post(host(), run_input(messages))
    assert response.status_code == 422
    assert "with content" in response.json()["error"]["message"]
    assert script.calls == []  # nothing reached the model


@pytest.mark.parametrize(
    "model", ["a?b", "a#b", "x/../admin", "../x", "a\x01b", "a\\b", "m" * 300, "  "]
)
def test_a_model_id_that_cannot_go_in_a_url_is_400_before_any_call(host, script, model):
    response = post(host(), run_input("hi", model=model))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_model"
    assert "GET /models" in error["hint"]
    assert script.builds == 0


@pytest.mark.parametrize("parameters", ["a string", [1, 2], 7])
def test_tool_parameters_that_are_not_an_object_are_422(host, script, parameters):
    tools = [{"name": "lookup", "description": "Look up.", "parameters": parameters}]
    response = post(host(), run_input("hi", tools=tools))
    assert response.status_code == 422
    assert "'lookup'" in response.json()["error"]["message"]
    assert script.calls == []


def test_unknown_provider_is_400(host, script):
    response = post(host(), run_input("hi", provider="nope"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unknown_provider"
    assert "fake" in response.json()["error"]["hint"]


def test_provider_not_ready_is_409_with_the_reason(host, script, monkeypatch):
    monkeypatch.delenv("FAKE_API_KEY")
    response = post(host(), run_input("hi", provider="fake"))
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "provider_not_ready"
    assert "FAKE_API_KEY is not set" in response.json()["error"]["message"]


def test_body_over_the_limit_is_413(host, script):
    url = host(AGENTKIT_MAX_BODY_BYTES="2000")
    response = post(url, run_input("x" * 5000))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


# Errors during the run: RUN_ERROR with a stable code, nothing after it.


@pytest.mark.parametrize(
    ("exception", "code"),
    [
        (agentkit.AuthFailed("The key was rejected."), "auth_failed"),
        (agentkit.ContentFiltered("Blocked: violence."), "content_filtered"),
        (agentkit.ContextLengthExceeded("Too long."), "context_length_exceeded"),
        (httpx.ConnectError("refused"), "upstream_unavailable"),
        (httpx.ReadTimeout("slow"), "upstream_timeout"),
        (ValueError("kaboom"), "internal_error"),
    ],
)
def test_failures_become_run_error_with_a_stable_code(host, script, exception, code):
    script.replies = [exception]
    events = chat(host(), run_input("hi"))
    assert types(events) == ["RUN_STARTED", "RUN_ERROR"]
    assert error_of(events).code == code
    assert "Traceback" not in error_of(events).message


def test_a_builder_error_becomes_run_error(host, script):
    events = chat(host(), run_input("hi", model="missing"))
    assert error_of(events).code == "model_not_found"
    assert "missing" in error_of(events).message


def test_a_failure_mid_answer_keeps_what_was_sent_and_ends_with_run_error(host, script):
    script.replies = [AIMessage("one two three four")]
    script.fail_after = (3, httpx.RemoteProtocolError("peer closed connection"))
    events = chat(host(), run_input("hi"))
    assert text_of(events) == "one two"
    assert error_of(events).code == "upstream_error"


def test_an_empty_answer_is_an_error_not_silence(host, script):
    script.replies = [[AIMessageChunk("", response_metadata={"finish_reason": "length"})]]
    events = chat(host(), run_input("hi"))
    assert error_of(events).code == "upstream_error"
    assert "empty answer" in error_of(events).message
    assert "length" in error_of(events).message


def test_secrets_never_appear_in_run_errors(host, script):
    from tests.conftest import FAKE_KEY

    script.replies = [agentkit.AuthFailed(f"key {FAKE_KEY} was rejected")]
    events = chat(host(), run_input("hi"))
    assert FAKE_KEY not in error_of(events).message
    assert "***" in error_of(events).message


# The one retry loop.


def test_rate_limits_before_the_first_token_are_retried(host, script):
    script.replies = [
        agentkit.RateLimited("slow down", retry_after=0.05),
        agentkit.from_status(503, "overloaded"),
    ]
    events = chat(host(AGENTKIT_RETRY_BACKOFF="0.01"), run_input("hi"))
    assert text_of(events) == "echo: hi"
    assert len(script.calls) == 3


def test_retries_stop_at_the_attempt_limit(host, script):
    script.replies = [agentkit.RateLimited("slow down", retry_after=0)] * 5
    events = chat(host(AGENTKIT_RETRY_ATTEMPTS="2"), run_input("hi"))
    assert error_of(events).code == "rate_limited"
    assert len(script.calls) == 2


def test_retries_stop_at_the_deadline(host, script):
    script.replies = [agentkit.RateLimited("slow down", retry_after=30)] * 2
    started = time.monotonic()
    events = chat(host(AGENTKIT_RETRY_DEADLINE="1"), run_input("hi"))
    assert error_of(events).code == "rate_limited"
    assert len(script.calls) == 1, "a Retry-After past the deadline is not waited for"
    assert time.monotonic() - started < 10


def test_errors_that_retrying_cannot_fix_are_not_retried(host, script):
    script.replies = [agentkit.AuthFailed("bad key")]
    chat(host(), run_input("hi"))
    assert len(script.calls) == 1


def test_errors_after_the_first_token_are_not_retried(host, script):
    script.replies = [AIMessage("one two three")]
    script.fail_after = (2, agentkit.from_status(503, "overloaded"))
    events = chat(host(), run_input("hi"))
    assert error_of(events).code == "upstream_error"
    assert len(script.calls) == 1


# Cancellation.


def test_client_disconnect_cancels_the_upstream_call(host, script):
    script.replies = [AIMessage(" ".join(["word"] * 1000))]  # 50 s at this pace
    script.chunk_delay = 0.05
    url = host()
    received = b""
    with (
        httpx.Client(timeout=10) as client,
        client.stream("POST", url + "/chat/chat", json=run_input("hi")) as response,
    ):
        for part in response.iter_bytes():
            received += part
            if b"TEXT_MESSAGE_CONTENT" in received:
                break
    deadline = time.monotonic() + 15  # a liveness bound; the reply lasts far longer
    while script.cancelled == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert script.cancelled == 1
    assert any(e.type == EventType.TEXT_MESSAGE_CONTENT for e in parse_sse(received.decode()))


def test_a_first_token_that_never_comes_is_retried_then_times_out(host, script):
    script.chunk_delay = 5
    url = host(
        AGENTKIT_FIRST_TOKEN_TIMEOUT="0.3", AGENTKIT_RETRY_ATTEMPTS="2", AGENTKIT_RETRY_BACKOFF="0"
    )

    events = chat(url, run_input("hi"))

    assert error_of(events).code == "upstream_timeout"
    assert len(script.calls) == 2  # tried twice
    assert script.cancelled == 2  # each attempt's stream was cancelled when its limit passed


def test_a_timeout_after_the_first_token_is_not_retried(host, script):
    script.replies = [[AIMessageChunk("Hello"), AIMessageChunk(" again")]]
    script.stall_after = 1
    url = host(AGENTKIT_IDLE_TIMEOUT="0.3", AGENTKIT_RETRY_ATTEMPTS="3")

    events = chat(url, run_input("hi"))

    assert text_of(events) == "Hello"
    assert error_of(events).code == "upstream_timeout"
    assert "AGENTKIT_IDLE_TIMEOUT" in error_of(events).message
    assert len(script.calls) == 1
