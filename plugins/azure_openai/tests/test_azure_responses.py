"""The Responses API (``AZURE_OPENAI_API=responses``): what goes on the wire, reasoning summaries
streamed as AG-UI reasoning, encrypted reasoning items carried to the next turn, usage, and every
way a Responses stream can fail; and the emulator's own rules, which make those tests count."""

from __future__ import annotations

import json

import httpx
import pytest
from ag_ui.core import EventType

from agentkit import (
    AgentKitError,
    ChatParams,
    ContentFiltered,
    InvalidRequest,
    RateLimited,
    UpstreamError,
)
from agentkit.testing import (
    answer_message,
    chat,
    encrypted_values,
    error_of,
    reasoning_of,
    run_input,
    stream_answer,
    text_of,
)
from agentkit_azure_openai.testing import (
    DATA_TOKEN,
    DEFAULT_KEY,
    deployment,
    response_failed,
    sse_event,
    stream_error,
)

SEAL = "agentkit.1:azure-openai:"
WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}


@pytest.fixture
def responses_env(azure_env, monkeypatch) -> None:
    """The Responses API with a key; ``thinker`` serves gpt-5-mini, ``reasoner`` o3-mini."""
    monkeypatch.setenv("AZURE_OPENAI_API", "responses")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "thinker=gpt-5-mini,reasoner=o3-mini")


def stream(provider, deployment_name="chat", params=None):
    return stream_answer(provider, deployment_name, "Is it sunny?", params=params)


def text(chunks) -> str:
    return "".join(chunk.text for chunk in chunks)


def post(url: str, body: dict) -> httpx.Response:
    """A request straight to the emulator's Responses API."""
    return httpx.post(
        f"{url}/openai/v1/responses", json=body, headers={"api-key": DEFAULT_KEY}, timeout=10
    )


# --- the request -------------------------------------------------------------------------


def test_the_responses_api_with_a_key(responses_env, make_provider, emulator):
    emulator.reply = "Sunny all day."
    assert text(stream(make_provider())) == "Sunny all day."
    [request] = emulator.requests
    assert (request["path"], request["query"]) == ("/openai/v1/responses", {})
    assert request["headers"]["authorization"] == f"Bearer {DEFAULT_KEY}"
    assert request["json"] == {
        "model": "chat",
        "stream": True,
        "input": [{"content": "Is it sunny?", "role": "user", "type": "message"}],
        "store": False,
    }


def test_the_responses_api_with_entra_id(entra_env, monkeypatch, make_provider, emulator):
    monkeypatch.setenv("AZURE_OPENAI_API", "responses")
    assert text(stream(make_provider())) == emulator.reply
    headers = emulator.requests[0]["headers"]
    assert headers["authorization"] == f"Bearer {DATA_TOKEN}"
    assert "api-key" not in headers


def test_parameters_are_named_as_the_responses_api_names_them(
    responses_env, make_provider, emulator
):
    params = ChatParams(temperature=0.2, top_p=0.9, max_tokens=64, stop=["END"], seed=7)
    stream(make_provider(), params=params)
    body = emulator.requests[0]["json"]
    assert (body["temperature"], body["top_p"], body["max_output_tokens"]) == (0.2, 0.9, 64)
    assert not {"seed", "stop", "max_tokens", "reasoning", "include"} & set(body)


@pytest.mark.parametrize(
    ("name", "effort", "reasoning"),
    [
        ("thinker", None, {"summary": "auto"}),
        ("thinker", "none", {"effort": "minimal", "summary": "auto"}),
        ("thinker", "high", {"effort": "high", "summary": "auto"}),
        ("reasoner", "minimal", {"effort": "low"}),  # o3-mini makes no summaries
    ],
)
def test_a_reasoning_deployment_asks_for_its_reasoning_encrypted(
    responses_env, make_provider, emulator, name, effort, reasoning
):
    provider = make_provider()
    params = ChatParams(reasoning_effort=effort, temperature=0.5, max_tokens=900)
    assert provider.reasoning(name, effort) == {"reasoning": reasoning}
    assert text(stream(provider, name, params)) == emulator.reply
    body = emulator.requests[0]["json"]
    assert body["reasoning"] == reasoning
    assert (body["include"], body["store"]) == (["reasoning.encrypted_content"], False)
    assert body["max_output_tokens"] == 900
    assert "temperature" not in body  # reasoning models reject it


