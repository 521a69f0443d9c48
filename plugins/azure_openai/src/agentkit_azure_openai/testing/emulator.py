"""The emulator itself: one Azure OpenAI resource on loopback, its routes and its knobs.

Knobs, settable at any time: ``reply``, ``thinking`` (what reasoning deployments think: its words
count as reasoning tokens, and the Responses API streams it as the reasoning summary where the
family makes summaries), ``cached_tokens`` (prompt tokens reported as read from Azure's cache),
``first_token_delay``, ``token_delay``, ``fail(...)`` (chat completions requests unless told
``on="responses"``, or ``on=""`` for any path), ``cut_after``, ``models`` (the deployments, as
:func:`deployment` makes them: ``name``, ``model``, ``version``, ``state``, ``limits``),
``data_plane_listing``, ``page_size``, ``tool_call`` (a dict or a list of them),
``unreachable_urls`` (image URLs the service fails to download), ``files`` (ids of uploaded
files), ``block_prompt`` and ``block_answer`` (dicts of filtered category -> severity),
``stream_failure`` (a Responses event, see :func:`response_failed` and :func:`stream_error`, sent
after the first answer delta instead of the rest). Every request is recorded in ``requests``;
streams the client abandons are counted in ``disconnects``.

The handlers come from the API mixins (:class:`ChatCompletions`, :class:`ResponsesAPI`,
:class:`Listings`, all built on :class:`AzureResource`); this class holds the state they read and
wires their routes.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from agentkit_azure_openai.testing.chat import ChatCompletions, _sse_chunk
from agentkit_azure_openai.testing.listing import Listings
from agentkit_azure_openai.testing.resource import (
    ACCOUNT,
    DEFAULT_KEY,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    default_deployments,
)
from agentkit_azure_openai.testing.responses import ResponsesAPI
from agentkit_azure_openai.testing.wire import DEFAULT_ERRORS, error_body


class AzureOpenAIEmulator(ChatCompletions, ResponsesAPI, Listings):
    """An Azure OpenAI resource (and its ARM deployments list) on loopback. Serve ``.app`` with
    ``agentkit.testing.serve``; point ``AZURE_OPENAI_ENDPOINT`` (and ``AZURE_MANAGEMENT_ENDPOINT``)
    at the URL. ``fail()`` matches chat completions requests unless told ``on="responses"`` or
    ``on=""`` (any path)."""

    fail_on = "chat/completions"

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        reply: str = "Hello from the Azure OpenAI emulator.",
        models: list[dict[str, Any]] | None = None,
        data_plane_listing: bool = False,
        subscription: str = SUBSCRIPTION,
        resource_group: str = RESOURCE_GROUP,
        account: str = ACCOUNT,
    ) -> None:
        super().__init__(reply)
        self.api_key = api_key
        self.models = default_deployments() if models is None else models
        self.data_plane_listing = data_plane_listing
        self.subscription = subscription
        self.resource_group = resource_group
        self.account = account
        self.page_size = 100
        self.cached_tokens = 0
        self.block_prompt: dict[str, str] | None = None
        self.block_answer: dict[str, str] | None = None
        self.stream_failure: dict[str, Any] | None = None
        self.unreachable_urls: set[str] = set()
        """Image URLs the service cannot download (any other http(s) URL it downloads)."""
        self.files: set[str] = set()
        """Ids of files uploaded to the resource, which ``input_file`` may name."""
        self.stored_items: set[str] = set()
        """Ids of the output items of responses created with ``store`` left on."""
        self._secret = os.urandom(32)
        arm = (
            "/subscriptions/{sub}/resourceGroups/{rg}/providers/"
            "Microsoft.CognitiveServices/accounts/{account}/deployments"
        )
        self.app = Starlette(
            routes=[
                Route("/openai/v1/chat/completions", self._v1_chat, methods=["POST"]),
                Route("/openai/v1/responses", self._responses, methods=["POST"]),
                Route(
                    "/openai/deployments/{deployment}/chat/completions",
                    self._classic_chat,
                    methods=["POST"],
                ),
                Route("/openai/deployments", self._data_plane_list, methods=["GET"]),
                Route(arm, self._management_list, methods=["GET"]),
            ]
        )

    def chat_requests(self) -> list[dict[str, Any]]:
        """The recorded chat completion requests."""
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def responses_requests(self) -> list[dict[str, Any]]:
        """The recorded Responses API requests."""
        return [r for r in self.requests if r["path"] == "/openai/v1/responses"]

    def error_body(self, status: int) -> Any:
        return DEFAULT_ERRORS.get(status, error_body(str(status), "Emulated error."))

    def chunk_bytes(self, text: str) -> bytes:
        delta = {"index": 0, "delta": {"content": text}, "finish_reason": None}
        return _sse_chunk(
            {"id": "chatcmpl-x", "object": "chat.completion.chunk", "choices": [delta]}
        )

    def error_event(self, message: str) -> bytes:
        error = {"message": message, "type": "server_error", "param": None, "code": None}
        return _sse_chunk({"error": error})
