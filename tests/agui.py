"""The AG-UI test client, from the conformance kit that ships with agentkit-core: send a
RunAgentInput, parse the SSE stream into ``ag_ui.core`` events, check AG-UI's ordering rules."""

from agentkit.testing.agui import chat, check_order, error_of, parse_sse, run_input, text_of

__all__ = ["chat", "check_order", "error_of", "parse_sse", "run_input", "text_of"]
