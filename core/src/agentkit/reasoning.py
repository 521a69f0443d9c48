"""Opaque reasoning carried across turns.

Reasoning models hand back state the client cannot read but must return with the next request:
Gemini's ``thoughtSignature`` on each function call, the encrypted reasoning items of OpenAI's
Responses API. AG-UI carries it as REASONING_ENCRYPTED_VALUE events, which @ag-ui/client stores
as ``encryptedValue`` on the assistant message or the tool call and sends back in the next run's
``messages``.

The path, for every provider:

1. After an answer, ``Provider.opaque_reasoning(message)`` reads what the provider wants back from
   the whole streamed ``AIMessage``, as an :class:`OpaqueReasoning`: one value for the message,
   one per tool call.
2. The host seals each value with the provider's id (:func:`seal`) and streams it.
3. With the next request, :func:`carried` unseals the values of each assistant message. Values
   sealed for another provider are dropped: a conversation that switches provider does not send
   one provider's reasoning to another.
4. ``Provider.restore_reasoning(model, message, opaque)`` puts them back into the LangChain
   message where the provider's integration expects them (:func:`restore`).

The values are opaque to the host and untrusted when they come back: a client can send anything.
A provider that parses its value must check it, and the service checks its own signatures.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agentkit.errors import AgentKitError
from agentkit.translation import plugin_fault

if TYPE_CHECKING:
    from ag_ui.core import Message
    from langchain_core.messages import BaseMessage

    from agentkit.provider import Provider

logger = logging.getLogger("agentkit.reasoning")

EFFORTS = ("none", "minimal", "low", "medium", "high")
"""The reasoning efforts a request can ask for (``forwardedProps.params.reasoning_effort``), from
least to most thinking."""

SEAL = "agentkit.1"
"""The prefix of a sealed value: ``agentkit.1:<provider id>:<value>``."""


@dataclass
class OpaqueReasoning:
    """Reasoning state of one answer that its provider wants back, as strings only it reads."""

    message: str | None = None
    """For the answer as a whole (for example encrypted reasoning items, a text signature)."""
    tool_calls: dict[str, str] = field(default_factory=dict)
    """For each tool call, by the tool call's id (for example a function call's signature)."""

    def __bool__(self) -> bool:
        return bool(self.message or self.tool_calls)


def nearest_effort(effort: str, supported: Sequence[str]) -> str:
    """The effort of ``supported`` (named as in :data:`EFFORTS`) closest to ``effort``; between two
    equally close, the one that thinks more, since the user asked for at least that much."""
    if effort in supported:
        return effort
    wanted = EFFORTS.index(effort)
    return min(supported, key=lambda s: (abs(EFFORTS.index(s) - wanted), -EFFORTS.index(s)))


def seal(provider_id: str, value: str) -> str:
    """``value`` marked as ``provider_id``'s, as it travels to the client."""
    return f"{SEAL}:{provider_id}:{value}"


def unseal(provider_id: str, sealed: str | None) -> str | None:
    """The value inside ``sealed`` when ``provider_id`` sealed it, else ``None``."""
    prefix = f"{SEAL}:{provider_id}:"
    if isinstance(sealed, str) and sealed.startswith(prefix) and len(sealed) > len(prefix):
        return sealed[len(prefix) :]
    return None


def carried(messages: list[Message], provider_id: str) -> list[OpaqueReasoning]:
    """What each assistant message of an AG-UI conversation carries for ``provider_id``, in
    order (one entry per assistant message, empty when it carries nothing for it)."""
    found = []
    for message in messages:
        if message.role != "assistant":
            continue
        opaque = OpaqueReasoning(message=unseal(provider_id, message.encrypted_value))
        for call in message.tool_calls or []:
            value = unseal(provider_id, call.encrypted_value)
            if value is not None:
                opaque.tool_calls[call.id] = value
        found.append(opaque)
    dropped = sum(_foreign(message, provider_id) for message in messages)
    if dropped:
        logger.info("dropped %d reasoning values another provider sealed", dropped)
    return found


def restore(
    provider: Provider,
    model: str,
    messages: list[BaseMessage],
    opaque: list[OpaqueReasoning],
    plugin: str = "?",
) -> list[BaseMessage]:
    """``messages`` with each AI message's opaque reasoning put back by the provider for
    ``model`` (the n-th AI message gets the n-th entry of ``opaque``). A hook that fails with
    anything but an ``AgentKitError`` is a fault of ``plugin``."""
    if not any(opaque):
        return messages
    restored, turns = [], iter(opaque)
    for message in messages:
        if message.type == "ai":
            values = next(turns, None)
            if values:
                try:
                    message = provider.restore_reasoning(model, message, values)
                except AgentKitError:
                    raise
                except Exception as exc:
                    raise plugin_fault(plugin, "restore_reasoning", exc) from exc
        restored.append(message)
    return restored


def _foreign(message: Message, provider_id: str) -> int:
    """How many sealed values on ``message`` belong to another provider."""
    values = [getattr(message, "encrypted_value", None)]
    values += [call.encrypted_value for call in getattr(message, "tool_calls", None) or []]
    return sum(1 for v in values if v and unseal(provider_id, v) is None)
