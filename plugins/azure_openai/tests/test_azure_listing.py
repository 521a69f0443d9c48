"""Listing deployments: configured ones always, plus what the management plane or the old
data-plane list reports, each model saying where it came from."""

from __future__ import annotations

import asyncio

import pytest

from agentkit import AuthFailed, ChatParams, UpstreamUnavailable
from agentkit.testing import list_models
from agentkit_azure_openai.testing import (
    ACCOUNT,
    DATA_TOKEN,
    DEFAULT_KEY,
    MANAGEMENT_TOKEN,
    SUBSCRIPTION,
    deployment,
)


def listed(provider) -> dict[str, dict]:
    return {m.id: m.to_dict(provider.id) for m in list_models(provider)}


def test_configured_deployments_are_listed(azure_env, monkeypatch, make_provider, emulator):
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini,legacy")
    models = listed(make_provider())
    assert list(models) == ["chat", "reasoner", "legacy"]
    chat = models["chat"]
    assert (chat["available"], chat["size"], chat["provider"]) == (
        True,
        "Azure Cloud",
        "azure-openai",
    )
    assert chat["details"] == {"model": "gpt-4o", "source": "configured", "configured": True}
    assert chat["name"] == "chat (gpt-4o)"
    assert "thinking" in models["reasoner"]["capabilities"]
    legacy = models["legacy"]
    assert (legacy["name"], legacy["capabilities"], legacy["sources"]) == ("legacy", [], {})
    assert legacy["context_window"] is None
    assert legacy["details"] == {
        "source": "configured",
        "configured": True,
        "note": "the model behind this deployment is unknown, so requests carry only the "
        "parameters you set and what it can do is unknown; name it with "
        "AZURE_OPENAI_DEPLOYMENTS=legacy=<model>",
    }


def test_a_named_model_is_described_by_its_langchain_profile(azure_env, make_provider):
    chat = listed(make_provider())["chat"]
    source = "LangChain model profiles (models.dev), profile gpt-4o"
    assert chat["capabilities"] == ["tools", "vision", "documents", "structured_output"]
    assert (chat["context_window"], chat["max_output_tokens"]) == (128000, 16384)
    assert chat["sources"] == {
        "capabilities": source,
        "context_window": source,
        "max_output_tokens": source,
    }


def test_the_family_rules_decide_thinking_and_documents(azure_env, monkeypatch, make_provider):
    """o3-mini's profile says it reads PDFs; Azure takes PDFs only from models with vision."""
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "reasoner=o3-mini,listener=gpt-4o-audio-preview")
    models = listed(make_provider())
    reasoner, listener = models["reasoner"], models["listener"]
    assert reasoner["capabilities"] == ["tools", "thinking", "structured_output"]
    assert reasoner["sources"]["capabilities"] == (
        "LangChain model profiles (models.dev), profile o3-mini; documents by the Azure OpenAI "
        "plugin family rules"
    )
    assert reasoner["context_window"] == 200000
    # no LangChain profile knows the audio models: the family rules, and no window
    assert listener["capabilities"] == ["tools", "audio"]
    assert listener["sources"] == {"capabilities": "Azure OpenAI plugin family rules"}
    assert listener["context_window"] is None


def test_a_gpt_4_deployment_of_unknown_version_has_unknown_capabilities(
    azure_env, monkeypatch, make_provider
):
    """gpt-4 is an 8K model without vision in one version and a 128K vision model in another."""
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "old=gpt-4")
    old = listed(make_provider())["old"]
    assert (old["capabilities"], old["context_window"], old["sources"]) == ([], None, {})
    assert "version is unknown" in old["details"]["note"]


def test_an_unsupported_data_plane_list_is_tried_once(azure_env, make_provider, emulator):
    provider = make_provider()
    listed(provider)
    listed(provider)
    [request] = emulator.requests
    assert request["path"] == "/openai/deployments"
    assert request["query"] == {"api-version": "2023-03-15-preview"}
    assert request["headers"]["api-key"] == DEFAULT_KEY


def test_the_data_plane_list_when_the_resource_offers_it(
    azure_env, monkeypatch, make_provider, emulator
):
    emulator.data_plane_listing = True
    emulator.models.append(deployment("pending", "gpt-4o-mini", state="Creating"))
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "gone=gpt-35-turbo")
    provider = make_provider()
    models = listed(provider)
    assert list(models) == [
        "chat",
        "gone",
        "embeddings",
        "gpt-4",
        "pending",
        "reasoner",
        "thinker",
    ]
    assert models["chat"]["details"] == {
        "model": "gpt-4o",
        "status": "succeeded",
        "source": "data-plane",
        "configured": True,
    }
    assert models["reasoner"]["available"] and models["reasoner"]["details"]["model"] == "o3-mini"
    assert not models["pending"]["available"]
    assert not models["gone"]["available"]
    assert models["gone"]["details"]["note"] == "not among the resource's deployments"
    listed(provider)
    assert len(emulator.requests) == 2  # a supported list is asked each time


def test_the_data_plane_list_with_entra_id(entra_env, make_provider, emulator):
    emulator.data_plane_listing = True
    assert "reasoner" in listed(make_provider())
    assert emulator.requests[0]["headers"]["authorization"] == f"Bearer {DATA_TOKEN}"


def test_a_rejected_key_fails_the_listing(azure_env, monkeypatch, make_provider):
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "rejected-key")
    with pytest.raises(AuthFailed) as caught:
        listed(make_provider())
    assert "rejected-key" not in caught.value.message + caught.value.hint


