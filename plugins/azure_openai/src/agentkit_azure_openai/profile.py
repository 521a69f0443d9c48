"""What a deployment's model can do and how much it takes, each fact from the best source that
knows it, and saying which (``Model.sources``). Best first:

1. Azure's own listing: Azure Resource Manager reports a deployment's ``maxContextToken`` and
   ``maxOutputToken`` among its ``capabilities`` (for some models only).
2. LangChain's model profiles for langchain-openai (models.dev data, ``agentkit.profiles``), found
   by the model and version discovery reported: ``gpt-4o`` version ``2024-08-06`` is the profile
   ``gpt-4o-2024-08-06``, else ``gpt-4o`` (a dated version is a snapshot of the model); Azure's
   ``gpt-4`` version ``turbo-2024-04-09`` is ``gpt-4-turbo``. Other versions (``0613``,
   ``1106-Preview``) have no profile. The source names the profile used (``LangChain model
   profiles (models.dev), profile gpt-4-turbo``), since it is often not the model's own name.
3. The plugin's family rules (``families``), for the capabilities of models no profile knows.

Two capabilities follow Azure rather than the profile: ``thinking`` always comes from the family
rules, which also decide what a request sends for reasoning (so the web page's effort control and
the request agree); ``documents`` only with ``vision``, since Azure takes PDFs only from models
that take images (how-to/responses.md, "File input"). Unknown stays unknown: a deployment whose
model nobody named has no profile at all, nor has a ``gpt-4`` or ``gpt-35-turbo`` deployment
whose version is unknown (Azure serves different models under those names).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from agentkit import Model, profiles
from agentkit.provider import CAPABILITIES
from agentkit_azure_openai import families

PACKAGE = "langchain_openai"
LISTING_SOURCE = "Azure Resource Manager (the deployment's capabilities)"
FAMILY_SOURCE = "Azure OpenAI plugin family rules"
DATED = re.compile(r"-?\d{4}-\d{2}-\d{2}$")
MODELS_DEV_FIELDS = ("tool_calling", "image_inputs")
"""Fields every profile generated from models.dev has. LangChain's own additions (``pdf_inputs``
and the like) also give profiles to models models.dev does not describe (``gpt-5-codex``); such a
profile says nothing about tools or images, so its capabilities are not taken."""

VERSIONED_NAMES = ("gpt-4", "gpt-35-turbo")
"""Model names under which Azure deploys versions that differ in kind: ``gpt-4`` is 0613 (8K
tokens, no vision), 1106-Preview and 0125-Preview (128K) or turbo-2024-04-09 (128K, vision);
``gpt-35-turbo`` is 0613 (4K) or 1106 and 0125 (16K). Without the version nothing is known."""

UNKNOWN_VERSION = (
    "Azure serves different {model} models by version, and this deployment's version is unknown, "
    "so what it can do is unknown (discovery through Azure Resource Manager reports it)"
)


def describe(
    entry: Model,
    model: str | None,
    version: str | None,
    context_window: int | None = None,
    max_output_tokens: int | None = None,
) -> Model:
    """``entry`` (a deployment of ``model`` at ``version``) with its profile: the limits Azure's
    listing gave (``context_window``, ``max_output_tokens``), then what the best source knows of
    the rest. Returns the same object."""
    listed = {"context_window": context_window, "max_output_tokens": max_output_tokens}
    for fact, value in listed.items():
        if value:
            setattr(entry, fact, value)
            entry.sources[fact] = LISTING_SOURCE
    if model is None:
        return entry
    if version is None and model.lower() in VERSIONED_NAMES:
        entry.details.setdefault("note", UNKNOWN_VERSION.format(model=model))
        return entry
    profile_id, data = find(model, version)
    source = f"{profiles.SOURCE}, profile {profile_id}"
    found = capabilities(model, data, source)
    if found is not None:
        entry.capabilities, entry.sources["capabilities"] = found
        profiles.fill(entry, data, source)  # the capabilities are known: this adds the limits
    return entry


def find(model: str, version: str | None) -> tuple[str | None, dict | None]:
    """The LangChain profile of ``model`` at ``version``, with its id; ``(None, None)`` when
    there is none."""
    for candidate in _profile_ids(model, version):
        data = profiles.profile(PACKAGE, candidate)
        if data is not None:
            return candidate, data
    return None, None


def _profile_ids(model: str, version: str | None) -> Iterator[str]:
    name = model.lower()
    if not version:
        yield name
        return
    version = version.lower()
    yield f"{name}-{version}"
    qualifier = DATED.sub("", version)
    if qualifier != version:  # a dated snapshot: of the model itself, or of its qualified variant
        yield f"{name}-{qualifier}" if qualifier else name


def capabilities(model: str, data: dict | None, source: str) -> tuple[list[str], str] | None:
    """What ``model`` can do and where that comes from: its profile (``data``, called
    ``source``) as Azure serves it, else the family rules; ``None`` when neither knows."""
    if data is None or not all(field in data for field in MODELS_DEV_FIELDS):
        found = families.capabilities(model)
        return (found, FAMILY_SOURCE) if found is not None else None
    granted = profiles.capabilities_of(data)
    served = {name for name in granted if name != "thinking"}
    if "vision" not in served:
        served.discard("documents")
    if families.is_reasoning(model):
        served.add("thinking")
    changed = sorted(set(granted) ^ served, key=CAPABILITIES.index)
    if changed:
        source += f"; {', '.join(changed)} by the {FAMILY_SOURCE}"
    return sorted(served, key=CAPABILITIES.index), source
