"""LangChain's model profiles as a source of facts: read from the partner packages' data without
importing them, added only where a listing knows nothing better, never invented."""

from __future__ import annotations

import subprocess
import sys

from agentkit import Model
from agentkit.profiles import SOURCE, fill, profile


def test_profiles_are_read_without_importing_the_integration():
    code = (
        "import sys; from agentkit.profiles import profile; "
        "assert profile('langchain_openai', 'gpt-4o')['image_inputs'] is True; "
        "print('langchain_openai' in sys.modules, 'openai' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


def test_a_profile_fills_what_the_listing_does_not_know():
    model = fill(Model("gpt-4o"), profile("langchain_openai", "gpt-4o"))
    assert {"tools", "vision", "documents", "structured_output"} <= set(model.capabilities)
    assert "thinking" not in model.capabilities
    assert (model.context_window, model.max_output_tokens) == (128000, 16384)
    assert model.sources == dict.fromkeys(
        ["capabilities", "context_window", "max_output_tokens"], SOURCE
    )
    assert model.unsupported_params == []


def test_the_listings_own_facts_win():
    listed = Model(
        "gpt-4o",
        capabilities=["tools"],
        context_window=64000,
        sources={"capabilities": "the listing", "context_window": "the listing"},
    )
    model = fill(listed, profile("langchain_openai", "gpt-4o"))
    assert model.capabilities == ["tools"] and model.context_window == 64000
    assert model.sources["context_window"] == "the listing"
    assert model.sources["max_output_tokens"] == SOURCE


def test_a_reasoning_model_refuses_sampling_parameters():
    model = fill(Model("o3-mini"), profile("langchain_openai", "o3-mini"))
    assert model.unsupported_params == ["temperature", "top_p"]
    assert "thinking" in model.capabilities


def test_an_unknown_model_stays_unknown():
    assert profile("langchain_openai", "my-own-finetune") is None
    model = fill(Model("my-own-finetune"), None)
    assert (model.capabilities, model.context_window, model.sources) == ([], None, {})
    assert profile("no_such_package_anywhere", "gpt-4o") is None
