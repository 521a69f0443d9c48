"""Reasoning through the host, for any provider: thinking streamed as AG-UI reasoning events,
reasoning effort reported, opaque reasoning sealed, carried to the client and back, and a model
that only thinks ended clearly. Driven through a real host with the scripted fake provider."""

from __future__ import annotations

import logging

import httpx
from ag_ui.core import EventType
from langchain_core.messages import AIMessageChunk

from agentkit import OpaqueReasoning
from agentkit.testing import (
    chat,
    encrypted_values,
    error_of,
    reasoning_of,
    run_input,
    text_of,
)


def types(events) -> list[str]:
    return [e.type.value for e in events]


def thought(text: str) -> AIMessageChunk:
    """A chunk of reasoning as integrations with content lists stream it (Gemini, OpenAI)."""
    return AIMessageChunk(content=[{"type": "reasoning", "reasoning": text}])


def tool_chunk(call_id: str, name: str, args: str, index: int = 0) -> AIMessageChunk:
    return AIMessageChunk(
        content="",
        tool_call_chunks=[{"id": call_id, "name": name, "args": args, "index": index}],
    )


WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def test_reasoning_streams_before_the_answer_and_closes_first(host, script):
    script.replies = [[thought("Weighing "), thought("it."), AIMessageChunk("Yes.")]]

    events = chat(host(), run_input("Well?"))

    assert types(events) == [
        "RUN_STARTED",
        "REASONING_START",
        "REASONING_MESSAGE_START",
        "REASONING_MESSAGE_CONTENT",
        "REASONING_MESSAGE_CONTENT",
        "REASONING_MESSAGE_END",
        "REASONING_END",
        "TEXT_MESSAGE_START",
        "TEXT_MESSAGE_CONTENT",
        "TEXT_MESSAGE_END",
        "RUN_FINISHED",
    ]
    assert reasoning_of(events) == "Weighing it."
    assert text_of(events) == "Yes."
    reasoning_id = events[1].message_id
    assert events[2].role == "reasoning"
    assert reasoning_id != events[7].message_id, "reasoning and answer share a message id"


def test_reasoning_content_beside_plain_text_streams_too(host, script):
    """Ollama, DeepSeek and vLLM put the thinking in ``additional_kwargs["reasoning_content"]``
    next to string content."""
    script.replies = [
        [
            AIMessageChunk("", additional_kwargs={"reasoning_content": "Hmm."}),
            AIMessageChunk("Done."),
        ]
    ]
    events = chat(host(), run_input("Well?"))
    assert reasoning_of(events) == "Hmm."
    assert text_of(events) == "Done."


def test_thinking_again_mid_answer_opens_a_new_span_on_the_same_answer(host, script):
    script.replies = [[thought("a"), AIMessageChunk("One. "), thought("b"), AIMessageChunk("Two.")]]

    events = chat(host(), run_input("Well?"))  # checks that reasoning never overlaps text

    spans = [e.message_id for e in events if e.type == EventType.REASONING_START]
    answers = {e.message_id for e in events if e.type == EventType.TEXT_MESSAGE_START}
    assert len(set(spans)) == 2
    assert len(answers) == 1, "one answer must stay one assistant message"
    assert text_of(events) == "One. Two."


def test_tool_calls_belong_to_the_answer_message(host, script):
    script.replies = [
        [thought("Need data."), AIMessageChunk("Checking. "), tool_chunk("c1", "get_weather", "{}")]
    ]
    events = chat(host(), run_input("Weather?", tools=[WEATHER]))
    start = next(e for e in events if e.type == EventType.TOOL_CALL_START)
    text_start = next(e for e in events if e.type == EventType.TEXT_MESSAGE_START)
    assert start.parent_message_id == text_start.message_id


def test_a_model_that_only_thinks_until_the_token_limit_says_to_raise_it(host, script):
    script.replies = [
        [
            thought("Thinking and thinking"),
            AIMessageChunk("", response_metadata={"finish_reason": "length"}),
        ]
    ]
    error = error_of(chat(host(), run_input("Well?")))
    assert error.code == "no_answer"
    assert "token limit" in error.message and "max_tokens" in error.message


def test_an_incomplete_responses_answer_says_why(host, script):
    """The Responses API says why an answer stopped short in ``incomplete_details``."""
    incomplete = {"incomplete_details": {"reason": "max_output_tokens"}, "status": "incomplete"}
    script.replies = [[thought("Thinking"), AIMessageChunk("", response_metadata=incomplete)]]
    error = error_of(chat(host(), run_input("Well?")))
    assert error.code == "no_answer" and "max_tokens" in error.message


