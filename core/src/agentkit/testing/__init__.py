"""The provider conformance kit: check that a provider plugin works with the AgentKit host.

A plugin's test module subclasses :class:`ProviderConformance` and inherits every check::

    from agentkit.testing import ProviderConformance

    class TestConformance(ProviderConformance):
        provider_id = "echo"
        ...

The kit needs pytest, which agentkit-core does not install: add it to your test dependencies.
The AG-UI client (``chat``, ``check_order``...) and ``serve`` are importable from here for a
plugin's own tests. Authors whose tests sit at their rootdir may instead activate
``pytest_plugins = ["agentkit.testing.plugin"]`` for the ``agentkit_host`` fixture.
"""

from agentkit.testing.agui import chat, check_order, error_of, parse_sse, run_input, text_of
from agentkit.testing.conformance import HEAVY_MODULES, ProviderConformance, registered_providers
from agentkit.testing.servers import free_port, serve, silent_server

__all__ = [
    "HEAVY_MODULES",
    "ProviderConformance",
    "chat",
    "check_order",
    "error_of",
    "free_port",
    "parse_sse",
    "registered_providers",
    "run_input",
    "serve",
    "silent_server",
    "text_of",
]
