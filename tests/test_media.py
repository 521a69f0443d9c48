"""Media parts through the host, for any provider: AG-UI 1.0 image, audio, video and document
parts become LangChain's standard blocks; what a provider or a model cannot take, what is too
large or malformed, and a conversation too long for a known window are refused before the stream;
the capabilities endpoint says what a model takes. Driven with the scripted fake provider."""

from __future__ import annotations

import base64

import httpx
import pytest

import agentkit
import agentkit_fake
from agentkit import Model
from agentkit.testing import chat, error_of, run_input

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 64).decode()


def image(value: str = PNG, kind: str = "data", **extra) -> dict:
    source = {"type": kind, "value": value, **extra}
    if kind == "data":
        source.setdefault("mimeType", "image/png")
    return {"type": "image", "source": source}


def ask(*parts: dict, text: str = "What is this?") -> list[dict]:
    return [{"id": "u1", "role": "user", "content": [{"type": "text", "text": text}, *parts]}]


def post(url: str, messages: list[dict], **kw) -> httpx.Response:
    return httpx.post(f"{url}/chat/chat", json=run_input(messages, **kw), timeout=30)


def seen_blocks(script) -> list[dict]:
    return script.calls[-1]["messages"][-1].content


def profiled(model_id: str, capabilities: list[str], **facts) -> Model:
    """A listed model whose capabilities (and other facts) the listing knows."""
    sources = {"capabilities": "test listing", **{fact: "test listing" for fact in facts}}
    return Model(model_id, capabilities=capabilities, sources=sources, **facts)


def test_each_kind_and_source_reaches_the_model_as_a_standard_block(host, script, monkeypatch):
    parts = [
        {**image(), "metadata": {"filename": "shot.png"}},
        {"type": "audio", "source": {"type": "data", "value": PNG, "mimeType": "audio/wav"}},
        {"type": "video", "source": {"type": "url", "value": "https://example.com/v.mp4"}},
        {
            "type": "document",
            "source": {"type": "file", "value": "files/abc", "provider": "fake"},
            "metadata": {"filename": "report.pdf"},
        },
    ]
    monkeypatch.setattr(agentkit_fake.FakeProvider, "media_urls", frozenset({"video"}))
    events = chat(host(), run_input(ask(*parts)))

    assert error_of(events) is None
    assert seen_blocks(script) == [
        {"type": "text", "text": "What is this?"},
        {
            "type": "image",
            "base64": PNG,
            "mime_type": "image/png",
            "extras": {"filename": "shot.png"},
        },
        {"type": "audio", "base64": PNG, "mime_type": "audio/wav"},
        {"type": "video", "url": "https://example.com/v.mp4"},
        {"type": "file", "file_id": "files/abc", "extras": {"filename": "report.pdf"}},
    ]


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        (image("not base64!"), "part 2: the data source is not valid base64"),
        (image("data:image/png;base64," + PNG), "send only its base64 text"),
        (image("files/1", kind="file", provider="gemini"), "issued by 'gemini', not by 'fake'"),
    ],
)
def test_a_malformed_part_is_a_422_naming_it(host, script, part, expected):
    response = post(host(), ask(part))
    assert response.status_code == 422
    assert expected in response.json()["error"]["message"]
    assert script.calls == [], "the model was called"


def test_a_data_source_without_its_type_is_a_422(host, script):
    part = {"type": "image", "source": {"type": "data", "value": PNG}}
    response = post(host(), ask(part))
    assert response.status_code == 422
    assert "mimeType" in response.text


def test_a_part_over_the_limit_is_a_413_naming_the_setting(host, script):
    url = host(AGENTKIT_MAX_PART_BYTES="1000")
    big = base64.b64encode(b"\0" * 2000).decode()
    response = post(url, ask(image(big)))
    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "part_too_large" and "AGENTKIT_MAX_PART_BYTES" in error["hint"]


def test_a_screenshot_fits_the_default_body_limit(host, script):
    """A 5 MB image (about 6.7 MB of base64) is a normal chat, not a 413."""
    screenshot = base64.b64encode(b"\0" * 5_000_000).decode()
    assert error_of(chat(host(), run_input(ask(image(screenshot))))) is None


def test_a_kind_the_provider_never_takes_is_refused(host, script, monkeypatch):
    monkeypatch.setattr(agentkit_fake.FakeProvider, "media", frozenset({"image"}))
    pdf = {
        "type": "document",
        "source": {"type": "data", "value": PNG, "mimeType": "application/pdf"},
    }
    response = post(host(), ask(pdf))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_media"
    assert (
        "part 2 is a document" in error["message"] and "Fake takes no document" in error["message"]
    )


def test_an_image_to_a_model_known_to_lack_vision_is_refused(host, script):
    script.models = [profiled("echo", ["tools"]), Model("big")]
    response = post(host(), ask(image()), model="echo")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_media"
    assert "echo cannot take images (its capabilities: tools)" in error["message"]
    assert "vision" in error["hint"]


def test_an_image_to_a_model_whose_capabilities_are_unknown_is_sent(host, script):
    script.models = [Model("echo", capabilities=["tools"]), Model("big")]  # no source: unknown
    assert error_of(chat(host(), run_input(ask(image()), model="echo"))) is None


def test_a_conversation_known_to_be_too_long_is_refused_before_the_call(host, script):
    script.models = [profiled("echo", [], context_window=100)]
    response = post(host(), ask(text="word " * 1000), model="echo")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "context_length_exceeded"
    assert "100 tokens of echo's context window (test listing)" in error["message"]
    assert script.calls == []