def test_gpt_5_1_thinks_with_none_and_not_with_minimal(
    responses_env, monkeypatch, make_provider, emulator
):
    emulator.models.append(deployment("five-one", "gpt-5.1", "2025-11-13"))
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "five-one=gpt-5.1")
    provider = make_provider()
    for asked, sent in (("none", "none"), ("minimal", "low")):
        assert text(stream(provider, "five-one", ChatParams(reasoning_effort=asked)))
        assert emulator.requests[-1]["json"]["reasoning"]["effort"] == sent


# --- reasoning in the stream, and carried to the next turn ----------------------------------


def test_summaries_stream_as_reasoning_with_usage(responses_env, host, emulator):
    emulator.thinking = "The user asks about sun. Lisbon is sunny."
    emulator.cached_tokens = 5
    body = run_input("Sunny?", model="thinker", params={"reasoning_effort": "low"})
    events = chat(host(), body)  # also checks that the reasoning closes before the answer
    assert error_of(events) is None
    assert reasoning_of(events) == emulator.thinking
    assert text_of(events) == emulator.reply
    assert events[0].metadata["reasoning"] == {
        "effort": "low",
        "sent": {"reasoning": {"effort": "low", "summary": "auto"}},
    }
    [usage] = events[-1].usage
    assert (usage.reasoning_tokens, usage.cached_input_tokens) == (8, 5)
    assert usage.output_tokens == 8 + len(emulator.reply.split())
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens


def follow_up(events: list) -> list[dict]:
    """A conversation that goes on after the answer in ``events``, as a client keeps it."""
    return [
        {"id": "u1", "role": "user", "content": "2+2?"},
        answer_message(events),
        {"id": "u2", "role": "user", "content": "And 3+3?"},
    ]


def first_turn(base: str, emulator) -> tuple[list, str]:
    """A tool call from ``thinker``; returns the events and the reasoning value it carries."""
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Paris"}}
    body = run_input("Weather in Paris?", model="thinker", tools=[WEATHER])
    events = chat(base, body)
    emulator.tool_call = None
    assert error_of(events) is None
    [(entity, value)] = encrypted_values(events).items()
    [start] = [e for e in events if e.type == EventType.TOOL_CALL_START]
    assert entity == start.parent_message_id  # on the assistant message, not the tool call
    return events, value


def second_turn(events: list, value: str) -> dict:
    """The next run's body as @ag-ui/client sends it: the answer back with ``value``."""
    answer = {**answer_message(events), "encryptedValue": value}
    [call] = answer["toolCalls"]
    result = {"id": "t1", "role": "tool", "toolCallId": call["id"], "content": '{"c": 18}'}
    messages = [{"id": "u1", "role": "user", "content": "Weather in Paris?"}, answer, result]
    return run_input(messages, model="thinker", tools=[WEATHER])


def test_a_tool_call_carries_its_encrypted_reasoning_into_the_next_turn(
    responses_env, host, emulator
):
    base = host()
    emulator.thinking = "Need the weather tool."
    events, value = first_turn(base, emulator)
    assert reasoning_of(events) == "Need the weather tool."
    [issued] = [
        item for item in json.loads(value.removeprefix(SEAL)) if item["type"] == "reasoning"
    ]
    emulator.reply = "It is 18 degrees in Paris."
    events = chat(base, second_turn(events, value))
    assert error_of(events) is None and text_of(events) == "It is 18 degrees in Paris."
    first, second = emulator.responses_requests()
    item = next(i for i in second["json"]["input"] if i["type"] == "reasoning")
    assert item["encrypted_content"] == issued["encrypted_content"]  # intact, as Azure issued it
    assert [i.get("type") for i in second["json"]["input"]] == [
        "message",
        "reasoning",
        "function_call",
        "function_call_output",
    ]
    assert "encrypted_content" in json.dumps(first["json"]["include"])


