"""Listing Gemini's models straight from the REST API with httpx (no SDK import, so it is fast).

``GET {base}/v1beta/models?pageSize=N[&pageToken=T]`` answers a page of models and, when more
remain, a ``nextPageToken``. Only models whose ``supportedGenerationMethods`` include
``generateContent`` can chat; embedding and image models are left out.

Each model's profile comes from the best source for each fact: the listing itself gives the
context window (``inputTokenLimit``), the longest answer (``outputTokenLimit``) and whether it
thinks (``thinking``, present and true only for models that do); the other capabilities (tools,
vision, audio, video, documents, structured output) come from LangChain's model profiles for
langchain-google-genai, when they describe the model. A model they do not describe keeps its
capabilities unknown, so the host refuses none of its media.
"""

from __future__ import annotations

from typing import Any

import httpx

from agentkit import Model, UpstreamError, http, profiles
from agentkit.provider import CAPABILITIES

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
API_VERSION = "v1beta"
PAGE_SIZE = 1000
MAX_PAGES = 100

LISTING = "Gemini models.list"
"""The source named for the facts Gemini's own model list gives."""

PROFILES_PACKAGE = "langchain_google_genai"


async def list_models(
    client: httpx.AsyncClient, base_url: str | None, *, page_size: int = PAGE_SIZE
) -> list[Model]:
    """Every model that supports ``generateContent``, following ``nextPageToken`` to the end."""
    url = f"{base_url or DEFAULT_BASE_URL}/{API_VERSION}/models"
    models: list[Model] = []
    params: dict[str, Any] = {"pageSize": page_size}
    for _ in range(MAX_PAGES):
        page = await http.get_json(client, url, params=params)
        if not isinstance(page, dict):
            raise UpstreamError("Gemini answered the model list with something other than JSON.")
        models += [_to_model(entry) for entry in page.get("models", []) if _can_chat(entry)]
        token = page.get("nextPageToken")
        if not token:
            return models
        params = {"pageSize": page_size, "pageToken": token}
    raise UpstreamError(f"Gemini's model list did not end after {MAX_PAGES} pages.")


def _can_chat(entry: dict[str, Any]) -> bool:
    return "generateContent" in (entry.get("supportedGenerationMethods") or [])


def _to_model(entry: dict[str, Any]) -> Model:
    """A listed model with its profile: the listing's facts, then LangChain's for the rest."""
    model_id = str(entry.get("name", "")).removeprefix("models/")
    model = Model(
        id=model_id,
        name=entry.get("displayName") or model_id,
        size="Google Cloud",
        capabilities=["thinking"] if entry.get("thinking") is True else [],
        details={"description": entry["description"]} if entry.get("description") else {},
        sources={"thinking": LISTING},
    )
    for fact, field in (
        ("context_window", "inputTokenLimit"),
        ("max_output_tokens", "outputTokenLimit"),
    ):
        value = entry.get(field)
        if isinstance(value, int) and value > 0:
            setattr(model, fact, value)
            model.sources[fact] = LISTING
    data = _described(profiles.profile(PROFILES_PACKAGE, model_id))
    if data is not None:
        rest = {key: value for key, value in data.items() if key != "reasoning_output"}
        rest["pdf_inputs"] = data.get("pdf_inputs") is True and data["image_inputs"] is True
        profiles.fill(model, rest)
        model.capabilities = [c for c in CAPABILITIES if c in model.capabilities]
        model.sources["capabilities"] = f"{profiles.SOURCE}, thinking from {LISTING}"
    return model


def _described(data: dict[str, Any] | None) -> dict[str, Any] | None:
    """A LangChain profile only when it describes the model (its models.dev data states the
    input modalities). langchain-google-genai adds ``pdf_inputs`` and a few other keys to every
    model it names (``data/profile_augmentations.toml``), even one models.dev no longer lists
    (``gemini-3-pro-preview``): such an entry says nothing of vision or tools, and reading it as a
    profile would deny the model both. For the same reason ``pdf_inputs`` counts only with
    ``image_inputs``: Gemini reads a PDF with its vision (its document-processing guide), so a
    model without vision (the TTS models) takes no documents, whatever the blanket key says."""
    if data is None or not isinstance(data.get("image_inputs"), bool):
        return None
    return data