def test_the_window_in_effect_is_the_one_that_counts(host, script):
    script.models = [profiled("echo", [], context_window=100_000, context_in_effect=50)]
    response = post(host(), ask(text="word " * 200), model="echo")
    assert response.status_code == 400
    assert "context window in effect" in response.json()["error"]["message"]


def test_a_conversation_that_fits_is_sent(host, script):
    script.models = [profiled("echo", [], context_window=100_000)]
    assert error_of(chat(host(), run_input(ask(text="word " * 1000), model="echo"))) is None


def test_a_run_finishes_with_a_success_outcome(host, script):
    events = chat(host(), run_input("hi"))
    assert events[-1].outcome.type == "success"


def test_capabilities_come_from_the_profile(host, script):
    script.models = [profiled("echo", ["tools", "vision", "thinking"]), Model("big")]
    url = host()

    known = httpx.get(f"{url}/chat/chat/capabilities", params={"model": "echo"}).json()
    unknown = httpx.get(f"{url}/chat/chat/capabilities", params={"model": "big"}).json()

    assert known["transport"]["streaming"] is True
    assert known["identity"]["provider"] == "fake"
    assert known["identity"]["metadata"]["model"] == "echo"
    assert known["tools"] == {"supported": True, "clientProvided": True}
    assert known["reasoning"]["supported"] is True
    assert known["multimodal"]["input"] == {
        "image": True,
        "audio": False,
        "video": False,
        "pdf": False,
        "file": False,
    }
    assert "tools" not in unknown or unknown["tools"] == {}
    assert unknown["multimodal"]["input"] == {}, "unknown facts must be left out, not guessed"


def test_capabilities_of_an_unknown_agent_is_a_404(host, script):
    response = httpx.get(f"{host()}/chat/nobody/capabilities")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "agent_not_found"


def test_the_official_client_sends_an_image_and_gets_the_answer(host, script, official_client):
    messages = ask(image())
    seen = official_client(f"{host()}/chat/chat", messages, {})
    assert "failed" not in seen and seen["error"] is None, seen.get("failed") or seen["error"]
    assert seen["text"] == "echo: What is this?"
    assert seen_blocks(script)[1] == {"type": "image", "base64": PNG, "mime_type": "image/png"}
    assert "RUN_FINISHED" in seen["events"]


def test_a_requests_own_window_counts_where_the_provider_takes_it(host, script, monkeypatch):
    monkeypatch.setattr(agentkit_fake.FakeProvider, "takes_num_ctx", True)
    script.models = [profiled("echo", [], context_window=100_000)]
    body = run_input(ask(text="word " * 200), model="echo", params={"num_ctx": 64})
    response = httpx.post(f"{host()}/chat/chat", json=body, timeout=30)
    assert response.status_code == 400
    assert "(num_ctx in the request)" in response.json()["error"]["message"]


def test_num_ctx_is_left_out_where_the_provider_does_not_take_it(host, script):
    script.models = [profiled("echo", [], context_window=100_000)]
    body = run_input(ask(text="word " * 200), model="echo", params={"num_ctx": 64, "seed": 1})
    events = chat(host(), body)
    assert script.calls[-1]["params"] == {"seed": 1}
    assert events[0].metadata["dropped"] == {"num_ctx": "Fake sets no context window per request"}


def test_what_the_model_is_known_not_to_take_is_dropped_and_named(host, script):
    script.models = [
        Model(
            "plain",
            capabilities=["vision"],
            unsupported_params=["temperature", "top_p"],
            sources={"capabilities": "test listing", "unsupported_params": "test listing"},
        )
    ]
    tool = {"name": "lookup", "description": "Look up.", "parameters": {"type": "object"}}
    body = run_input(
        ask(text="Hi"), model="plain", params={"temperature": 0.2, "seed": 7}, tools=[tool]
    )
    events = chat(host(), body)
    assert script.calls[-1]["tools"] == [] and script.calls[-1]["params"] == {"seed": 7}
    assert events[0].metadata["dropped"] == {
        "tools": "plain cannot call tools (test listing)",
        "temperature": "plain takes no temperature (test listing)",
    }


def test_what_the_profile_does_not_know_is_sent_as_asked(host, script):
    tool = {"name": "lookup", "description": "Look up.", "parameters": {"type": "object"}}
    events = chat(host(), run_input(ask(text="Hi"), params={"temperature": 0.2}, tools=[tool]))
    assert script.calls[-1]["params"] == {"temperature": 0.2}
    assert len(script.calls[-1]["tools"]) == 1
    assert "dropped" not in (events[0].metadata or {})


def test_a_providers_own_check_refuses_before_the_stream(host, script, monkeypatch):
    def check(self, model, messages):
        if any(block.get("mime_type") == "image/gif" for block in messages[-1].content[1:]):
            raise agentkit.UnsupportedMedia("Fake takes no GIFs.", hint="Send a PNG.")

    monkeypatch.setattr(agentkit_fake.FakeProvider, "check_messages", check)
    response = post(host(), ask(image(mimeType="image/gif")))
    assert response.status_code == 422
    assert response.json()["error"] == {
        "code": "unsupported_media",
        "message": "Fake takes no GIFs.",
        "hint": "Send a PNG.",
    }
    assert script.calls == []
    assert post(host(), ask(image())).status_code == 200


def test_a_providers_check_that_breaks_is_named(host, script, monkeypatch):
    def check(self, model, messages):
        raise KeyError("oops")

    monkeypatch.setattr(agentkit_fake.FakeProvider, "check_messages", check)
    response = post(host(), ask(image()))
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error"
    assert "The plugin agentkit_fake failed in check_messages" in error["message"]
