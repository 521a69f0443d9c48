"""Listing Gemini's models straight from the REST API with httpx (no SDK import, so it is fast).

``GET {base}/v1beta/models?pageSize=N[&pageToken=T]`` answers a page of models and, when more
remain, a ``nextPageToken``. Only models whose ``supportedGenerationMethods`` include
``generateContent`` can chat; embedding and image models are left out.
"""

from __future__ import annotations

from typing import Any

import httpx

from agentkit import Model, UpstreamError, http

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
API_VERSION = "v1beta"
PAGE_SIZE = 1000
MAX_PAGES = 100


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
    model_id = str(entry.get("name", "")).removeprefix("models/")
    details = {
        "input_token_limit": entry.get("inputTokenLimit"),
        "output_token_limit": entry.get("outputTokenLimit"),
        "description": entry.get("description"),
    }
    return Model(
        id=model_id,
        name=entry.get("displayName") or model_id,
        size="Google Cloud",
        capabilities=["thinking"] if entry.get("thinking") else [],
        details={key: value for key, value in details.items() if value is not None},
    )
