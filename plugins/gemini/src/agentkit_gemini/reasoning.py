"""Gemini's thinking: what a reasoning effort becomes in ``thinkingConfig``, and the thought
signatures an answer hands back for the next request.

Gemini 3 takes a ``thinkingLevel`` (each model its own set of levels, and it always thinks);
Gemini 2.5 a ``thinkingBudget`` in tokens, in a range per model. Thoughts are always asked for
(``includeThoughts``) so that they stream as reasoning. The README's "Reasoning" section has the
table and where each fact comes from.

Signatures live where langchain-google-genai reads and writes them: a function call's in
``additional_kwargs["__gemini_function_call_thought_signatures__"]`` by tool call id, a text
part's in its content block's ``extras.signature``; both as the standard base64 of Google's bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit import InvalidRequest, OpaqueReasoning, nearest_effort

if TYPE_CHECKING:
    from langchain_core.messages import AIMessage

CALL_SIGNATURES = "__gemini_function_call_thought_signatures__"
"""Where langchain-google-genai keeps function-call signatures, by tool call id."""


@dataclass(frozen=True)
class Budgets:
    """A Gemini 2.5 model's ``thinkingBudget`` range, and whether 0 turns thinking off."""

    minimum: int
    maximum: int
    can_disable: bool


BUDGETS = (
    ("gemini-2.5-flash-lite", Budgets(512, 24576, can_disable=True)),
    ("gemini-2.5-flash", Budgets(1, 24576, can_disable=True)),
    ("gemini-2.5-pro", Budgets(128, 32768, can_disable=False)),
)
"""Gemini 2.5 families by model id prefix, longest first."""

BUDGET_STEPS = {"minimal": 512, "low": 1024, "medium": 8192}
"""Thinking tokens for the middle efforts, held inside the model's range; ``high`` is its
maximum, ``none`` is 0 (or the minimum where thinking cannot be turned off)."""

LEVELS = (
    (re.compile(r"gemini-3(\.0)?-pro"), ("low", "high")),
    (re.compile(r"gemini-\d+(\.\d+)?-pro"), ("low", "medium", "high")),
    (re.compile(r"gemini-\d+(\.\d+)?-flash"), ("minimal", "low", "medium", "high")),
)
"""The ``thinkingLevel`` values of Gemini 3 and later models, by family; any other takes the
two every Gemini 3 model takes, ``low`` and ``high``."""

GEMINI = re.compile(r"gemini-(\d+)")


def thinking_config(
    model: str, effort: str | None, *, thinks: bool | None
) -> dict[str, Any] | None:
    """What Gemini gets for ``effort`` with ``model``, as ``{"thinkingConfig": {...}}``; ``None``
    for a model that does not think. ``thinks`` is what Gemini's model list says of the model
    (``None``: not listed), and wins over the family its id names."""
    if thinks is False:
        return None
    model = model.removeprefix("models/")
    generation = GEMINI.match(model)
    if generation and int(generation.group(1)) >= 3:
        config: dict[str, Any] = {"includeThoughts": True}
        if effort is not None:
            levels = next((lv for pattern, lv in LEVELS if pattern.match(model)), ("low", "high"))
            config["thinkingLevel"] = nearest_effort(effort, levels)
        return {"thinkingConfig": config}
    budgets = next((b for prefix, b in BUDGETS if model.startswith(prefix)), None)
    if budgets is None:
        return {"thinkingConfig": {"includeThoughts": True}} if thinks else None
    if effort is None:
        return {"thinkingConfig": {"includeThoughts": True}}
    budget = _budget(effort, budgets)
    if budget == 0:  # no thoughts to include (and Vertex rejects includeThoughts without them)
        return {"thinkingConfig": {"thinkingBudget": 0}}
    return {"thinkingConfig": {"includeThoughts": True, "thinkingBudget": budget}}


def _budget(effort: str, budgets: Budgets) -> int:
    if effort == "none":
        return 0 if budgets.can_disable else budgets.minimum
    if effort == "high":
        return budgets.maximum
    return min(max(BUDGET_STEPS[effort], budgets.minimum), budgets.maximum)


def signatures_of(message: AIMessage) -> OpaqueReasoning:
    """The signatures of a streamed answer: each function call's, and its text's."""
    calls = message.additional_kwargs.get(CALL_SIGNATURES) or {}
    text = next(
        (
            signature
            for block in message.content_blocks
            if block.get("type") == "text"
            and isinstance(signature := (block.get("extras") or {}).get("signature"), str)
        ),
        None,
    )
    return OpaqueReasoning(
        message=text or None,
        tool_calls={i: s for i, s in calls.items() if isinstance(s, str) and s},
    )


def with_signatures(message: AIMessage, opaque: OpaqueReasoning) -> AIMessage:
    """A past answer with its signatures back where langchain-google-genai sends them from: on
    the ``functionCall`` part of each tool call, and on the answer's text part."""
    update: dict[str, Any] = {}
    ids = {call["id"] for call in message.tool_calls}
    calls = {i: _checked(s) for i, s in opaque.tool_calls.items() if i in ids}
    if calls:
        update["additional_kwargs"] = {**message.additional_kwargs, CALL_SIGNATURES: calls}
    if opaque.message:
        text = message.content if isinstance(message.content, str) else message.text
        block = {"type": "text", "text": text, "extras": {"signature": _checked(opaque.message)}}
        update["content"] = [block]
    return message.model_copy(update=update) if update else message


def _checked(signature: str) -> str:
    """A signature as it came back, once it is known to be standard base64 (langchain-google-
    genai decodes leniently and would send garbage on to Gemini)."""
    try:
        valid = bool(base64.b64decode(signature, validate=True))
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise InvalidRequest(
            "A Gemini thought signature in the conversation is not one Gemini gave: it is not "
            "base64.",
            hint="Send each assistant message and tool call back with the encryptedValue "
            "AgentKit streamed, unchanged.",
        )
    return signature
