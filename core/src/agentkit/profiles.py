"""Model profiles from LangChain's data, for the facts a provider's own listing does not give.

LangChain's partner packages ship model profiles generated from models.dev
(``<package>/data/_profiles.py``, a ``_PROFILES`` dict by model id; ``BaseChatModel.profile``
reads them). Importing a partner package to reach them would take seconds (langchain-openai
imports the OpenAI SDK), so this module reads the data file on its own: it imports nothing but
``typing``. A package without the file, or a file of another shape, gives no profiles.

:func:`fill` adds what a profile knows to a :class:`~agentkit.provider.Model`, only for facts the
model does not know yet: a provider's own listing stays the better source. :func:`not_taken` is
what the host makes of a listed model's profile for a request: the settings it drops.
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cache
from pathlib import Path
from typing import Any

from agentkit.provider import ChatParams, Model

logger = logging.getLogger("agentkit.profiles")

SOURCE = "LangChain model profiles (models.dev)"

CAPABILITY_FIELDS = {
    "tool_calling": "tools",
    "image_inputs": "vision",
    "audio_inputs": "audio",
    "video_inputs": "video",
    "pdf_inputs": "documents",
    "reasoning_output": "thinking",
    "structured_output": "structured_output",
}
"""LangChain's profile fields, and the capability each one means."""


@cache
def langchain_profiles(package: str) -> dict[str, dict[str, Any]]:
    """The model profiles ``package`` (a LangChain partner package, e.g. ``langchain_openai``)
    ships, by model id; empty when it ships none or is not installed."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return {}
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "_profiles.py"
    if not path.is_file():
        return {}
    namespace: dict[str, Any] = {}
    try:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    except Exception:
        logger.warning("could not read the model profiles of %s", package, exc_info=True)
        return {}
    profiles = namespace.get("_PROFILES")
    return profiles if isinstance(profiles, dict) else {}


def profile(package: str, model_id: str) -> dict[str, Any] | None:
    """``model_id``'s profile in ``package``'s data, if it has one."""
    found = langchain_profiles(package).get(model_id)
    return found if isinstance(found, dict) else None


def capabilities_of(data: dict[str, Any]) -> list[str]:
    """The capabilities a LangChain profile grants, in :data:`CAPABILITY_FIELDS` order."""
    return [name for key, name in CAPABILITY_FIELDS.items() if data.get(key) is True]


SAMPLING = ("temperature", "top_p")
"""The sampling parameters a model without temperature control (``"temperature": false`` in its
profile: reasoning models) refuses."""


def fill(model: Model, data: dict[str, Any] | None, source: str = SOURCE) -> Model:
    """``model`` with what the profile ``data`` knows and the model does not: capabilities (added
    to those it has, when its capabilities are not known yet), the context window and the output
    limit (when positive), and the sampling parameters it refuses. Returns the same object, for
    chaining."""
    if not data:
        return model
    if not model.knows("capabilities"):
        granted = [c for c in capabilities_of(data) if c not in model.capabilities]
        model.capabilities = [*model.capabilities, *granted]
        model.sources["capabilities"] = source
    if not model.knows("unsupported_params") and data.get("temperature") is False:
        model.unsupported_params = list(SAMPLING)
        model.sources["unsupported_params"] = source
    for fact, key in (("context_window", "max_input_tokens"), ("max_output_tokens", None)):
        value = data.get(key or fact)
        if not model.knows(fact) and isinstance(value, int) and value > 0:
            setattr(model, fact, value)
            model.sources[fact] = source
    return model


def not_taken(model: Model | None, params: ChatParams, tools: list[Any]) -> dict[str, str]:
    """What a request sets that ``model`` is known not to take, each with the reason: tools for a
    model that cannot call them, parameters its profile says it refuses. The host drops these
    (and says so in RUN_STARTED's metadata) rather than send what the provider would refuse;
    what the profile does not know is sent as asked."""
    if model is None:
        return {}
    dropped = {}
    if tools and model.knows("capabilities") and "tools" not in model.capabilities:
        dropped["tools"] = f"{model.id} cannot call tools ({model.sources['capabilities']})"
    if model.knows("unsupported_params"):
        source = model.sources["unsupported_params"]
        for name in model.unsupported_params:
            if getattr(params, name, None) is not None:
                dropped[name] = f"{model.id} takes no {name} ({source})"
    return dropped
