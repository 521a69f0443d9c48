"""Thinking models: the effort Gemini gets per family, thoughts streamed as AG-UI reasoning,
thought tokens in the usage, and thought signatures carried from one turn into the next, through
the real ChatGoogleGenerativeAI and a real host against the emulator, which holds them to
Gemini's rules (and whose rules are checked here on the raw wire too)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from ag_ui.core import EventType

from agentkit import ChatParams
from agentkit.testing import (
    answer_message,
    chat,
    error_of,
    list_models,
    reasoning_of,
    run_input,
    stream_answer,
    text_of,
    tokens_of,
)
from agentkit_gemini.testing import (
    BYPASS_SIGNATURES,
    DEFAULT_KEY,
    MISSING_SIGNATURE,
    model_entry,
    thinking_config,
)

WEATHER = {
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}
TIME = {
    "name": "get_time",
    "description": "The time in a time zone.",
    "parameters": {"type": "object", "properties": {"tz": {"type": "string"}}},
}


def gemini_run(messages: list[dict] | str, model: str, **kw: Any) -> dict:
    return run_input(messages, provider="gemini", model=model, **kw)


def tool_results(message: dict[str, Any], *outputs: str) -> list[dict[str, Any]]:
    return [
        {"id": f"t-{call['id']}", "role": "tool", "toolCallId": call["id"], "content": output}
        for call, output in zip(message["toolCalls"], outputs, strict=True)
    ]


def generate_requests(emulator) -> list[dict[str, Any]]:
    return [r["json"] for r in emulator.requests_to("streamGenerateContent")]


def same_bytes(a: str, b: str) -> bool:
    """Two signatures are the same when their bytes are (google-genai may re-encode URL-safe)."""
    return base64.urlsafe_b64decode(a.replace("+", "-").replace("/", "_")) == (
        base64.urlsafe_b64decode(b.replace("+", "-").replace("/", "_"))
    )


# --- effort: what each family gets --------------------------------------------------------

EFFORTS = [
    ("gemini-2.5-flash", None, {"includeThoughts": True}),
    ("gemini-2.5-flash", "none", {"thinkingBudget": 0}),
    ("gemini-2.5-flash", "minimal", {"includeThoughts": True, "thinkingBudget": 512}),
    ("gemini-2.5-flash", "low", {"includeThoughts": True, "thinkingBudget": 1024}),
    ("gemini-2.5-flash", "medium", {"includeThoughts": True, "thinkingBudget": 8192}),
    ("gemini-2.5-flash", "high", {"includeThoughts": True, "thinkingBudget": 24576}),
    ("gemini-2.5-pro", "none", {"includeThoughts": True, "thinkingBudget": 128}),
    ("gemini-2.5-pro", "high", {"includeThoughts": True, "thinkingBudget": 32768}),
    ("gemini-2.5-flash-lite", None, {"includeThoughts": True}),
    ("gemini-2.5-flash-lite", "none", {"thinkingBudget": 0}),
    ("gemini-2.5-flash-lite", "minimal", {"includeThoughts": True, "thinkingBudget": 512}),
    ("gemini-3-pro-preview", None, {"includeThoughts": True}),
    ("gemini-3-pro-preview", "none", {"includeThoughts": True, "thinkingLevel": "low"}),
    ("gemini-3-pro-preview", "minimal", {"includeThoughts": True, "thinkingLevel": "low"}),
    ("gemini-3-pro-preview", "low", {"includeThoughts": True, "thinkingLevel": "low"}),
    ("gemini-3-pro-preview", "medium", {"includeThoughts": True, "thinkingLevel": "high"}),
    ("gemini-3-flash-preview", "none", {"includeThoughts": True, "thinkingLevel": "minimal"}),
    ("gemini-3-flash-preview", "medium", {"includeThoughts": True, "thinkingLevel": "medium"}),
    ("gemini-2.0-flash", "high", None),
]


@pytest.mark.parametrize(("model", "effort", "expected"), EFFORTS)
def test_each_effort_reaches_gemini_as_the_familys_thinking_config(
    provider, emulator, model, effort, expected
):
    sent = provider.reasoning(model, effort)
    assert sent == (None if expected is None else {"thinkingConfig": expected})

    chunks = stream_answer(provider, model, params=ChatParams(reasoning_effort=effort))

    assert "".join(c.text for c in chunks) == emulator.reply, "Gemini refused the setting"
    [request] = emulator.requests
    assert thinking_config(request["json"]) == expected, "the wire differs from what is reported"


def test_a_listed_model_that_does_not_think_gets_no_thinking_config(provider, emulator):
    emulator.models.append(model_entry("gemini-2.5-flash-image", "Nano Banana"))
    list_models(provider)
    emulator.requests.clear()

    assert provider.reasoning("gemini-2.5-flash-image", "high") is None
    chunks = stream_answer(
        provider, "gemini-2.5-flash-image", params=ChatParams(reasoning_effort="high")
    )

    assert "".join(c.text for c in chunks) == emulator.reply
    assert thinking_config(emulator.requests[0]["json"]) is None


def test_thoughts_arrive_as_reasoning_blocks_before_the_text(provider, emulator):
    emulator.thinking = "**Weighing** the sky, then the sea."
    emulator.reply = "Blue, mostly."

    chunks = stream_answer(provider, "gemini-3-flash-preview")

    blocks = [b for c in chunks for b in c.content_blocks if b.get("text") or b.get("reasoning")]
    thoughts = [b["reasoning"] for b in blocks if b["type"] == "reasoning"]
    assert "".join(thoughts) == emulator.thinking
    assert [b["type"] for b in blocks[: len(thoughts)]] == ["reasoning"] * len(thoughts), (
        "the thoughts come before the answer"
    )
    assert "".join(b["text"] for b in blocks[len(thoughts) :]) == "Blue, mostly."


def test_thought_tokens_are_output_tokens_of_their_own(provider, emulator):
    emulator.thinking = "One two three four."
    emulator.reply = "Five six."

    chunks = stream_answer(provider, "gemini-2.5-pro")

    usage = [c.usage_metadata for c in chunks if c.usage_metadata][-1]
    assert usage["output_token_details"]["reasoning"] == 4
    assert usage["output_tokens"] == 2 + 4, "Gemini counts thoughts beside the answer's tokens"
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_a_model_that_does_not_think_streams_no_thoughts(provider, emulator):
    chunks = stream_answer(provider, "gemini-2.5-flash", params=ChatParams(reasoning_effort="none"))

    assert not [b for c in chunks for b in c.content_blocks if b["type"] == "reasoning"]
    usage = [c.usage_metadata for c in chunks if c.usage_metadata][-1]
    assert "output_token_details" not in usage


# --- the host: reasoning events, effort metadata, usage, capabilities -----------------------


def test_reasoning_streams_before_the_answer_with_its_usage(host, gemini_env, emulator):
    emulator.thinking = "The user wants a greeting. A short one will do."
    emulator.reply = "Hello there."

    events = chat(host(), gemini_run("Greet me.", "gemini-3-pro-preview"))

    assert reasoning_of(events) == emulator.thinking
    assert text_of(events) == "Hello there."
    types = [e.type for e in events]
    assert types.index(EventType.REASONING_END) < types.index(EventType.TEXT_MESSAGE_START)
    [usage] = events[-1].usage
    assert usage.reasoning_tokens == len(tokens_of(emulator.thinking))
    assert usage.output_tokens == len(tokens_of("Hello there.")) + usage.reasoning_tokens


@pytest.mark.parametrize(
    ("model", "effort", "expected"),
    [
        ("gemini-2.5-flash", "low", {"includeThoughts": True, "thinkingBudget": 1024}),
        ("gemini-2.5-pro", "none", {"includeThoughts": True, "thinkingBudget": 128}),
        ("gemini-3-pro-preview", "minimal", {"includeThoughts": True, "thinkingLevel": "low"}),
        ("gemini-3-flash-preview", "high", {"includeThoughts": True, "thinkingLevel": "high"}),
    ],
)
def test_run_started_reports_what_gemini_got(host, gemini_env, emulator, model, effort, expected):
    events = chat(host(), gemini_run("Hi.", model, params={"reasoning_effort": effort}))

    assert error_of(events) is None
    assert events[0].metadata["reasoning"] == {
        "effort": effort,
        "sent": {"thinkingConfig": expected},
    }
    [request] = generate_requests(emulator)
    assert thinking_config(request) == expected


def test_models_that_think_have_the_capability(host, gemini_env):
    document = httpx.get(f"{host()}/models/gemini", timeout=10).json()
    capabilities = {m["id"]: m["capabilities"] for m in document["models"]}
    assert "thinking" in capabilities["gemini-3-pro-preview"]
    assert "thinking" in capabilities["gemini-2.5-flash"]
    assert "thinking" not in capabilities["gemini-2.0-flash"]


# --- thought signatures across turns --------------------------------------------------------


def test_gemini3_tool_calls_carry_their_signature_into_the_next_turn(host, gemini_env, emulator):
    url = host()
    emulator.tool_call = [
        {"name": "get_weather", "arguments": {"city": "Paris"}},
        {"name": "get_time", "arguments": {"tz": "CET"}},
    ]
    ask = {"id": "u1", "role": "user", "content": "Weather and time in Paris?"}
    first = chat(url, gemini_run([ask], "gemini-3-pro-preview", tools=[WEATHER, TIME]))
    assert error_of(first) is None
    calling = answer_message(first)
    [signature] = emulator.signatures_issued
    weather, clock = calling["toolCalls"]
    assert weather["encryptedValue"] == f"agentkit.1:gemini:{signature}"
    assert "encryptedValue" not in clock, "Gemini signs only the first call of a step"

    emulator.tool_call = None
    emulator.reply = "Sunny, and it is noon."
    history = [ask, calling, *tool_results(calling, "sunny", "12:00")]
    second = chat(url, gemini_run(history, "gemini-3-pro-preview", tools=[WEATHER, TIME]))

    assert error_of(second) is None, error_of(second)
    assert text_of(second) == "Sunny, and it is noon."
    model_turn = generate_requests(emulator)[-1]["contents"][1]
    assert model_turn["role"] == "model"
    first_call, second_call = model_turn["parts"]
    assert first_call["functionCall"]["name"] == "get_weather"
    assert same_bytes(first_call["thoughtSignature"], signature)
    assert "thoughtSignature" not in second_call
    assert emulator.signatures_received == [signature]
    assert emulator.bypasses == [], "the bypass value went out although the real one existed"


def test_every_step_of_a_turn_gets_its_own_signature_back(host, gemini_env, emulator):
    url = host()
    ask = {"id": "u1", "role": "user", "content": "Weather, then time."}
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Oslo"}}
    step1 = answer_message(chat(url, gemini_run([ask], "gemini-3-flash-preview")))
    emulator.tool_call = {"name": "get_time", "arguments": {"tz": "CET"}}
    history = [ask, step1, *tool_results(step1, "rain")]
    step2 = answer_message(chat(url, gemini_run(history, "gemini-3-flash-preview")))
    emulator.tool_call = None
    emulator.signatures_received.clear()

    history += [step2, *tool_results(step2, "09:00")]
    events = chat(url, gemini_run(history, "gemini-3-flash-preview"))

    assert error_of(events) is None, error_of(events)
    contents = generate_requests(emulator)[-1]["contents"]
    assert [c["role"] for c in contents] == ["user", "model", "user", "model", "user"]
    assert emulator.signatures_received == emulator.signatures_issued[:2]
    assert emulator.bypasses == []


def test_a_text_answers_signature_comes_back_on_its_text(host, gemini_env, emulator):
    url = host()
    ask = {"id": "u1", "role": "user", "content": "Hi."}
    first = chat(url, gemini_run([ask], "gemini-3-pro-preview"))
    reply = answer_message(first)
    [signature] = emulator.signatures_issued
    assert reply["encryptedValue"] == f"agentkit.1:gemini:{signature}"

    again = {"id": "u2", "role": "user", "content": "And again?"}
    events = chat(url, gemini_run([ask, reply, again], "gemini-3-pro-preview"))

    assert error_of(events) is None
    model_turn = generate_requests(emulator)[-1]["contents"][1]
    assert model_turn["parts"] == [
        {"text": emulator.reply, "thoughtSignature": model_turn["parts"][0]["thoughtSignature"]}
    ]
    assert emulator.signatures_received == [signature]


@pytest.mark.parametrize(("effort", "signed"), [("low", True), ("none", False)])
def test_gemini25_signs_a_call_only_when_it_thinks(host, gemini_env, emulator, effort, signed):
    url = host()
    params = {"reasoning_effort": effort}
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Lima"}}
    ask = {"id": "u1", "role": "user", "content": "Weather in Lima?"}
    calling = answer_message(
        chat(url, gemini_run([ask], "gemini-2.5-flash", params=params, tools=[WEATHER]))
    )
    assert ("encryptedValue" in calling["toolCalls"][0]) is signed
    emulator.tool_call = None

    history = [ask, calling, *tool_results(calling, "warm")]
    events = chat(url, gemini_run(history, "gemini-2.5-flash", params=params, tools=[WEATHER]))

    assert error_of(events) is None
    assert emulator.signatures_received == emulator.signatures_issued[:1]
    assert emulator.bypasses == [], "langchain-google-genai patches only Gemini 3 requests"


ROME = {"id": "u1", "role": "user", "content": "Weather in Rome?"}


def rome_call(url: str, emulator) -> dict[str, Any]:
    """The first turn of a tool call on ``gemini-flash-latest``: Gemini 3 behind an id
    langchain-google-genai does not read as Gemini 3, so nothing patches a lost signature."""
    emulator.models.append(model_entry("gemini-flash-latest", thinking=True))
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Rome"}}
    calling = answer_message(chat(url, gemini_run([ROME], "gemini-flash-latest")))
    emulator.tool_call = None
    return calling


def test_without_its_signature_gemini3_rejects_the_turn(host, gemini_env, emulator):
    """Gemini's own 400 reaches the user when a client loses the signature."""
    url = host()
    calling = rome_call(url, emulator)
    for call in calling["toolCalls"]:
        call.pop("encryptedValue")  # a client that drops what it cannot read

    events = chat(
        url, gemini_run([ROME, calling, *tool_results(calling, "hot")], "gemini-flash-latest")
    )

    error = error_of(events)
    assert error is not None and error.code == "invalid_request"
    assert "missing a thought_signature" in error.message
    assert "`default_api:get_weather` , position 2" in error.message
    assert "send the assistant messages and tool calls" in error.message
    assert "encryptedValue" in error.message, "the hint says what the client must send back"


