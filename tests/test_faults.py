"""The fault matrix: every first-party provider against its emulator, every upstream fault, the
stable code the run must end with, and a normal chat on the same host afterwards.

Time limits are a second or so here; the tests assert codes and order, not durations. Retries are
off (one attempt) so each fault meets the code it maps to; the retry tests are separate.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from agentkit.app import create_app
from agentkit.config import HostConfig
from agentkit.registry import Registry
from agentkit.testing import chat, error_of, run_input, serve, text_of
from agentkit.testing.emulator import Emulator
from agentkit_azure_openai.testing import DEFAULT_KEY as AZURE_KEY
from agentkit_azure_openai.testing import AzureOpenAIEmulator
from agentkit_gemini.testing import DEFAULT_KEY as GEMINI_KEY
from agentkit_gemini.testing import GeminiEmulator
from agentkit_ollama.testing import OllamaEmulator
from tests.raw_upstream import raw_upstream

LIMITS = {
    "AGENTKIT_FIRST_TOKEN_TIMEOUT": "1",
    "AGENTKIT_IDLE_TIMEOUT": "1",
    "AGENTKIT_RUN_TIMEOUT": "3",
    "AGENTKIT_RETRY_ATTEMPTS": "1",
    "AGENTKIT_KEEPALIVE": "0",
    "AGENTKIT_LIST_TIMEOUT": "1",
}
REPLY = "one two three four five six seven eight nine ten eleven twelve"


@dataclass(frozen=True)
class Spec:
    """How to stand up one provider's upstream, and its wire format's broken chunks."""

    emulator: Callable[[], Emulator]
    env: Callable[[str], dict[str, str]]
    model: str
    content_at: int
    """How many chunks the stream sends before the first with text (its preamble)."""
    malformed: bytes
    """A chunk that is not JSON, in the provider's framing."""
    undecodable: bytes
    """A chunk that is JSON but not of the shape the provider's chunks have."""


SPECS = {
    "ollama": Spec(
        lambda: OllamaEmulator(reply=REPLY),
        lambda url: {"OLLAMA_BASE_URL": url},
        "qwen:7b",
        0,
        b'{"model":"qwen:7b","message":{"role":"assistant","content":"Hi\n',
        b'{"model":"qwen:7b","message":"not an object","done":false}\n',
    ),
    "gemini": Spec(
        lambda: GeminiEmulator(reply=REPLY),
        lambda url: {"GEMINI_API_KEY": GEMINI_KEY, "GEMINI_BASE_URL": url},
        "gemini-2.5-flash",
        0,
        b'data: {"candidates": [{"content": {"parts": [{"text": "Hi\r\n\r\n',
        b'data: {"candidates": "not a list"}\r\n\r\n',
    ),
    "azure-openai": Spec(
        lambda: AzureOpenAIEmulator(reply=REPLY),
        lambda url: {
            "AZURE_OPENAI_ENDPOINT": url,
            "AZURE_OPENAI_API_KEY": AZURE_KEY,
            "AZURE_OPENAI_DEPLOYMENT": "chat",
            "AZURE_OPENAI_MODEL": "gpt-4o",
        },
        "chat",
        2,
        b'data: {"id": "x", "choices": [{"delta": {"content": "Hi\n\n',
        b'data: {"id":"x","object":"chat.completion.chunk","choices":"not a list"}\n\n',
    ),
}


@dataclass
class Upstream:
    """One provider on its emulator, behind a real host."""

    provider: str
    spec: Spec
    emulator: Emulator
    host: str

    def chat(self, **kw: Any) -> list:
        body = run_input("Count to twelve.", provider=self.provider, model=self.spec.model, **kw)
        return chat(self.host, body, timeout=30)

    def reset(self) -> None:
        e = self.emulator
        e.reply, e.first_token_delay, e.token_delay = REPLY, 0.0, 0.0
        e.cut_after = e.stall_after = e.trickle = e.raw_stream = None
        e._failures.clear()


@pytest.fixture(scope="module", params=list(SPECS))
def upstream(request) -> Iterator[Upstream]:
    """A provider's emulator and a host in front of it, shared by the module's tests."""
    spec = SPECS[request.param]
    emulator = spec.emulator()
    with serve(emulator.app) as url:
        with pytest.MonkeyPatch.context() as mp:
            for name, value in {
                **LIMITS,
                **spec.env(url),
                "AGENTKIT_PLUGINS": request.param,
            }.items():
                mp.setenv(name, value)
            registry = Registry.load(HostConfig())
        with serve(create_app(registry=registry)) as host:
            yield Upstream(request.param, spec, emulator, host)


def set_fault(upstream: Upstream, fault: str) -> None:
    e = upstream.emulator
    first_text = upstream.spec.content_at
    if fault == "connected_then_silent":
        e.stall_after = 0
    elif fault == "stall_mid_answer":
        e.stall_after = first_text + 2
    elif fault == "trickle_one_byte_at_a_time":
        e.trickle = 0.3
    elif fault == "longer_than_the_run_limit":
        e.token_delay = 0.5  # under the idle limit each time, over the run limit in all
    elif fault == "malformed_json_mid_stream":
        e.raw_stream = [e.chunk_bytes("Hi"), upstream.spec.malformed]
    elif fault == "undecodable_chunk":
        e.raw_stream = [upstream.spec.undecodable]
    elif fault == "empty_200_body":
        e.raw_stream = []
    elif fault == "error_event_in_200_stream":
        e.raw_stream = [e.chunk_bytes("Hi"), e.error_event("The model crashed (emulated).")]
    elif fault == "stream_cut_mid_answer":
        e.cut_after = first_text + 2
    elif fault.startswith("http_"):
        status = int(fault.split("_")[1])
        headers = {"Retry-After": "30"} if status == 429 else None
        e.fail(status, times=5, headers=headers)
    else:
        raise AssertionError(fault)