def test_a_text_answer_carries_its_reasoning_into_the_next_turn(responses_env, host, emulator):
    base = host()
    events = chat(base, run_input("2+2?", model="thinker"))
    [answer_id] = encrypted_values(events)
    [start] = [e for e in events if e.type == EventType.TEXT_MESSAGE_START]
    assert answer_id == start.message_id
    messages = follow_up(events)
    assert error_of(chat(base, run_input(messages, model="thinker"))) is None
    sent = emulator.responses_requests()[-1]["json"]["input"]
    assert [(i["type"], i.get("role")) for i in sent] == [
        ("message", "user"),
        ("reasoning", None),
        ("message", "assistant"),  # no "msg_" id: with store false Azure has none to find
        ("message", "user"),
    ]
    assert "id" not in sent[2] and sent[2]["content"][0]["text"] == emulator.reply


def test_a_switch_to_a_model_that_does_not_reason_leaves_the_reasoning_out(
    responses_env, host, emulator
):
    base = host()
    events = chat(base, run_input("2+2?", model="thinker"))
    messages = follow_up(events)
    assert "encryptedValue" in messages[1]
    assert error_of(chat(base, run_input(messages, model="chat"))) is None
    sent = emulator.responses_requests()[-1]["json"]["input"]
    assert [i["type"] for i in sent] == ["message", "message", "message"]


def test_a_tampered_reasoning_item_is_a_clear_run_error(responses_env, host, emulator):
    base = host()
    events, value = first_turn(base, emulator)
    items = json.loads(value.removeprefix(SEAL))
    items[0]["encrypted_content"] = items[0]["encrypted_content"][:-8] + "AAAAAAA="
    tampered = SEAL + json.dumps(items)
    error = error_of(chat(base, second_turn(events, tampered)))
    assert error.code == "invalid_request"
    assert "could not be verified" in error.message
    assert len(emulator.responses_requests()) == 2  # Azure, not AgentKit, refused it


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        '{"type": "reasoning"}',
        '[{"type": "message", "id": "m", "summary": [], "encrypted_content": "x"}]',
        '[{"type": "reasoning", "id": 7, "summary": [], "encrypted_content": "x"}]',
        '[{"type": "reasoning", "id": "rs_1", "summary": ["x"], "encrypted_content": "x"}]',
        '[{"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "x", '
        '"status": "completed"}]',
    ],
)
def test_a_value_that_is_not_reasoning_items_is_refused_before_azure_sees_it(
    responses_env, host, emulator, value
):
    base = host()
    events, _ = first_turn(base, emulator)
    error = error_of(chat(base, second_turn(events, SEAL + value)))
    assert error.code == "invalid_request"
    assert "encryptedValue" in error.message and "not Azure OpenAI reasoning items" in error.message
    assert len(emulator.responses_requests()) == 1


def test_an_answer_without_encrypted_reasoning_carries_nothing(responses_env, host, emulator):
    events = chat(host(), run_input("hi", model="chat"))  # gpt-4o does not reason
    assert error_of(events) is None and encrypted_values(events) == {}


def test_chat_completions_carry_nothing(azure_env, monkeypatch, host, emulator):
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "thinker=gpt-5-mini")
    events = chat(host(AZURE_OPENAI_API="v1"), run_input("hi", model="thinker"))
    assert error_of(events) is None
    assert (reasoning_of(events), encrypted_values(events)) == ("", {})