def test_an_unreachable_endpoint_fails_the_listing(azure_env, monkeypatch, make_provider):
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "http://127.0.0.1:9")
    with pytest.raises(UpstreamUnavailable, match=r"127\.0\.0\.1:9"):
        listed(make_provider())


def test_the_management_plane_lists_the_real_deployments(management_env, make_provider, emulator):
    emulator.page_size = 2
    emulator.models.append(deployment("failed", "gpt-4o", state="Failed"))
    models = listed(make_provider())
    assert list(models) == ["chat", "failed", "gpt-4", "reasoner", "thinker"]  # no embeddings
    assert models["chat"]["details"] == {
        "model": "gpt-4o",
        "model_version": "2024-08-06",
        "status": "Succeeded",
        "source": "management",
        "configured": True,
    }
    assert models["gpt-4"]["details"]["configured"] is False
    assert not models["failed"]["available"]
    pages = [r for r in emulator.requests if "/subscriptions/" in r["path"]]
    assert [page["query"].get("$skipToken") for page in pages] == [None, "2", "4"]
    assert models["thinker"]["capabilities"] == [
        "tools",
        "vision",
        "documents",
        "thinking",
        "structured_output",
    ]
    assert pages[0]["path"] == (
        f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-agentkit/providers/"
        f"Microsoft.CognitiveServices/accounts/{ACCOUNT}/deployments"
    )
    assert pages[0]["query"] == {"api-version": "2024-10-01"}
    assert pages[0]["headers"]["authorization"] == f"Bearer {MANAGEMENT_TOKEN}"
    assert not [r for r in emulator.requests if r["path"] == "/openai/deployments"]


def test_azure_resource_managers_token_limits_come_first(management_env, make_provider):
    """The gpt-4 deployment (turbo-2024-04-09) reports its limits; its LangChain profile is
    gpt-4-turbo's, named in the source because it is not the model's own name."""
    gpt4 = listed(make_provider())["gpt-4"]
    arm = "Azure Resource Manager (the deployment's capabilities)"
    assert (gpt4["context_window"], gpt4["max_output_tokens"]) == (128000, 4096)
    assert gpt4["sources"]["context_window"] == gpt4["sources"]["max_output_tokens"] == arm
    assert gpt4["capabilities"] == ["tools", "vision", "documents"]
    assert gpt4["sources"]["capabilities"] == (
        "LangChain model profiles (models.dev), profile gpt-4-turbo"
    )
    assert gpt4["details"]["model_version"] == "turbo-2024-04-09"


def test_discovered_deployments_get_their_models_parameters(
    management_env, monkeypatch, make_provider, emulator
):
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-12-01-preview")
    provider = make_provider()
    listed(provider)
    asyncio.run(_drain(provider, "reasoner", ChatParams(max_tokens=99)))
    body = emulator.chat_requests()[0]["json"]
    assert body["max_completion_tokens"] == 99 and "temperature" not in body


@pytest.mark.parametrize("configured", ["reasoner", "reasoner=gpt-4o"])
def test_discovery_wins_over_what_the_settings_say(
    azure_env, monkeypatch, make_provider, emulator, configured
):
    """Unnamed, or named wrongly: once the resource reported o3-mini, o3-mini's rules apply."""
    monkeypatch.setenv("AZURE_OPENAI_API_VERSION", "2024-12-01-preview")
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", configured)
    emulator.data_plane_listing = True
    provider = make_provider()
    assert provider.reasoning("reasoner", "high") is None  # not (yet) known to reason
    models = listed(provider)
    assert models["reasoner"]["details"]["model"] == "o3-mini"
    assert "thinking" in models["reasoner"]["capabilities"]
    assert provider.reasoning("reasoner", "high") == {"reasoning_effort": "high"}
    params = ChatParams(max_tokens=99, temperature=0.2, reasoning_effort="high")
    asyncio.run(_drain(provider, "reasoner", params))
    body = emulator.chat_requests()[0]["json"]
    assert (body["max_completion_tokens"], body["reasoning_effort"]) == (99, "high")
    assert "temperature" not in body


async def _drain(provider, deployment_name, params):
    return [c async for c in provider.chat_model(deployment_name, params).astream("hi")]


def test_a_failed_management_listing_falls_back_with_a_notice(
    management_env, monkeypatch, make_provider, emulator
):
    monkeypatch.setenv("AZURE_OPENAI_RESOURCE", "not-my-account")
    provider = make_provider()
    models = list_models(provider)
    assert [(m.id, m.available, m.details["source"]) for m in models] == [
        ("chat", True, "configured")
    ]
    default, notice = provider.choose_default(models)
    assert default == "chat"
    assert "not-my-account" in notice and "configured deployments only" in notice


def test_management_discovery_needs_entra_id(management_env, monkeypatch, make_provider, emulator):
    monkeypatch.setenv("AZURE_OPENAI_AUTH", "key")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", DEFAULT_KEY)
    listed(make_provider())
    assert [r["path"] for r in emulator.requests] == ["/openai/deployments"]


def test_no_entra_token_fails_the_listing(management_env, make_provider):
    management_env.refuse = "No credential in this chain provided a token."
    with pytest.raises(AuthFailed, match="Azure rejected the credentials"):
        list_models(make_provider())


def test_the_default_falls_back_when_the_configured_deployment_is_gone(
    azure_env, monkeypatch, make_provider, emulator
):
    emulator.data_plane_listing = True
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENT", "deleted")
    provider = make_provider()
    models = list_models(provider)
    default, notice = provider.choose_default(models)
    assert default != "deleted" and default in {m.id for m in models if m.available}
    assert "deleted is not available" in notice
