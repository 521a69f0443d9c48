"""GET /models and GET /models/{provider}: shape, states, timeouts, caching and defaults."""

from __future__ import annotations

import time

import httpx

import agentkit
from agentkit import Model, Provider, ProviderSettings


class Hanging(Provider):
    """A provider whose listing never answers."""

    id = "hanging"
    name = "Hanging"
    Settings = ProviderSettings

    async def list_models(self) -> list[Model]:
        import asyncio

        await asyncio.sleep(3600)
        return []


class HangingPlugin:
    @agentkit.hookimpl
    def register_providers(self, register):
        register(Hanging)


def get(url: str, path: str = "/models", **kw) -> httpx.Response:
    return httpx.get(url + path, timeout=30, **kw)


def test_models_lists_providers_and_models_in_the_documented_shape(host, script):
    body = get(host()).json()

    assert body["providers"] == [
        {
            "id": "fake",
            "name": "Fake",
            "available": True,
            "state": "ready",
            "error": None,
            "hint": None,
            "notice": None,
            "default_model": "echo",
        }
    ]
    assert body["models"][0] == {
        "id": "echo",
        "name": "echo",
        "size": "1 KB",
        "available": True,
        "provider": "fake",
        "capabilities": [],
        "context_window": None,
        "max_output_tokens": None,
        "context_in_effect": None,
        "unsupported_params": [],
        "sources": {},
        "details": {},
    }
    assert [m["id"] for m in body["models"]] == ["echo", "big"]
    assert (body["default_provider"], body["default_model"]) == ("fake", "echo")


def test_one_provider_and_unknown_provider(host, script):
    url = host()
    assert get(url, "/models/fake").json()["providers"][0]["id"] == "fake"
    response = get(url, "/models/nope")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_provider"


def test_unconfigured_provider_names_the_missing_setting(host, script, monkeypatch):
    monkeypatch.delenv("FAKE_API_KEY")
    provider = get(host()).json()["providers"][0]
    assert provider["state"] == "unconfigured"
    assert provider["available"] is False
    assert provider["error"] == "FAKE_API_KEY is not set"


def test_a_listing_failure_shows_as_error_with_its_message(host, script):
    script.list_error = agentkit.UpstreamUnavailable("Fake is not reachable.", hint="Start it.")
    provider = get(host()).json()["providers"][0]
    assert (provider["state"], provider["error"], provider["hint"]) == (
        "error",
        "Fake is not reachable.",
        "Start it.",
    )


def test_a_hanging_provider_costs_its_timeout_and_does_not_block_others(host, script):
    url = host(extra_plugins=[HangingPlugin()], AGENTKIT_LIST_TIMEOUT="0.5")
    started = time.monotonic()
    body = get(url).json()
    elapsed = time.monotonic() - started

    states = {p["id"]: p["state"] for p in body["providers"]}
    assert states == {"fake": "ready", "hanging": "error"}
    assert "within 0.5 s" in body["providers"][1]["error"]
    assert {m["provider"] for m in body["models"]} == {"fake"}
    assert elapsed < 5, "the hanging provider blocked the listing"


def test_listings_are_cached_until_refresh(host, script):
    url = host()
    get(url)
    get(url)
    get(url, "/models/fake")
    assert script.list_calls == 1
    script.models = [Model("new-model")]
    assert [m["id"] for m in get(url).json()["models"]] == ["echo", "big"]
    refreshed = get(url, params={"refresh": "true"}).json()
    assert [m["id"] for m in refreshed["models"]] == ["new-model"]
    assert script.list_calls == 2


def test_cache_ttl_expires(host, script):
    url = host(AGENTKIT_LIST_CACHE_TTL="0")
    get(url)
    get(url)
    assert script.list_calls == 2


def test_default_falls_back_to_an_offered_model_with_a_notice(host, script, monkeypatch):
    monkeypatch.setenv("FAKE_MODEL", "gone")
    provider = get(host()).json()["providers"][0]
    assert provider["default_model"] == "echo"
    assert "gone is not available" in provider["notice"]


def test_default_model_setting(host, script):
    body = get(host(DEFAULT_MODEL="big")).json()
    assert body["default_model"] == "big"
