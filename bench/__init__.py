"""AgentKit's benchmarks: what the host adds to a direct call, its throughput, listing, start-up
and memory. Run ``uv run python -m bench --quick``; see bench/README.md."""
