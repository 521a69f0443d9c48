"""A loopback emulator of an Azure OpenAI resource and of the Azure Resource Manager calls that
list its deployments, as openai / langchain-openai and the Azure OpenAI plugin call them.

Data plane: chat completions on the classic path
(``/openai/deployments/{deployment}/chat/completions?api-version=V``) and the v1 path
(``/openai/v1/chat/completions``), the Responses API (``/openai/v1/responses``) and the old
data-plane deployments list; management plane: Azure Resource Manager's deployments list. It holds
the client to the service's rules (keys and tokens, API versions, deployments, the content filter,
the parameters and media each model takes, the reasoning items sent back) and answers with the
service's own errors.

Each module tells one part, in its docstring and its code; each imports only those above it:

- :mod:`.wire`: Azure's error bodies and content filter verdicts.
- :mod:`.reasoning`: the reasoning families, and the parameters each API lets a model take.
- :mod:`.resource`: the resource's key, tokens, names, API versions and deployments, and
  :class:`AzureResource`, what every request handler shares (authentication, API version,
  deployment lookup).
- :mod:`.media`: the images, audio and files each API and model take.
- :mod:`.chat`: chat completions, classic and v1, and Azure's chunks.
- :mod:`.responses_input`: the input items the Responses API refuses, and the encrypted
  reasoning content it signs.
- :mod:`.responses`: the Responses API and its SSE events.
- :mod:`.listing`: the deployments lists, the old data plane's and Azure Resource Manager's.
- :mod:`.emulator`: :class:`AzureOpenAIEmulator`, which wires the routes and holds the knobs.

Tests import everything from here, e.g. ``from agentkit_azure_openai.testing import
DEFAULT_KEY, AzureOpenAIEmulator, deployment``.
"""

from agentkit_azure_openai.testing.chat import DONE
from agentkit_azure_openai.testing.emulator import AzureOpenAIEmulator
from agentkit_azure_openai.testing.media import (
    AUDIO,
    AUDIO_MIN_VERSION,
    CHAT_PARTS,
    IMAGE_MAGIC,
    IMAGE_TYPES,
    RESPONSES_PARTS,
    VISION,
    hears,
    sees,
)
from agentkit_azure_openai.testing.reasoning import (
    O_SERIES,
    REASONING_MIN_VERSION,
    RESPONSES_PARAMETERS,
    THINKERS,
    Thinker,
    thinker,
)
from agentkit_azure_openai.testing.resource import (
    ACCOUNT,
    API_VERSIONS,
    DATA_TOKEN,
    DEFAULT_KEY,
    LISTING_VERSIONS,
    MANAGEMENT_TOKEN,
    RESOURCE_GROUP,
    SCOPE_TOKENS,
    SUBSCRIPTION,
    default_deployments,
    deployment,
)
from agentkit_azure_openai.testing.responses import (
    ENCRYPTED_REASONING,
    response_failed,
    sse_event,
    stream_error,
)
from agentkit_azure_openai.testing.wire import (
    CATEGORIES,
    DEFAULT_ERRORS,
    content_filter_results,
    error_body,
    invalid_request,
    prompt_filtered_body,
)

__all__ = [
    "ACCOUNT",
    "API_VERSIONS",
    "AUDIO",
    "AUDIO_MIN_VERSION",
    "CATEGORIES",
    "CHAT_PARTS",
    "DATA_TOKEN",
    "DEFAULT_ERRORS",
    "DEFAULT_KEY",
    "DONE",
    "ENCRYPTED_REASONING",
    "IMAGE_MAGIC",
    "IMAGE_TYPES",
    "LISTING_VERSIONS",
    "MANAGEMENT_TOKEN",
    "O_SERIES",
    "REASONING_MIN_VERSION",
    "RESOURCE_GROUP",
    "RESPONSES_PARAMETERS",
    "RESPONSES_PARTS",
    "SCOPE_TOKENS",
    "SUBSCRIPTION",
    "THINKERS",
    "VISION",
    "AzureOpenAIEmulator",
    "Thinker",
    "content_filter_results",
    "default_deployments",
    "deployment",
    "error_body",
    "hears",
    "invalid_request",
    "prompt_filtered_body",
    "response_failed",
    "sees",
    "sse_event",
    "stream_error",
    "thinker",
]
