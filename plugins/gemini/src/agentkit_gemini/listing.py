"""Listing Gemini's models straight from the REST API with httpx (no SDK import, so it is fast).

``GET {base}/v1beta/models?pageSize=N[&pageToken=T]`` answers a page of models and, when more
remain, a ``nextPageToken``. Only models whose ``supportedGenerationMethods`` include
``generateContent`` can chat; embedding and image models are left out.
"""

from __future__ import annotations

from typing import Any

import httpx

from agentkit import Model, UpstreamError, UpstreamTimeout, UpstreamUnavailable
from agentkit_gemini.errors import from_google_error

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
API_VERSION = "v1beta"
PAGE_SIZE = 1000
MAX_PAGES = 100


async def list_models(
    base_url: str | None, api_key: str, *, page_size: int = PAGE_SIZE, timeout: float = 30.0
) -> list[Model]:
    """Every model that supports ``generateContent``, following ``nextPageToken`` to the end."""
    base = base_url or DEFAULT_BASE_URL
    url = f"{base}/{API_VERSION}/models"
    models: list[Model] = []
    params: dict[str, Any] = {"pageSize": page_size}
    async with httpx.AsyncClient(headers={"x-goog-api-key": api_key}, timeout=timeout) as client:
        for _ in range(MAX_PAGES):
            page = await _get_page(client, url, params, base)
            models += [_to_model(entry) for entry in page.get("models", []) if _can_chat(entry)]
            token = page.get("nextPageToken")
            if not token:
                return models
            params = {"pageSize": page_size, "pageToken": token}
    raise UpstreamError(f"Gemini's model list did not end after {MAX_PAGES} pages.")


async def _get_page(
    client: httpx.AsyncClient, url: str, params: dict[str, Any], base: str
) -> dict[str, Any]:
    try:
        response = await client.get(url, params=params)
    except httpx.TimeoutException:
        raise UpstreamTimeout(f"Gemini did not list its models in time ({base}).") from None
    except httpx.TransportError as exc:
        raise UpstreamUnavailable(
            f"Gemini is not reachable at {base} ({type(exc).__name__}).",
            hint="Check the network connection, or GEMINI_BASE_URL if you set it.",
        ) from None
    body = _json(response)
    if response.status_code == 404:
        raise UpstreamUnavailable(
            f"{base} does not serve the Gemini models API (HTTP 404 for {url}).",
            hint="Check GEMINI_BASE_URL.",
        )
    if response.status_code != 200:
        raise from_google_error(response.status_code, body, response.headers)
    if not isinstance(body, dict):
        raise UpstreamError("Gemini answered the model list with something other than JSON.")
    return body


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


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
