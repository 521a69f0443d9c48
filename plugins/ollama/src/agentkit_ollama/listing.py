"""Listing the models an Ollama server has pulled, with what each can do.

``GET /api/tags`` names each model with its size, digest and details; ``POST /api/show`` adds
the model's profile: what it can do (``capabilities``), its context window
(``model_info["<architecture>.context_length"]``) and the parameters its Modelfile sets
(``parameters``, where a ``num_ctx`` line is the window requests get). Those are asked for
concurrently, each allowed to fail (an older server, a slow disk): the model is then listed
without them, its profile unknown. A digest names one exact build of a model, so answers are
cached per digest.

The window requests get (``context_in_effect``) is ``OLLAMA_NUM_CTX`` when set (sent with every
chat), else the Modelfile's ``num_ctx``; Ollama caps either at the model's own window
(server/sched.go ``effectiveContext``). Without both, the server's default applies, which a
client cannot read (``OLLAMA_CONTEXT_LENGTH`` where Ollama runs, else a size chosen by GPU
memory, lowered again when the model does not fit): the window in effect is then unknown, and
the model's details say so.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any

import httpx

from agentkit import AgentKitError, Model, UpstreamError, http
from agentkit_ollama.settings import display_url

TAGS_TIMEOUT = 5.0
SHOW_TIMEOUT = 2.0

SHOW = "Ollama /api/show"
"""The source of the facts ``/api/show`` gives, as ``Model.sources`` names it."""

CAPABILITIES = ("tools", "vision", "audio", "thinking")
"""Ollama's capabilities that AgentKit has a name for (the same names), in this order. The others
say what a model is: ``completion`` (it can chat: implied by being listed as available),
``embedding``, ``insert``, ``image`` (generation). ``audio`` is the model's fact; AgentKit sends
Ollama images only (``OllamaProvider.media``)."""

SERVER_DEFAULT = (
    "the server's default applies, which AgentKit cannot read: OLLAMA_CONTEXT_LENGTH where "
    "Ollama runs, else (Ollama 0.15.5 and later) 4096 tokens, 32768 with 24 GB of GPU memory, "
    "262144 with 48 GB, at most the model's window. Ollama silently drops the start of a longer "
    "conversation; set OLLAMA_NUM_CTX to choose the window"
)
"""What a model's details say when neither ``OLLAMA_NUM_CTX`` nor its Modelfile sets the
window its requests get (server/routes.go: the VRAM tiers; server/sched.go: the cap; older
servers: 2048 tokens, 4096 from 0.6.7)."""

NUM_CTX_LINE = re.compile(r"^num_ctx\s+(\d+)\s*$", re.MULTILINE)
"""A ``num_ctx`` line of ``/api/show``'s ``parameters``: the name, padded, then the value
(server/routes.go ``GetModelInfo``: ``fmt.Sprintf("%-*s %#v", 30, name, value)``)."""


@dataclass(frozen=True)
class ModelInfo:
    """What ``/api/show`` says about one build of a model: its capabilities as Ollama names
    them, its context window, and the ``num_ctx`` its Modelfile sets."""

    capabilities: list[str]
    context_length: int | None
    num_ctx: int | None = None


async def list_pulled_models(
    client: httpx.AsyncClient,
    base_url: str,
    cache: dict[str, ModelInfo],
    num_ctx: int | None = None,
) -> list[Model]:
    """The pulled models, in the server's order, each with its profile; ``cache`` (digest ->
    info) is read and filled; ``num_ctx`` is ``OLLAMA_NUM_CTX``. Raises ``not_ollama`` for an
    answer that is not Ollama's; errors of the request itself go to the host's error path."""
    body = await http.get_json(client, f"{base_url}/api/tags", timeout=TAGS_TIMEOUT)
    models = body.get("models") if isinstance(body, dict) else None
    if not isinstance(models, list):
        raise not_ollama(base_url)
    tags = [tag for tag in models if isinstance(tag, dict) and tag.get("name")]
    infos = await asyncio.gather(*(_info(client, base_url, tag, cache) for tag in tags))
    return [_model(tag, info, num_ctx) for tag, info in zip(tags, infos, strict=True)]


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
    info = ModelInfo(
        [str(c) for c in capabilities],
        _context_length(body.get("model_info")),
        _num_ctx(body.get("parameters")),
    )
    if digest:
        cache[digest] = info
    return info


def _context_length(model_info: Any) -> int | None:
    """``model_info["<architecture>.context_length"]``, the architecture being
    ``general.architecture`` (``llama.context_length``); Ollama reads it the same way (the GGUF
    key ``context_length`` under the architecture's prefix)."""
    if not isinstance(model_info, dict):
        return None
    value = model_info.get(f"{model_info.get('general.architecture')}.context_length")
    return value if isinstance(value, int) and value > 0 else None


def _num_ctx(parameters: Any) -> int | None:
    """The ``num_ctx`` a Modelfile sets, from ``/api/show``'s ``parameters`` text."""
    match = NUM_CTX_LINE.search(parameters) if isinstance(parameters, str) else None
    return int(match[1]) if match and int(match[1]) > 0 else None


def _model(tag: dict[str, Any], info: ModelInfo | None, num_ctx: int | None) -> Model:
    details_in = tag.get("details") or {}
    details: dict[str, Any] = {
        "family": details_in.get("family"),
        "parameter_size": details_in.get("parameter_size"),
        "quantization": details_in.get("quantization_level"),
    }
    # "completion" is what chat needs; a model without it (an embedding model) cannot chat.
    can_chat = info is None or "completion" in info.capabilities
    if not can_chat:
        details["note"] = "cannot chat (capabilities: " + ", ".join(info.capabilities) + ")"
    size = tag.get("size")
    model = Model(
        id=tag["name"],
        name=tag["name"],
        size=human_size(size) if isinstance(size, int) else None,
        available=can_chat,
    )
    if info is not None:
        model.capabilities = [c for c in CAPABILITIES if c in info.capabilities]
        model.sources["capabilities"] = SHOW
        if info.context_length:
            model.context_window = info.context_length
            model.sources["context_window"] = f"{SHOW} (model_info)"
    in_effect, source = _in_effect(num_ctx, info.num_ctx if info else None, model.context_window)
    if in_effect is not None and source is not None:
        model.context_in_effect = in_effect
        model.sources["context_in_effect"] = source
    elif can_chat:
        details["context_in_effect"] = SERVER_DEFAULT
    model.details = {key: value for key, value in details.items() if value}
    return model


def _in_effect(
    setting: int | None, modelfile: int | None, window: int | None
) -> tuple[int | None, str | None]:
    """The window a chat gets and where that comes from: ``OLLAMA_NUM_CTX``, else the
    Modelfile's ``num_ctx``, capped at the model's own window as Ollama caps it; ``(None, None)``
    when the server's default applies."""
    if setting is not None:
        value, source = setting, "OLLAMA_NUM_CTX"
    elif modelfile is not None:
        value, source = modelfile, f"{SHOW} (the Modelfile's num_ctx)"
    else:
        return None, None
    if window is not None and value > window:
        return window, f"{source}, capped at the model's window"
    return value, source


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
