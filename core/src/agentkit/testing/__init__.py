"""The kit for a provider plugin's tests: conformance checks, an emulator base, an AG-UI client,
loopback servers and fixtures. It needs pytest, which agentkit-core does not install: add it to
your test dependencies (``agentkit-core[testing]``).

A plugin's conformance test subclasses :class:`ProviderConformance` and inherits every check::

    from agentkit.testing import ProviderConformance

    class TestConformance(ProviderConformance):
        provider_id = "echo"
        ...

Its other tests use the rest: an upstream built on :class:`Emulator`, served by :func:`serve`;
:func:`stream_answer` for the chat model alone; :func:`chat` and friends against a real host from
the ``agentkit_host`` fixture (``agentkit.testing.plugin``, with ``agentkit_env``).
docs/plugin-helpers.md lists every name with a line each.
"""

from agentkit.testing.agui import (
    answer_message,
    chat,
    check_order,
    encrypted_values,
    error_of,
    parse_sse,
    reasoning_before_answer,
    reasoning_of,
    run_input,
    text_of,
    tool_turns,
)
from agentkit.testing.conformance import HEAVY_MODULES, ProviderConformance, registered_providers
from agentkit.testing.emulator import CUT, Emulator, tokens_of
from agentkit.testing.servers import free_port, serve, silent_server
from agentkit.testing.streams import answer, list_models, stream_answer

__all__ = [
    "CUT",
    "HEAVY_MODULES",
    "Emulator",
    "ProviderConformance",
    "answer",
    "answer_message",
    "chat",
    "check_order",
    "encrypted_values",
    "error_of",
    "free_port",
    "list_models",
    "parse_sse",
    "reasoning_before_answer",
    "reasoning_of",
    "registered_providers",
    "run_input",
    "serve",
    "silent_server",
    "stream_answer",
    "text_of",
    "tokens_of",
    "tool_turns",
]
