"""What a model can do and which parameters it takes, known from its name (``gpt-4o``, ``o3-mini``).

Azure names deployments freely, so these functions are given the model *behind* a deployment,
never the deployment's name. Where the facts come from: Azure's "reasoning models" how-to
(MicrosoftDocs/azure-ai-docs, articles/ai-foundry/openai/how-to/reasoning.md: the feature tables,
"Reasoning effort", "Reasoning summary") and the ``ReasoningEffort`` reference of the Azure SDK
(learn.microsoft.com/javascript/api/@azure/ai-projects/reasoningeffort) for gpt-5.1 and later;
vision from how-to/gpt-with-vision.md ("the o-series reasoning models, GPT-5 series, GPT-4.1
series, GPT-4.5, GPT-4o series"), audio input from includes/audio-completions-intro.md.

Which parameters a request carries always follows these rules. What a model can do is shown from
LangChain's model profiles where they know the model (see ``profile``): :func:`capabilities` is
the fallback for the models they do not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REASONING = re.compile(r"^(o1|o3|o4-mini|codex-mini|gpt-5)(?!-chat)([-.]|$)")
"""Reasoning families: they reject ``temperature``, ``top_p`` and ``max_tokens`` (they take
``max_completion_tokens``). ``gpt-5-chat`` is the non-reasoning chat variant."""

NO_TOOLS = re.compile(r"^(o1-mini|o1-preview)([-.]|$)")
VISION = re.compile(r"^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-5|o1|o3(?!-mini)|o4-mini)([-.]|$)")
AUDIO = re.compile(r"^(gpt-4o-audio-preview|gpt-4o-mini-audio-preview|gpt-audio)([-.]|$)")
"""The models that take ``input_audio`` (on chat completions only); they take no images."""
CHAT = re.compile(r"^(gpt-|o\d|codex-)")

O_SERIES_EFFORTS = ("low", "medium", "high")


@dataclass(frozen=True)
class Reasoner:
    """How a reasoning family thinks: the efforts it takes (``reasoning_effort`` in chat
    completions, ``reasoning.effort`` in the Responses API; none at all for o1-mini) and whether
    the Responses API returns summaries of its reasoning."""

    efforts: tuple[str, ...]
    summaries: bool


REASONERS: tuple[tuple[re.Pattern[str], Reasoner], ...] = (
    (re.compile(r"^(o1-mini|o1-preview)([-.]|$)"), Reasoner((), summaries=False)),
    (re.compile(r"^(o1|o3-mini|o3-pro)([-.]|$)"), Reasoner(O_SERIES_EFFORTS, summaries=False)),
    (re.compile(r"^(o3|o4-mini|codex-mini)([-.]|$)"), Reasoner(O_SERIES_EFFORTS, summaries=True)),
    (re.compile(r"^gpt-5-pro([-.]|$)"), Reasoner(("high",), summaries=True)),
    (re.compile(r"^gpt-5\.\d"), Reasoner(("none", "low", "medium", "high"), summaries=True)),
    (re.compile(r"^gpt-5"), Reasoner(("minimal", "low", "medium", "high"), summaries=True)),
)
"""The first pattern that matches a reasoning model decides. gpt-5.1 and later think with
``none`` (and default to it) but not ``minimal``; gpt-5, -mini and -nano take ``minimal`` but not
``none``; gpt-5-pro only ``high``; the o-series ``low`` to ``high``, except o1-mini, which takes
no effort. Summaries: gpt-5, o3, o4-mini and codex-mini, not o3-mini, o1 or o3-pro."""


def is_reasoning(model: str | None) -> bool:
    """Whether ``model`` belongs to a reasoning family (o1, o3, o4-mini, gpt-5); ``False`` when
    the model is not known."""
    return model is not None and bool(REASONING.match(model.lower()))


def reasoner(model: str | None) -> Reasoner | None:
    """How ``model`` thinks, or ``None`` when it is not a (known) reasoning model."""
    if model is None or not REASONING.match(name := model.lower()):
        return None
    return next(found for pattern, found in REASONERS if pattern.match(name))


def takes_audio(model: str | None) -> bool:
    """Whether ``model`` is one of the audio models (gpt-4o-audio-preview and the like)."""
    return model is not None and bool(AUDIO.match(model.lower()))


def capabilities(model: str | None) -> list[str] | None:
    """What ``model`` can do by these rules, in ``agentkit.provider.CAPABILITIES`` order; ``None``
    when the model is unknown or of no family they know. Documents (PDFs, which Azure takes on
    the Responses API) go with vision: "only models that support both text and image inputs ...
    can accept PDF files" (how-to/responses.md, "File input")."""
    if model is None or not CHAT.match(name := model.lower()):
        return None
    found = [] if NO_TOOLS.match(name) else ["tools"]
    if takes_audio(name):
        found.append("audio")
    elif VISION.match(name) and not NO_TOOLS.match(name):
        found += ["vision", "documents"]
    if is_reasoning(name):
        found.append("thinking")
    return found