def test_an_o_series_deployment_through_the_responses_api(responses_env, host, emulator):
    """o3-mini makes no summaries: nothing is streamed as reasoning, but its encrypted reasoning
    still goes to the next turn."""
    base = host()
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Oslo"}}
    params = {"reasoning_effort": "high"}
    body = run_input("Weather?", model="reasoner", tools=[WEATHER], params=params)
    events = chat(base, body)
    emulator.tool_call = None
    assert error_of(events) is None and reasoning_of(events) == ""
    [value] = encrypted_values(events).values()
    events = chat(base, {**second_turn(events, value), "forwardedProps": {"model": "reasoner"}})
    assert error_of(events) is None and text_of(events) == emulator.reply
    first, second = (r["json"] for r in emulator.responses_requests())
    assert first["reasoning"] == {"effort": "high"}  # no summary: o3-mini makes none
    assert "reasoning" not in second  # no effort asked, nothing to summarise
    assert second["include"] == ["reasoning.encrypted_content"]
    assert [i.get("type") for i in second["input"]][1:3] == ["reasoning", "function_call"]


def test_thinking_away_the_whole_token_limit_is_no_answer(responses_env, host, emulator):
    emulator.thinking = "a long chain of thought that takes many tokens"
    body = run_input("hi", model="thinker", params={"max_tokens": 5})
    events = chat(host(), body)
    error = error_of(events)
    assert error.code == "no_answer"
    assert "token limit" in error.message and "max_tokens" in error.message
    assert reasoning_of(events) == emulator.thinking


# --- errors ------------------------------------------------------------------------------


def test_an_unknown_deployment_is_model_not_found(responses_env, monkeypatch, make_provider):
    monkeypatch.setenv("AZURE_OPENAI_RESOURCE", "contoso")
    with pytest.raises(AgentKitError) as caught:
        stream(make_provider(), "gpt-4o-typo")
    assert caught.value.code == "model_not_found"
    assert "'gpt-4o-typo'" in caught.value.message and "'contoso'" in caught.value.message


def test_a_rate_limit_is_rate_limited(responses_env, make_provider, emulator):
    emulator.fail(429, headers={"retry-after-ms": "1500"}, on="responses")
    with pytest.raises(RateLimited) as caught:
        stream(make_provider())
    assert caught.value.retry_after == 1.5


def test_a_blocked_prompt_names_the_categories(responses_env, make_provider, emulator):
    emulator.block_prompt = {"violence": "high"}
    with pytest.raises(ContentFiltered, match=r"prompt \(violence: high\)"):
        stream(make_provider())


def test_a_blocked_answer_is_content_filtered(responses_env, host, emulator):
    emulator.block_answer = {"hate": "high"}
    error = error_of(chat(host(), run_input("hi", model="thinker")))
    assert error.code == "content_filtered"
    assert "blocked the answer" in error.message


@pytest.mark.parametrize(
    ("event", "kind", "message"),
    [
        (response_failed("server_error", "The model failed."), UpstreamError, "The model failed."),
        (stream_error("server_error", "Overloaded, try later."), UpstreamError, "Overloaded"),
        (response_failed("rate_limit_exceeded", "Slow down."), RateLimited, "Slow down."),
    ],
)
def test_a_failure_inside_the_stream_is_mapped(
    responses_env, make_provider, emulator, event, kind, message
):
    emulator.stream_failure = event
    with pytest.raises(kind) as caught:
        stream(make_provider())
    assert message in caught.value.message
    assert "in the middle of its answer" in caught.value.message or kind is RateLimited


def test_a_failure_event_through_the_host_after_text(responses_env, host, emulator):
    emulator.stream_failure = response_failed("server_error", "The model failed.")
    events = chat(host(), run_input("hi", model="chat"))
    error = error_of(events)
    assert error.code == "upstream_error" and "The model failed." in error.message
    assert text_of(events) == emulator.reply.split()[0] + " "


