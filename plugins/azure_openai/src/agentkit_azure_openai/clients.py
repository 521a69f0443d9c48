"""The LangChain chat classes, importing langchain-openai (about a second): this module is
imported by the builder on first use, never at plugin discovery.

All three send media blocks as Azure takes them (``media.for_azure``). The two chat completions
classes keep Azure's ``content_filter_results`` of the choice that ended with ``finish_reason:
"content_filter"`` in the chunk's metadata (langchain-openai drops it when streaming), so a
blocked answer can name its categories. The Responses class puts back what langchain-openai
leaves out of a Responses stream (see :class:`AzureResponsesChat`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar, Literal

from langchain_core.language_models import LanguageModelInput
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import AzureChatOpenAI, ChatOpenAI

from agentkit import UpstreamError
from agentkit_azure_openai.errors import ResponseFailed
from agentkit_azure_openai.media import for_azure

FAILURE_EVENTS = ("response.failed", "error")
CONVERTER = "_convert_responses_chunk_to_generation_chunk"
"""The langchain-openai function that turns each Responses event into a chunk, and raises a bare
``ValueError`` for the failure events (langchain_openai/chat_models/base.py)."""


class _AzureMedia:
    """Media blocks as Azure's ``api`` takes them, before langchain-openai builds the body."""

    api: ClassVar[Literal["chat", "responses"]] = "chat"

    def _get_request_payload(
        self, input_: LanguageModelInput, *, stop: list[str] | None = None, **kwargs: Any
    ) -> dict:
        messages = self._convert_input(input_).to_messages()  # type: ignore[attr-defined]
        return super()._get_request_payload(  # type: ignore[misc]
            for_azure(messages, self.api), stop=stop, **kwargs
        )


class _KeepsFilterResults:
    def _convert_chunk_to_generation_chunk(
        self, chunk: dict, default_chunk_class: type, base_generation_info: dict | None
    ) -> Any:
        generation = super()._convert_chunk_to_generation_chunk(  # type: ignore[misc]
            chunk, default_chunk_class, base_generation_info
        )
        results = next(
            (
                choice.get("content_filter_results")
                for choice in chunk.get("choices") or []
                if choice.get("finish_reason") == "content_filter"
            ),
            None,
        )
        if generation is not None and results:
            generation.generation_info = {
                **(generation.generation_info or {}),
                "content_filter_results": results,
            }
        return generation


class AzureDeploymentChat(_AzureMedia, _KeepsFilterResults, AzureChatOpenAI):
    """The classic API: ``POST {endpoint}/openai/deployments/{deployment}/chat/completions``."""


class AzureV1Chat(_AzureMedia, _KeepsFilterResults, ChatOpenAI):
    """The v1 API: ``POST {endpoint}/openai/v1/chat/completions`` with the deployment as model."""


class AzureResponsesChat(_AzureMedia, ChatOpenAI):
    """The Responses API: ``POST {endpoint}/openai/v1/responses`` with the deployment as model.

    Three things langchain-openai leaves out of a Responses stream are put back here, so that
    the host reads them as it does for chat completions:

    - why a response stopped short: ``response.incomplete``'s ``incomplete_details.reason``
      (``content_filter``, ``max_output_tokens``) becomes the chunk's ``finish_reason``;
    - ``response.failed`` and ``error`` events, which langchain-openai raises as bare
      ``ValueError``s with only a message, are raised as :class:`ResponseFailed` with the event's
      code and message;
    - a stream that ends without ``response.completed`` (or ``.incomplete``), which
      langchain-openai takes for a finished answer, is an ``UpstreamError``.

    The host streams asynchronously, so only ``_astream`` is adapted.
    """

    api: ClassVar[Literal["chat", "responses"]] = "responses"

    async def _astream(self, *args: Any, **kwargs: Any) -> AsyncIterator[ChatGenerationChunk]:
        finished = False
        try:
            async for generation in super()._astream(*args, **kwargs):
                metadata = generation.message.response_metadata
                finished = finished or "status" in metadata  # only the final event has one
                reason = (metadata.get("incomplete_details") or {}).get("reason")
                if reason:
                    metadata["finish_reason"] = reason
                yield generation
        except ValueError as exc:
            failure = _failure_event(exc)
            if failure is None:
                raise
            raise failure from exc
        if not finished:
            raise UpstreamError(
                "Azure OpenAI's answer ended before its response.completed event.",
                hint="A proxy between AgentKit and Azure may have cut the stream; try again.",
            )


def _failure_event(exc: ValueError) -> ResponseFailed | None:
    """The ``response.failed`` or ``error`` event langchain-openai raised ``exc`` for, with its
    code and message; ``None`` for any other ``ValueError``. langchain-openai keeps only a message
    (the error object's repr for ``response.failed``), so the event is read from the frame of
    the function that raised it, where it is the local ``chunk``."""
    trace = exc.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    if trace is None or trace.tb_frame.f_code.co_name != CONVERTER:
        return None
    event = trace.tb_frame.f_locals.get("chunk")
    kind = _field(event, "type")
    if kind not in FAILURE_EVENTS:
        return None
    error = event if kind == "error" else _field(_field(event, "response"), "error")
    message = _field(error, "message") or "Azure OpenAI reported that the response failed."
    return ResponseFailed(_field(error, "code"), str(message))


def _field(value: Any, name: str) -> Any:
    """``value``'s ``name``, as an attribute of an SDK object or a key of a plain dict."""
    return value.get(name) if isinstance(value, dict) else getattr(value, name, None)