FAULTS = {
    "connected_then_silent": "upstream_timeout",
    "stall_mid_answer": "upstream_timeout",
    "trickle_one_byte_at_a_time": "upstream_timeout",
    "longer_than_the_run_limit": "upstream_timeout",
    "malformed_json_mid_stream": "upstream_error",
    "undecodable_chunk": "upstream_error",
    "empty_200_body": "upstream_error",
    "error_event_in_200_stream": "upstream_error",
    "stream_cut_mid_answer": "upstream_error",
    "http_504": "upstream_timeout",
    "http_408": "upstream_timeout",
    "http_429_with_retry_after": "rate_limited",
    "http_500": "upstream_error",
    "http_401": "auth_failed",
}


@pytest.mark.filterwarnings("ignore::UserWarning:pydantic")  # openai's model of a bad chunk
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_ends_the_run_with_its_code_and_the_host_keeps_serving(upstream, fault):
    upstream.reset()
    set_fault(upstream, fault)

    events = upstream.chat()

    error = error_of(events)
    assert error is not None, f"{fault}: the run finished with {text_of(events)!r}"
    assert error.code == FAULTS[fault], f"{fault}: {error.code}: {error.message}"
    assert "unexpectedly" not in error.message, error.message
    upstream.reset()
    after = upstream.chat()
    assert error_of(after) is None, f"after {fault}: {error_of(after).message}"
    assert text_of(after) == REPLY


def test_a_timeout_names_the_limit_and_the_setting_to_raise(upstream):
    upstream.reset()
    set_fault(upstream, "connected_then_silent")
    first_token = error_of(upstream.chat())
    upstream.reset()
    set_fault(upstream, "stall_mid_answer")
    idle = error_of(upstream.chat())
    upstream.reset()
    set_fault(upstream, "longer_than_the_run_limit")
    whole = error_of(upstream.chat())
    upstream.reset()

    assert "AGENTKIT_FIRST_TOKEN_TIMEOUT" in first_token.message
    assert "AGENTKIT_IDLE_TIMEOUT" in idle.message
    assert "AGENTKIT_RUN_TIMEOUT" in whole.message


def test_a_timeout_closes_the_upstream_connection(upstream):
    upstream.reset()
    upstream.emulator.stall_after = upstream.spec.content_at + 2
    before = upstream.emulator.disconnects

    assert error_of(upstream.chat()).code == "upstream_timeout"

    # The emulator counts a stream whose client went away before it ended.
    upstream.reset()
    assert wait_for(lambda: upstream.emulator.disconnects > before)


def test_a_rate_limit_says_how_long_the_provider_asked_to_wait(upstream):
    upstream.reset()
    set_fault(upstream, "http_429_with_retry_after")
    error = error_of(upstream.chat())
    upstream.reset()
    assert error.code == "rate_limited"
    assert "30 s" in error.message, error.message


def test_an_error_event_in_the_stream_carries_the_providers_words(upstream):
    upstream.reset()
    set_fault(upstream, "error_event_in_200_stream")
    error = error_of(upstream.chat())
    upstream.reset()
    assert "The model crashed (emulated)." in error.message


@dataclass(frozen=True)
class Wire:
    """What a raw upstream sends for one provider."""

    content_type: str
    chunk: Callable[[], bytes]


WIRES = {
    "ollama": Wire("application/x-ndjson", lambda: OllamaEmulator().chunk_bytes("Hello there")),
    "gemini": Wire("text/event-stream", lambda: GeminiEmulator().chunk_bytes("Hello there")),
    "azure-openai": Wire(
        "text/event-stream", lambda: AzureOpenAIEmulator().chunk_bytes("Hello there")
    ),
}


@pytest.mark.parametrize("behaviour", ["silent", "stall", "trickle"])
@pytest.mark.parametrize("provider", list(SPECS))
def test_a_raw_socket_upstream_that_stops_answering_is_cut_off(provider, behaviour, monkeypatch):
    """The limits against real sockets: a server that accepts and never answers, one that sends
    one chunk and stalls, one that trickles a byte at a time. The run ends with
    ``upstream_timeout``, and the host hangs up on the upstream."""
    wire, spec = WIRES[provider], SPECS[provider]
    with raw_upstream(behaviour, content_type=wire.content_type, body=wire.chunk()) as upstream:
        for name, value in {
            **LIMITS,
            **spec.env(upstream.url),
            "AGENTKIT_PLUGINS": provider,
        }.items():
            monkeypatch.setenv(name, value)
        with serve(create_app()) as host:
            httpx.get(f"{host}/models/{provider}", timeout=30)  # the listing a first chat awaits
            assert upstream.closed.wait(10), "the host left the listing's connection open"
            upstream.closed.clear()
            body = run_input("Hello?", provider=provider, model=spec.model)
            events = chat(host, body, timeout=30)
            error = error_of(events)
            assert error is not None and error.code == "upstream_timeout", events[-1]
            assert upstream.methods.count("POST") == 1, upstream.methods  # one chat, no retry
            assert upstream.closed.wait(10), "the host left the upstream connection open"


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()