def test_a_stream_that_ends_before_response_completed_is_an_error(
    responses_env, make_provider, emulator
):
    created = {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1"}}
    emulator.raw_stream = [sse_event(created)]
    with pytest.raises(UpstreamError, match=r"ended before its response\.completed"):
        stream(make_provider())


# --- the emulator holds AgentKit to the service's rules ---------------------------------------


@pytest.mark.parametrize(
    ("extra", "status", "message"),
    [
        ({"model": "thinker", "temperature": 0.5}, 400, "Unsupported parameter: 'temperature'"),
        ({"seed": 3}, 400, "Unknown parameter: 'seed'."),
        ({"max_tokens": 3}, 400, "Unknown parameter: 'max_tokens'."),
        ({"max_completion_tokens": 3}, 400, "has moved to 'max_output_tokens'"),
        ({"reasoning": {"effort": "low"}}, 400, "'reasoning.effort' is not supported"),
        (
            {"model": "thinker", "reasoning": {"effort": "none"}},
            400,
            "Unsupported value: 'none' is not supported with the 'gpt-5-mini' model.",
        ),
        ({"model": "missing"}, 404, "The API deployment for this resource does not exist."),
    ],
)
def test_the_emulator_rejects_what_azure_rejects(emulator_url, extra, status, message):
    body = {"model": "chat", "input": "hi", **extra}
    response = post(emulator_url, body)
    assert response.status_code == status
    assert message in response.json()["error"]["message"]


def test_the_emulator_checks_reasoning_items_sent_back(emulator_url):
    include = ["reasoning.encrypted_content"]
    body = {"model": "thinker", "input": "hi", "store": False, "include": include}
    issued = post(emulator_url, body).json()
    item = next(i for i in issued["output"] if i["type"] == "reasoning")
    answer_item = next(i for i in issued["output"] if i["type"] == "message")
    answer_item = {k: answer_item[k] for k in ("type", "role", "content")}
    user = {"role": "user", "content": "hi", "type": "message"}

    def status(*items: dict) -> tuple[int, str]:
        body = {"model": "thinker", "store": False, "input": [user, *items]}
        response = post(emulator_url, body)
        return response.status_code, response.text

    assert status(item, answer_item)[0] == 200
    without = {k: v for k, v in item.items() if k != "encrypted_content"}
    code, said = status(without, answer_item)
    assert code == 404 and "Items are not persisted when `store` is set to false" in said
    changed = {**item, "encrypted_content": item["encrypted_content"][:-6] + "AAAA=="}
    code, said = status(changed, answer_item)
    assert code == 400 and "could not be verified" in said and "invalid_encrypted_content" in said
    code, said = status(item)
    assert code == 400 and "without its required following item" in said
    output = {"type": "function_call_output", "call_id": "call_x", "output": "{}"}
    code, said = status(output)
    assert code == 400 and "No tool call found for function call output" in said
    call = {"type": "function_call", "call_id": "call_x", "name": "f", "arguments": "{}"}
    code, said = status(call)
    assert code == 400 and "No tool output found for function call call_x." in said
    assert status(call, output)[0] == 200


def test_the_emulator_refuses_items_it_never_stored(emulator_url):
    stored = post(emulator_url, {"model": "thinker", "input": "hi"}).json()  # store left on
    item = next(i for i in stored["output"] if i["type"] == "reasoning")
    message = {"type": "message", "role": "assistant", "content": "ok"}
    body = {"model": "thinker", "input": [{"role": "user", "content": "hi"}, item, message]}
    assert item["encrypted_content"] is None
    assert post(emulator_url, body).status_code == 200  # found: the first request stored it
    unknown = {**item, "id": "rs_never_issued"}
    body["input"][1] = unknown
    assert post(emulator_url, body).status_code == 404


def test_an_unknown_model_on_the_responses_api_says_what_to_set(
    responses_env, monkeypatch, make_provider
):
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "thinker")  # unknown: temperature is sent
    with pytest.raises(InvalidRequest) as caught:
        stream(make_provider(), "thinker", ChatParams(temperature=0.5))
    assert "'temperature' is not supported with this model" in caught.value.message
    assert "AZURE_OPENAI_DEPLOYMENTS=thinker=<model>" in caught.value.hint
