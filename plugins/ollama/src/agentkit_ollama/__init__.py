"""Ollama provider for AgentKit."""
