"""AgentKit provider for any server that speaks the OpenAI chat API (vLLM, LM Studio,
llama.cpp's llama-server, LiteLLM). AgentKit finds it through the entry point in pyproject.toml,
which names :mod:`agentkit_openai_compatible.plugin`."""