def test_a_model_that_only_thinks_ends_with_no_answer(host, script):
    script.replies = [[thought("Nothing to say.")]]
    error = error_of(chat(host(), run_input("Well?")))
    assert error.code == "no_answer"
    assert "gave no answer" in error.message


def test_the_effort_asked_and_what_was_sent_are_in_run_started(host, script):
    script.reasoning = lambda effort: {"think": effort or True}
    url = host()

    asked = chat(url, run_input("hi", params={"reasoning_effort": "low"}))
    default = chat(url, run_input("hi"))

    assert asked[0].metadata["reasoning"] == {"effort": "low", "sent": {"think": "low"}}
    assert default[0].metadata["reasoning"] == {"effort": None, "sent": {"think": True}}
    assert script.calls[0]["params"]["reasoning_effort"] == "low"
    assert asked[0].protocol_version == "1.0"


def test_a_provider_that_sends_nothing_says_so_only_when_asked(host, script):
    url = host()
    plain = chat(url, run_input("hi"))
    asked = chat(url, run_input("hi", params={"reasoning_effort": "high"}))
    assert "reasoning" not in plain[0].metadata
    assert asked[0].metadata["reasoning"] == {"effort": "high", "sent": None}


def test_an_unknown_effort_is_refused_before_the_stream(host, script):
    response = httpx.post(
        f"{host()}/chat/chat", json=run_input("hi", params={"reasoning_effort": "maximum"})
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_body"
    assert "params.reasoning_effort" in error["message"]


def test_a_failing_reasoning_hook_ends_the_run_naming_the_plugin(host, script):
    script.reasoning = KeyError("effort")
    events = chat(host(), run_input("hi"))
    assert types(events) == ["RUN_STARTED", "RUN_ERROR"]
    assert "agentkit_fake" in events[-1].message and "reasoning" in events[-1].message


def test_reasoning_and_cached_tokens_reach_the_usage(host, script):
    usage = AIMessageChunk(
        "",
        usage_metadata={
            "input_tokens": 100,
            "output_tokens": 50,
            "total_tokens": 150,
            "input_token_details": {"cache_read": 80},
            "output_token_details": {"reasoning": 40},
        },
    )
    script.replies = [[thought("hm"), AIMessageChunk("ok"), usage]]
    reported = chat(host(), run_input("hi"))[-1].usage[0]
    assert (reported.input_tokens, reported.output_tokens, reported.total_tokens) == (100, 50, 150)
    assert (reported.reasoning_tokens, reported.cached_input_tokens) == (40, 80)


def opaque_of(message) -> OpaqueReasoning:
    """Like a provider that signs each tool call and the answer."""
    return OpaqueReasoning(
        message=f"sig-{message.text}",
        tool_calls={call["id"]: f"sig-{call['id']}" for call in message.tool_calls},
    )


def test_opaque_reasoning_leaves_sealed_on_the_answer_and_its_tool_calls(host, script):
    script.opaque = opaque_of
    script.replies = [
        [AIMessageChunk("Let me check."), tool_chunk("c1", "get_weather", '{"city": "Oslo"}')]
    ]

    events = chat(host(), run_input("Weather?", tools=[WEATHER]))

    answer_id = next(e.message_id for e in events if e.type == EventType.TEXT_MESSAGE_START)
    assert encrypted_values(events) == {
        answer_id: "agentkit.1:fake:sig-Let me check.",
        "c1": "agentkit.1:fake:sig-c1",
    }
    subtypes = {
        e.entity_id: e.subtype for e in events if e.type == EventType.REASONING_ENCRYPTED_VALUE
    }
    assert subtypes == {answer_id: "message", "c1": "tool-call"}


def conversation(message_value: str | None, call_value: str | None) -> list[dict]:
    call = {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
    if call_value:
        call["encryptedValue"] = call_value
    answer = {"id": "a1", "role": "assistant", "content": "Let me check.", "toolCalls": [call]}
    if message_value:
        answer["encryptedValue"] = message_value
    return [
        {"id": "u0", "role": "user", "content": "Hello"},
        {"id": "a0", "role": "assistant", "content": "Hi."},
        {"id": "u1", "role": "user", "content": "Weather?"},
        {"id": "r1", "role": "reasoning", "content": "Need data."},
        answer,
        {"id": "t1", "role": "tool", "toolCallId": "c1", "content": "Sunny"},
    ]


def test_sealed_values_come_back_to_the_answer_they_belong_to(host, script):
    messages = conversation("agentkit.1:fake:sig-a", "agentkit.1:fake:sig-c1")

    events = chat(host(), run_input(messages, tools=[WEATHER]))

    assert error_of(events) is None
    [(message, opaque)] = script.restored
    assert message.text == "Let me check.", "the values went to the wrong answer"
    assert opaque == OpaqueReasoning(message="sig-a", tool_calls={"c1": "sig-c1"})
    sent = [m for m in script.calls[0]["messages"] if m.type == "ai"]
    assert sent[1].additional_kwargs == {"restored": "sig-a"}, "the restored message was not sent"


def test_another_providers_values_are_dropped(host, script, caplog):
    caplog.set_level(logging.INFO, logger="agentkit.reasoning")
    messages = conversation("agentkit.1:gemini:sig-a", "made-up-by-a-client")

    events = chat(host(), run_input(messages, tools=[WEATHER]))

    assert error_of(events) is None
    assert script.restored == [], "values not sealed by this provider reached it"
    assert "dropped 2 reasoning values" in caplog.text


def test_a_failing_restore_ends_the_run_naming_the_plugin(host, script):
    script.restore_error = ValueError("bad signature")
    events = chat(host(), run_input(conversation("agentkit.1:fake:x", None)))
    error = error_of(events)
    assert "agentkit_fake" in error.message and "restore_reasoning" in error.message
    assert "bad signature" not in error.message


def test_a_failing_opaque_hook_loses_the_values_not_the_answer(host, script, caplog):
    caplog.set_level(logging.WARNING, logger="agentkit.chat")
    script.opaque = RuntimeError("boom")
    script.replies = [[AIMessageChunk("Fine.")]]
    events = chat(host(), run_input("hi"))
    assert error_of(events) is None and text_of(events) == "Fine."
    assert encrypted_values(events) == {}
    assert "failed to read the answer's opaque reasoning" in caplog.text


def test_the_official_client_keeps_reasoning_and_encrypted_values(host, script, official_client):
    """@ag-ui/client's verifier accepts the stream; it keeps the reasoning as a message and the
    sealed values on the answer and its tool call, and sends them back next turn."""
    script.opaque = opaque_of
    script.reasoning = lambda effort: {"level": effort}
    script.replies = [
        [
            thought("Need data."),
            AIMessageChunk("Let me check."),
            tool_chunk("c1", "get_weather", "{}"),
        ]
    ]
    url = f"{host()}/chat/chat"
    first = [{"id": "u1", "role": "user", "content": "Weather?"}]

    seen = official_client(url, first, {"params": {"reasoning_effort": "high"}})

    assert "failed" not in seen, seen.get("failed")
    assert seen["reasoning"] == "Need data." and seen["text"] == "Let me check."
    assert seen["metadata"]["reasoning"] == {"effort": "high", "sent": {"level": "high"}}
    by_role = {m["role"]: m for m in seen["newMessages"]}
    assert by_role["reasoning"]["content"] == "Need data."
    answer = by_role["assistant"]
    assert answer["encryptedValue"] == "agentkit.1:fake:sig-Let me check."
    assert answer["toolCalls"][0]["encryptedValue"] == "agentkit.1:fake:sig-c1"

    result = {"id": "t1", "role": "tool", "toolCallId": "c1", "content": "Sunny"}
    again = official_client(url, [*first, *seen["newMessages"], result], {})

    assert "failed" not in again and again["error"] is None
    [(_, opaque)] = script.restored
    assert opaque == OpaqueReasoning(message="sig-Let me check.", tool_calls={"c1": "sig-c1"})


def test_a_provider_is_listed_before_its_first_chat(host, script):
    """What a listing learns (which models think) shapes the first request too."""
    url = host()
    events = chat(url, run_input("hi", model="big"))
    assert error_of(events) is None
    assert script.list_calls == 1
    chat(url, run_input("hi", model="big"))
    assert script.list_calls == 1, "the listing is cached, not repeated per chat"


def test_a_failed_listing_does_not_stop_the_chat(host, script):
    script.list_error = RuntimeError("listing is down")
    events = chat(host(), run_input("hi", model="echo"))
    assert error_of(events) is None and text_of(events) == "echo: hi"