def test_the_same_turn_with_its_signature_is_accepted(host, gemini_env, emulator):
    url = host()
    calling = rome_call(url, emulator)

    events = chat(
        url, gemini_run([ROME, calling, *tool_results(calling, "hot")], "gemini-flash-latest")
    )

    assert error_of(events) is None, error_of(events)
    assert emulator.signatures_received == emulator.signatures_issued[:1]


def test_another_providers_sealed_values_send_nothing(host, gemini_env, emulator):
    history = [
        {"id": "u1", "role": "user", "content": "Weather?"},
        {
            "id": "a1",
            "role": "assistant",
            "content": "Let me look.",
            "encryptedValue": "agentkit.1:azure-openai:xyz-message-secret",
            "toolCalls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Bern"}'},
                    "encryptedValue": "agentkit.1:azure-openai:abc-call-secret",
                }
            ],
        },
        {"id": "t1", "role": "tool", "toolCallId": "call_1", "content": "mild"},
        {"id": "u2", "role": "user", "content": "Thanks. Anything else?"},
    ]

    events = chat(host(), gemini_run(history, "gemini-2.5-flash", tools=[WEATHER]))

    assert error_of(events) is None
    raw = json.dumps(generate_requests(emulator)[-1])
    assert "xyz-message-secret" not in raw and "abc-call-secret" not in raw
    assert "thoughtSignature" not in raw and "thought_signature" not in raw


