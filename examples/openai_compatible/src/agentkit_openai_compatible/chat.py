"""``ChatOpenAI`` that keeps the thinking OpenAI-compatible servers stream.

A reasoning model's thinking arrives in the streamed deltas beside ``content``, in a field
OpenAI's API does not have: ``reasoning_content`` (DeepSeek, LM Studio, vLLM before late 2025)
or ``reasoning`` (vLLM now, Ollama's ``/v1``, LM Studio for gpt-oss). ``ChatOpenAI`` reads only
OpenAI's fields and drops it. This subclass copies it into ``additional_kwargs
["reasoning_content"]``, where LangChain's ``content_blocks`` finds it as a reasoning block, which
AgentKit streams as AG-UI reasoning events (langchain-deepseek's ``ChatDeepSeek`` does the same).

The provider imports this module only when it builds its first chat model: it imports
langchain_openai.
"""

from __future__ import annotations

from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI

REASONING_FIELDS = ("reasoning_content", "reasoning")


class ReasoningChatOpenAI(ChatOpenAI):
    """``ChatOpenAI`` plus the thinking in ``delta.reasoning_content`` or ``delta.reasoning``."""

    def _convert_chunk_to_generation_chunk(
        self, chunk: dict, default_chunk_class: type, base_generation_info: dict | None
    ) -> ChatGenerationChunk | None:
        generation = super()._convert_chunk_to_generation_chunk(
            chunk, default_chunk_class, base_generation_info
        )
        if generation is None or not chunk.get("choices"):
            return generation
        message = generation.message
        # Not "openai": LangChain's OpenAI translator would not look at the thinking.
        message.response_metadata["model_provider"] = "openai-compatible"
        delta = chunk["choices"][0].get("delta") or {}
        thinking = next((delta[f] for f in REASONING_FIELDS if delta.get(f)), None)
        if isinstance(thinking, str):
            message.additional_kwargs["reasoning_content"] = thinking
        return generation
