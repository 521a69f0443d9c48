"""Azure OpenAI provider for AgentKit."""
