"""AgentKit: a plugin-based LLM provider registry with a thin AG-UI web host.

The public API a plugin author needs is importable from here::

    import agentkit

    @agentkit.hookimpl
    def register_providers(register):
        register(MyProvider)
"""

from importlib.metadata import PackageNotFoundError, version

from agentkit.agents import Agent, ChatAgent
from agentkit.errors import (
    ERROR_CODES,
    AgentKitError,
    AuthFailed,
    ContentFiltered,
    ContextLengthExceeded,
    InvalidRequest,
    ModelNotFound,
    NoAnswer,
    RateLimited,
    UnsupportedMedia,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
    from_status,
    parse_retry_after,
    retry_after_of,
)
from agentkit.hookspecs import hookimpl
from agentkit.provider import ChatParams, HttpURL, Model, NotConfigured, Provider, ProviderSettings
from agentkit.reasoning import OpaqueReasoning, nearest_effort
from agentkit.translation import from_response, translate_common

try:
    __version__ = version("agentkit-core")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

__all__ = [
    "ERROR_CODES",
    "Agent",
    "AgentKitError",
    "AuthFailed",
    "ChatAgent",
    "ChatParams",
    "ContentFiltered",
    "ContextLengthExceeded",
    "HttpURL",
    "InvalidRequest",
    "Model",
    "ModelNotFound",
    "NoAnswer",
    "NotConfigured",
    "OpaqueReasoning",
    "Provider",
    "ProviderSettings",
    "RateLimited",
    "UnsupportedMedia",
    "UpstreamError",
    "UpstreamTimeout",
    "UpstreamUnavailable",
    "__version__",
    "from_response",
    "from_status",
    "hookimpl",
    "nearest_effort",
    "parse_retry_after",
    "retry_after_of",
    "translate_common",
]
