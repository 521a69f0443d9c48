"""Listing the models an Ollama server has pulled.

``GET /api/tags`` names each model with its size, digest and details; ``POST /api/show`` adds
what the model can do (``capabilities``) and its context length. Those are asked for concurrently,
each allowed to fail (an older server, a slow disk): the model is then listed without them. A
digest names one exact build of a model, so answers are cached per digest.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx

from agentkit import AgentKitError, Model, UpstreamError, http
from agentkit_ollama.settings import display_url

TAGS_TIMEOUT = 5.0
SHOW_TIMEOUT = 2.0


@dataclass(frozen=True)
class ModelInfo:
    """What ``/api/show`` says about one build of a model."""

    capabilities: list[str]
    context_length: int | None


async def list_pulled_models(
    client: httpx.AsyncClient, base_url: str, cache: dict[str, ModelInfo]
) -> list[Model]:
    """The pulled models, in the server's order; ``cache`` (digest -> info) is read and filled.
    Raises ``not_ollama`` for an answer that is not Ollama's; errors of the request itself go
    to the host's error path."""
    body = await http.get_json(client, f"{base_url}/api/tags", timeout=TAGS_TIMEOUT)
    models = body.get("models") if isinstance(body, dict) else None
    if not isinstance(models, list):
        raise not_ollama(base_url)
    tags = [tag for tag in models if isinstance(tag, dict) and tag.get("name")]
    infos = await asyncio.gather(*(_info(client, base_url, tag, cache) for tag in tags))
    return [_model(tag, info) for tag, info in zip(tags, infos, strict=True)]


async def _info(
    client: httpx.AsyncClient, base_url: str, tag: dict[str, Any], cache: dict[str, ModelInfo]
) -> ModelInfo | None:
    digest = tag.get("digest")
    if digest in cache:
        return cache[digest]
    try:
        response = await client.post(
            f"{base_url}/api/show", json={"model": tag["name"]}, timeout=SHOW_TIMEOUT
        )
        body = response.json() if response.status_code == 200 else {}
    except (httpx.HTTPError, ValueError):
        return None
    capabilities = body.get("capabilities") if isinstance(body, dict) else None
    if not isinstance(capabilities, list):
        return None  # an older server, or a failure: list the model without them
    info = ModelInfo([str(c) for c in capabilities], _context_length(body.get("model_info")))
    if digest:
        cache[digest] = info
    return info


def _context_length(model_info: Any) -> int | None:
    """``<architecture>.context_length`` from ``model_info``, e.g. ``llama.context_length``."""
    if not isinstance(model_info, dict):
        return None
    for key, value in model_info.items():
        if key.endswith(".context_length") and isinstance(value, int):
            return value
    return None


def _model(tag: dict[str, Any], info: ModelInfo | None) -> Model:
    details_in = tag.get("details") or {}
    details: dict[str, Any] = {
        "family": details_in.get("family"),
        "parameter_size": details_in.get("parameter_size"),
        "quantization": details_in.get("quantization_level"),
        "context_length": info.context_length if info else None,
    }
    capabilities = info.capabilities if info else []
    # "completion" is what chat needs; a model without it (an embedding model) cannot chat.
    can_chat = info is None or "completion" in capabilities
    if not can_chat:
        details["note"] = "cannot chat (capabilities: " + ", ".join(capabilities) + ")"
    size = tag.get("size")
    return Model(
        id=tag["name"],
        name=tag["name"],
        size=human_size(size) if isinstance(size, int) else None,
        available=can_chat,
        capabilities=[c for c in capabilities if c != "completion"],
        details={key: value for key, value in details.items() if value},
    )


def human_size(size: int) -> str:
    """Bytes in decimal units, as ``ollama list`` prints them: "4.7 GB", "274 MB", "12 GB"."""
    for unit, scale in (("TB", 1000**4), ("GB", 1000**3), ("MB", 1000**2), ("KB", 1000)):
        if size >= scale:
            value = size / scale
            if value >= 10 or value == int(value):
                return f"{int(value)} {unit}"
            return f"{value:.1f} {unit}"
    return f"{size} B"


def not_ollama(base_url: str) -> AgentKitError:
    return UpstreamError(
        f"{display_url(base_url)} did not answer like an Ollama server.",
        hint="Check that OLLAMA_BASE_URL points at Ollama (it serves GET /api/tags).",
        retryable=False,
    )
