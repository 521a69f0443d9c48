"""The reasoning families, and the parameters each API lets a deployment's model take.

- Reasoning deployments (o1, o3, o4-mini, codex-mini, gpt-5, not gpt-5-chat): on chat
  completions they need API version 2024-12-01-preview or later, reject ``max_tokens`` (use
  ``max_completion_tokens``) and a ``temperature`` or ``top_p`` other than 1; on the Responses API
  they reject ``temperature`` and ``top_p``. ``reasoning_effort`` / ``reasoning.effort`` must be
  one the family takes (o-series low to high, o1-mini none at all, gpt-5 minimal to high,
  gpt-5.1 and later none to high, gpt-5-pro high); other models reject it.
- The Responses API rejects parameters it does not have (``seed``, ``stop``, ``max_tokens``,
  ``max_completion_tokens``...).

Each check answers the service's own error, or ``None`` when the request may go on. The family
(:func:`thinker`) also says what a deployment thinks and whether it summarises it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.responses import JSONResponse, Response

from agentkit_azure_openai.testing.wire import _listed, error_body, invalid_request

REASONING_MIN_VERSION = "2024-12-01-preview"

RESPONSES_PARAMETERS = frozenset(
    {
        "background",
        "conversation",
        "include",
        "input",
        "instructions",
        "max_output_tokens",
        "max_tool_calls",
        "metadata",
        "model",
        "parallel_tool_calls",
        "previous_response_id",
        "prompt",
        "prompt_cache_key",
        "reasoning",
        "safety_identifier",
        "service_tier",
        "store",
        "stream",
        "stream_options",
        "temperature",
        "text",
        "tool_choice",
        "tools",
        "top_logprobs",
        "top_p",
        "truncation",
        "user",
    }
)
"""The body parameters of ``POST /responses`` (the API reference; openai's
``ResponseCreateParams``). Anything else is "Unknown parameter"."""


@dataclass(frozen=True)
class Thinker:
    """A reasoning family as the service treats it: the efforts it takes (none at all for
    o1-mini), the one it uses when asked for none, and whether it summarises its reasoning."""

    efforts: tuple[str, ...]
    default: str | None
    summaries: bool


O_SERIES = ("low", "medium", "high")
THINKERS: tuple[tuple[re.Pattern[str], Thinker], ...] = (
    (re.compile(r"^(o1-mini|o1-preview)([-.]|$)"), Thinker((), None, summaries=False)),
    (re.compile(r"^(o1|o3-mini|o3-pro)([-.]|$)"), Thinker(O_SERIES, "medium", summaries=False)),
    (re.compile(r"^(o3|o4-mini|codex-mini)([-.]|$)"), Thinker(O_SERIES, "medium", summaries=True)),
    (re.compile(r"^gpt-5-pro([-.]|$)"), Thinker(("high",), "high", summaries=True)),
    (re.compile(r"^gpt-5\.\d"), Thinker(("none", "low", "medium", "high"), "none", summaries=True)),
    (
        re.compile(r"^gpt-5(?!-chat)([-.]|$)"),
        Thinker(("minimal", "low", "medium", "high"), "medium", summaries=True),
    ),
)
"""Azure's reasoning models (how-to/reasoning.md of MicrosoftDocs/azure-ai-docs: efforts, summary
support) and gpt-5.1's efforts and default (the Azure SDK's ReasoningEffort reference)."""


def thinker(model: str) -> Thinker | None:
    """The reasoning family of ``model``, or ``None`` for a model that does not reason."""
    return next((found for pattern, found in THINKERS if pattern.match(model)), None)


def _chat_parameter_problem(
    model: str, body: dict[str, Any], api_version: str | None
) -> Response | None:
    """What Azure's chat completions answer a deployment of ``model`` given parameters it
    rejects."""
    family = thinker(model)
    effort = body.get("reasoning_effort")
    if family is None:
        if "reasoning_effort" in body:  # Azure's own wording for an argument it does not know
            return invalid_request("Unrecognized request argument supplied: reasoning_effort")
        return None
    if api_version is not None and api_version < REASONING_MIN_VERSION:
        return JSONResponse(
            error_body(
                "BadRequest",
                "Model {modelName} is enabled only for api versions 2024-12-01-preview and later",
            ),
            400,
        )
    if "max_tokens" in body:
        return invalid_request(
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use "
            "'max_completion_tokens' instead.",
            "max_tokens",
            "unsupported_parameter",
        )
    for name in ("temperature", "top_p"):
        if name in body and body[name] != 1:
            return invalid_request(
                f"Unsupported value: '{name}' does not support {body[name]} with this model. "
                "Only the default (1) value is supported.",
                name,
                "unsupported_value",
            )
    if "reasoning_effort" in body and not family.efforts:
        return invalid_request(
            "Unknown parameter: 'reasoning_effort'.", "reasoning_effort", "unknown_parameter"
        )
    if effort is not None and effort not in family.efforts:
        return invalid_request(
            f"Invalid value: '{effort}'. Supported values are: {_listed(family.efforts)}.",
            "reasoning_effort",
            "invalid_value",
        )
    return None


def _unknown_parameter(body: dict[str, Any]) -> Response | None:
    """The Responses API's answer to a parameter it does not have."""
    if "max_completion_tokens" in body:
        return invalid_request(
            "Unsupported parameter: 'max_completion_tokens'. In the Responses API, this "
            "parameter has moved to 'max_output_tokens'. Try again with the new parameter.",
            "max_completion_tokens",
            "unsupported_parameter",
        )
    unknown = next((key for key in body if key not in RESPONSES_PARAMETERS), None)
    if unknown is not None:
        return invalid_request(f"Unknown parameter: '{unknown}'.", unknown, "unknown_parameter")
    return None


def _responses_parameter_problem(model: str, body: dict[str, Any]) -> Response | None:
    """What the Responses API answers a deployment of ``model`` given parameters it rejects."""
    family = thinker(model)
    reasoning = body.get("reasoning") or {}
    if family is None:
        return _unsupported(f"reasoning.{next(iter(reasoning))}") if reasoning else None
    if "effort" in reasoning and not family.efforts:
        return _unsupported("reasoning.effort")
    for name in ("temperature", "top_p"):
        if body.get(name) is not None:
            return _unsupported(name)
    effort = reasoning.get("effort")
    if effort is not None and effort not in family.efforts:
        return invalid_request(
            f"Unsupported value: '{effort}' is not supported with the '{model}' model. "
            f"Supported values are: {_listed(family.efforts)}.",
            "reasoning.effort",
            "unsupported_value",
        )
    return None


def _unsupported(name: str) -> Response:
    return invalid_request(
        f"Unsupported parameter: '{name}' is not supported with this model.",
        name,
        "unsupported_parameter",
    )
