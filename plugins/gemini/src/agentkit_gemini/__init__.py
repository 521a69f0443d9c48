"""Google Gemini provider for AgentKit."""
