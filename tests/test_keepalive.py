"""Keep-alive: a quiet stream carries an SSE comment every AGENTKIT_KEEPALIVE seconds, and every
client still reads it: our parser, the official @ag-ui/client (its verifier included)."""

from __future__ import annotations

import httpx
from langchain_core.messages import AIMessageChunk

from agentkit.testing import check_order, error_of, parse_sse, run_input, text_of


def raw_chat(url: str, body: dict) -> str:
    response = httpx.post(f"{url}/chat/chat", json=body, timeout=30)
    assert response.status_code == 200, response.text
    return response.text


def test_a_quiet_stream_carries_keep_alive_comments_and_still_parses(host, script):
    script.replies = [[AIMessageChunk("Thought"), AIMessageChunk(" hard.")]]
    script.chunk_delay = 0.6
    text = raw_chat(host(AGENTKIT_KEEPALIVE="0.1"), run_input("Think."))

    before_answer = text.split("TEXT_MESSAGE_START")[0]
    assert ": keep-alive\n\n" in before_answer
    events = parse_sse(text)
    check_order(events)
    assert text_of(events) == "Thought hard."


def test_keep_alive_zero_sends_no_comments(host, script):
    script.chunk_delay = 0.3
    text = raw_chat(host(AGENTKIT_KEEPALIVE="0"), run_input("Think."))
    assert ": keep-alive" not in text
    assert error_of(parse_sse(text)) is None


def test_the_official_client_reads_a_stream_with_keep_alives(host, script, official_client):
    script.replies = [[AIMessageChunk("Slow"), AIMessageChunk(" answer.")]]
    script.chunk_delay = 0.5
    url = host(AGENTKIT_KEEPALIVE="0.1")

    seen = official_client(
        f"{url}/chat/chat", [{"id": "u1", "role": "user", "content": "Think."}], {}
    )

    assert "failed" not in seen, seen.get("failed")
    assert seen["text"] == "Slow answer."
    assert seen["events"][0] == "RUN_STARTED" and seen["events"][-1] == "RUN_FINISHED"
    assert seen["newMessages"][-1]["content"] == "Slow answer."


def test_the_official_client_sees_a_timeout_as_a_run_error(host, script, official_client):
    script.chunk_delay = 3
    url = host(AGENTKIT_KEEPALIVE="0.1", AGENTKIT_FIRST_TOKEN_TIMEOUT="0.5")

    seen = official_client(
        f"{url}/chat/chat", [{"id": "u1", "role": "user", "content": "Think."}], {}
    )

    assert "failed" not in seen, seen.get("failed")
    assert seen["error"]["code"] == "upstream_timeout"
    assert "AGENTKIT_FIRST_TOKEN_TIMEOUT" in seen["error"]["message"]
