"""The LangChain chat classes, importing langchain-openai (about a second): this module is
imported by the builder on first use, never at plugin discovery.

Both classes keep Azure's ``content_filter_results`` of the choice that ended with
``finish_reason: "content_filter"`` in the chunk's metadata (langchain-openai drops it when
streaming), so a blocked answer can name its categories.
"""

from __future__ import annotations

from typing import Any

from langchain_openai import AzureChatOpenAI, ChatOpenAI


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


class AzureDeploymentChat(_KeepsFilterResults, AzureChatOpenAI):
    """The classic API: ``POST {endpoint}/openai/deployments/{deployment}/chat/completions``."""


class AzureV1Chat(_KeepsFilterResults, ChatOpenAI):
    """The v1 API: ``POST {endpoint}/openai/v1/chat/completions`` with the deployment as model."""
