"""Loopback emulators that speak each provider's wire protocol, for tests and benchmarks."""
