"""A plugin is third-party code: whatever it does, the host stays up, keeps serving the other
providers, and says which plugin did it."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

import httpx
import pytest

from agentkit.app import create_app
from agentkit.config import HostConfig
from agentkit.registry import Registry
from agentkit.testing import chat, error_of, run_input, serve, text_of
from tests.plugins_for_tests import (
    AGENTS_RAISE,
    EXITING,
    EXITING_IMPORT,
    FAKE,
    GOOD,
    installed,
    unruly,
)


@pytest.fixture
def misbehave(monkeypatch) -> set[str]:
    behaviour: set[str] = set()
    monkeypatch.setattr(unruly, "behaviour", behaviour)
    return behaviour


@pytest.fixture
def unruly_host(host, misbehave) -> Callable[..., str]:
    """``unruly_host(**env)``: a real host with the fake and the unruly plugins."""
    return lambda **env: host(extra_plugins=[unruly], **env)


PLUGIN = unruly.__name__
"""How the host names the unruly plugin (a module registered directly, not a distribution)."""


def unruly_chat(url: str) -> list:
    return chat(url, run_input("hi", provider="unruly", model="unruly-1"))


def assert_still_serving(url: str) -> None:
    events = chat(url, run_input("still there?", provider="fake", model="echo"))
    assert text_of(events) == "echo: still there?"


@pytest.mark.parametrize("answer", ["none", "strings", "dicts", "not_json"])
def test_a_lister_returning_junk_marks_only_its_provider(unruly_host, misbehave, answer):
    misbehave.add(answer)
    url = unruly_host()

    response = httpx.get(f"{url}/models", timeout=10)

    assert response.status_code == 200, response.text
    document = response.json()
    states = {p["id"]: p for p in document["providers"]}
    assert states["fake"]["state"] == "ready"
    assert states["unruly"]["state"] == "error"
    assert PLUGIN in states["unruly"]["error"]
    assert "agentkit.Model" in states["unruly"]["error"]
    assert {m["provider"] for m in document["models"]} == {"fake"}


@pytest.mark.parametrize("raised", ["cancelled", "keyboard", "system_exit"])
def test_a_lister_raising_base_exceptions_marks_only_its_provider(unruly_host, misbehave, raised):
    misbehave.add(raised)
    url = unruly_host()

    response = httpx.get(f"{url}/models", timeout=10)

    assert response.status_code == 200, response.text
    states = {p["id"]: p for p in response.json()["providers"]}
    assert states["unruly"]["state"] == "error"
    assert PLUGIN in states["unruly"]["error"]
    assert states["fake"]["state"] == "ready"
    assert_still_serving(url)


@pytest.mark.parametrize(
    "fault",
    ["cancelled", "keyboard", "system_exit", "translate_error_raises", "check_chunk_raises"],
)
def test_a_stream_that_misbehaves_ends_its_run_and_the_host_keeps_serving(
    unruly_host, misbehave, fault
):
    misbehave.add(fault)
    if fault == "translate_error_raises":
        misbehave.add("unknown_error")  # something for translate_error to translate
    url = unruly_host()

    events = unruly_chat(url)

    error = error_of(events)
    assert error is not None and error.code == "internal_error", events[-1]
    assert PLUGIN in error.message
    assert_still_serving(url)
    misbehave.clear()
    assert text_of(unruly_chat(url)) == unruly.ANSWER


def test_a_lister_that_blocks_the_event_loop_is_named_in_a_warning(unruly_host, misbehave, caplog):
    misbehave.add("sleep")
    caplog.set_level(logging.WARNING, logger="agentkit.watchdog")
    url = unruly_host()

    httpx.get(f"{url}/models/unruly", timeout=10)

    [warning] = [r for r in caplog.records if r.name == "agentkit.watchdog"]
    message = warning.getMessage()
    assert "provider 'unruly' (listing models)" in message
    assert "unruly.py" in message and "list_models" in message
    assert "blocked for 1." in message


def test_a_chat_model_that_blocks_the_event_loop_is_named_in_a_warning(
    unruly_host, misbehave, caplog
):
    misbehave.add("sleep")
    caplog.set_level(logging.WARNING, logger="agentkit.watchdog")
    url = unruly_host()

    assert text_of(unruly_chat(url)) == unruly.ANSWER

    warnings = [r.getMessage() for r in caplog.records if r.name == "agentkit.watchdog"]
    [warning] = [w for w in warnings if "(listing models)" not in w]  # listed before its chat
    assert "provider 'unruly' (run " in warning


def test_a_hook_that_calls_sys_exit_while_loading_leaves_its_plugin_in_error(monkeypatch, script):
    installed(monkeypatch, FAKE, EXITING, EXITING_IMPORT)

    registry = Registry.load(HostConfig())

    states = {pid: entry.state for pid, entry in registry.providers.items()}
    assert states == {"fake": "ready", "exiting": "error", "exiting-import": "error"}
    assert "SystemExit" in registry.providers["exiting"].error


def test_a_failing_register_agents_hook_is_shown(monkeypatch, script):
    from click.testing import CliRunner

    from agentkit.cli import main

    installed(monkeypatch, FAKE, GOOD, AGENTS_RAISE)
    with serve(create_app()) as url:
        document = httpx.get(f"{url}/agents", timeout=10).json()
    [problem] = document["errors"]
    assert problem["package"] == "agentkit-agents-raise"
    assert "no agents today" in problem["error"]
    assert [a["id"] for a in document["agents"]] == ["chat"]

    printed = CliRunner().invoke(main, ["providers"])
    assert "agentkit-agents-raise" in printed.output
    assert "register_agents" in printed.output


def test_concurrent_refreshes_share_one_listing(host, script):
    script.list_delay = 0.5
    url = host()

    async def refresh_many() -> list[int]:
        async with httpx.AsyncClient(timeout=10) as client:
            answers = await asyncio.gather(
                *(client.get(f"{url}/models?refresh=true") for _ in range(20))
            )
        return [answer.status_code for answer in answers]

    assert asyncio.run(refresh_many()) == [200] * 20
    assert script.list_calls == 1


def test_the_default_model_resolves_before_any_listing(host, script):
    url = host(FAKE_MODEL="not-offered")  # the configured default is not among the models

    events = chat(url, run_input("hi"))  # names no model, on a host nobody has listed yet

    assert error_of(events) is None
    assert events[0].metadata["model"] == "echo"
    assert script.list_calls == 1


def test_a_client_that_drops_while_uploading_is_not_an_error(host, caplog):
    caplog.set_level(logging.INFO)
    url = host()
    address = urlsplit(url)
    with socket.create_connection((address.hostname, address.port)) as sock:
        sock.sendall(
            b"POST /chat/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100000\r\n\r\n" + b'{"threadId": "t"'
        )
    assert_still_serving_fake(url)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]


def assert_still_serving_fake(url: str) -> None:
    assert text_of(chat(url, run_input("ok?"))) == "echo: ok?"


def test_the_conformance_kit_fails_a_plugin_that_blocks_the_event_loop(misbehave):
    from agentkit.testing import ProviderConformance

    class Check(ProviderConformance):
        provider_id, model = "unruly", "unruly-1"

    provider = unruly.UnrulyProvider(unruly.UnrulyProvider.Settings())
    Check().test_never_blocks_the_event_loop(provider)  # well behaved: passes
    misbehave.add("sleep")

    with pytest.raises(AssertionError) as failure:
        Check().test_never_blocks_the_event_loop(provider)

    assert "list_models() blocked the event loop for 1.5 s" in str(failure.value)
    assert "asyncio.to_thread" in str(failure.value)