@pytest.mark.parametrize("value", ["not base64 at all!", "c2ln-LW_m", "é"])
def test_a_signature_that_is_not_geminis_is_refused_before_gemini(
    host, gemini_env, emulator, value
):
    history = [
        {"id": "u1", "role": "user", "content": "Weather?"},
        {
            "id": "a1",
            "role": "assistant",
            "content": "",
            "toolCalls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": "{}"},
                    "encryptedValue": f"agentkit.1:gemini:{value}",
                }
            ],
        },
        {"id": "t1", "role": "tool", "toolCallId": "call_1", "content": "mild"},
    ]

    events = chat(host(), gemini_run(history, "gemini-3-pro-preview", tools=[WEATHER]))

    error = error_of(events)
    assert error is not None and error.code == "invalid_request"
    assert "thought signature" in error.message
    assert generate_requests(emulator) == [], "garbage went on to Gemini"


# --- the emulator holds AgentKit to Gemini's rules -------------------------------------------


def post(url: str, model: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(
        f"{url}/v1beta/models/{model}:generateContent",
        json=body,
        headers={"x-goog-api-key": DEFAULT_KEY},
        timeout=10,
    )


def ask(config: dict[str, Any] | None = None, contents: list | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"contents": contents or [{"role": "user", "parts": [{"text": "Hi"}]}]}
    if config is not None:
        body["generationConfig"] = {"thinkingConfig": config}
    return body


@pytest.mark.parametrize(
    ("model", "config", "message"),
    [
        (
            "gemini-3-pro-preview",
            {"thinking_level": "HIGH", "thinking_budget": 1024},
            "You can only set only one of thinking budget and thinking level.",
        ),
        ("gemini-2.5-pro", {"thinkingBudget": 0}, "Budget 0 is invalid."),
        ("gemini-2.5-pro", {"thinkingBudget": 64}, "The thinking budget (64) is invalid."),
        ("gemini-2.5-flash", {"thinking_budget": 24577}, "The thinking budget (24577) is invalid."),
        ("gemini-2.5-flash-lite", {"thinkingBudget": 100}, "The thinking budget (100) is invalid."),
        ("gemini-2.5-flash", {"thinkingLevel": "low"}, "Thinking level is not supported"),
        ("gemini-3-pro-preview", {"thinking_level": "MEDIUM"}, "Thinking level MEDIUM is not"),
        ("gemini-3-pro-preview", {"thinkingLevel": "minimal"}, "Thinking level MINIMAL is not"),
        ("gemini-2.0-flash", {"includeThoughts": True}, "Thinking is not supported"),
    ],
)
def test_emulator_refuses_what_gemini_refuses(emulator_url, model, config, message):
    response = post(emulator_url, model, ask(config))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"].startswith(message)


@pytest.mark.parametrize(
    ("model", "config"),
    [
        ("gemini-2.5-flash", {"thinking_budget": 0}),
        ("gemini-2.5-flash", {"thinkingBudget": -1, "includeThoughts": True}),
        ("gemini-2.5-flash-lite", {"thinkingBudget": 512}),
        ("gemini-2.5-pro", {"thinkingBudget": 32768}),
        ("gemini-3-flash-preview", {"thinkingLevel": "minimal"}),
        ("gemini-3-pro-preview", {"thinking_budget": 2048}),
    ],
)
def test_emulator_accepts_what_gemini_accepts(emulator_url, model, config):
    assert post(emulator_url, model, ask(config)).status_code == 200


def test_emulator_shows_thoughts_only_when_asked(emulator, emulator_url):
    quiet = post(emulator_url, "gemini-3-pro-preview", ask()).json()
    shown = post(emulator_url, "gemini-3-pro-preview", ask({"includeThoughts": True})).json()
    assert [p.get("thought") for p in quiet["candidates"][0]["content"]["parts"]] == [None]
    thought, text = shown["candidates"][0]["content"]["parts"]
    assert thought == {"text": emulator.thinking, "thought": True}
    assert text["text"] == emulator.reply and text["thoughtSignature"]
    assert quiet["usageMetadata"]["thoughtsTokenCount"] == len(tokens_of(emulator.thinking))


USER = {"role": "user", "parts": [{"text": "Weather?"}]}
RESULT = {"role": "user", "parts": [{"functionResponse": {"name": "get_weather"}}]}


@pytest.fixture
def signed_call(emulator, emulator_url) -> dict[str, Any]:
    """A function-call part exactly as the emulator's Gemini 3 answered it, signature included."""
    emulator.tool_call = {"name": "get_weather", "arguments": {"city": "Oslo"}}
    answer = post(emulator_url, "gemini-3-pro-preview", ask()).json()
    [part] = answer["candidates"][0]["content"]["parts"]
    return part


def replay(url: str, call_part: dict, *, later: bool = False, model: str = "gemini-3-pro-preview"):
    """The follow-up request with ``call_part`` in the model's step; ``later`` adds a user
    message after it, which closes the turn."""
    contents = [USER, {"role": "model", "parts": [call_part]}, RESULT]
    if later:
        contents.append({"role": "user", "parts": [{"text": "Thanks."}]})
    return post(url, model, ask(contents=contents))


def test_emulator_rejects_a_gemini3_turn_without_its_signature(emulator_url, signed_call):
    response = replay(emulator_url, {"functionCall": signed_call["functionCall"]})

    assert response.status_code == 400
    assert response.json()["error"] == {
        "code": 400,
        "message": MISSING_SIGNATURE.format(name="get_weather", position=2),
        "status": "INVALID_ARGUMENT",
    }


def test_emulator_reads_a_signature_in_either_base64_alphabet(emulator, emulator_url, signed_call):
    signature = signed_call["thoughtSignature"]
    urlsafe = base64.urlsafe_b64encode(base64.b64decode(signature)).decode()
    call = {"functionCall": signed_call["functionCall"], "thought_signature": urlsafe}

    assert replay(emulator_url, call).status_code == 200
    assert emulator.signatures_received == [signature]


@pytest.mark.parametrize(
    "change",
    [
        {"thoughtSignature": base64.b64encode(b"F" + bytes(32)).decode()},
        {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}},
        {"thoughtSignature": "bm90IGEgc2lnbmF0dXJl"},
    ],
    ids=["made up", "moved to another call", "not one at all"],
)
def test_emulator_refuses_a_signature_it_did_not_give_that_call(emulator_url, signed_call, change):
    response = replay(emulator_url, {**signed_call, **change})

    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Corrupted thought signature."


def test_emulator_counts_the_bypass_value(emulator, emulator_url, signed_call):
    call = {"functionCall": signed_call["functionCall"], "thoughtSignature": BYPASS_SIGNATURES[0]}

    assert replay(emulator_url, call).status_code == 200
    assert emulator.bypasses == [BYPASS_SIGNATURES[0]]
    assert emulator.signatures_received == []


def test_emulator_checks_only_gemini3s_current_turn(emulator_url, signed_call):
    unsigned = {"functionCall": signed_call["functionCall"]}

    assert replay(emulator_url, unsigned, later=True).status_code == 200
    assert replay(emulator_url, unsigned, model="gemini-2.5-flash").status_code == 200
