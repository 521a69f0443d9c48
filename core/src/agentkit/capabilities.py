"""AG-UI's ``AgentCapabilities`` for an agent with a provider's model: what a client can expect
of a run before it starts (``GET /chat/{agent_id}/capabilities``).

Everything comes from what is known: the host's own transport, the provider's contract (which
media kinds it takes, whether it carries opaque reasoning), and the model's profile. A fact the
profile does not know is left out (``null``), never guessed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ag_ui.core import (
    AgentCapabilities,
    IdentityCapabilities,
    MultimodalCapabilities,
    MultimodalInputCapabilities,
    MultimodalOutputCapabilities,
    OutputCapabilities,
    ReasoningCapabilities,
    ToolsCapabilities,
    TransportCapabilities,
)

from agentkit.messages import NEEDS
from agentkit.provider import Provider

if TYPE_CHECKING:
    from agentkit.agents import Agent
    from agentkit.provider import Model


def describe(
    agent: Agent, provider: Provider, model_id: str, listed: Model | None, version: str
) -> AgentCapabilities:
    """The capabilities of ``agent`` running ``model_id`` of ``provider`` (``listed``: the model
    as its listing describes it, if it does)."""
    known = listed is not None and listed.knows("capabilities")
    can = set(listed.capabilities) if listed is not None and known else None

    def has(capability: str) -> bool | None:
        return None if can is None else capability in can

    def takes(kind: str) -> bool | None:
        if provider.media is not None and kind not in provider.media:
            return False
        return has(NEEDS[kind])

    thinks = has("thinking")
    carries = type(provider).opaque_reasoning is not Provider.opaque_reasoning
    return AgentCapabilities(
        identity=IdentityCapabilities(
            name=agent.name,
            type="agentkit",
            description=agent.description or None,
            version=version,
            provider=provider.id,
            metadata={"model": model_id, "provider_name": provider.name},
        ),
        transport=TransportCapabilities(streaming=True, websocket=False, resumable=False),
        tools=ToolsCapabilities(supported=has("tools"), client_provided=has("tools")),
        output=OutputCapabilities(structured_output=False),
        reasoning=ReasoningCapabilities(
            supported=thinks, streaming=thinks, encrypted=carries if thinks else None
        ),
        multimodal=MultimodalCapabilities(
            input=MultimodalInputCapabilities(
                image=takes("image"),
                audio=takes("audio"),
                video=takes("video"),
                pdf=takes("file"),
                file=takes("file"),
            ),
            output=MultimodalOutputCapabilities(image=False, audio=False),
        ),
    )
