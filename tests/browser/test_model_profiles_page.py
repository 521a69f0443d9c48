"""Model cards show each model's profile as the host lists it: context window, the window in
effect, the longest answer and capabilities, each with its source as a tooltip, and "unknown"
for a fact the listing gives no source for. Through the real host, with the scripted fake
provider (whose listing is exactly the profiles below) and with the Ollama emulator (whose
/api/show the Ollama plugin reads).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from agentkit import Model

pytestmark = pytest.mark.browser


def card(page, model_id: str):
    return page.locator(".model-option").filter(has=page.locator(f"input[value='{model_id}']"))


def test_model_cards_show_the_profile_with_sources_and_unknowns(
    fake_host, open_page, script, screenshot
):
    script.models = [
        Model(
            "llava:13b",
            size="8.0 GB",
            capabilities=["vision", "tools"],
            context_window=131072,
            max_output_tokens=8192,
            context_in_effect=4096,
            sources={
                "capabilities": "Ollama /api/show",
                "context_window": "Ollama /api/show",
                "max_output_tokens": "LangChain model profiles (models.dev)",
                "context_in_effect": "OLLAMA_NUM_CTX",
            },
        ),
        Model(
            "small",
            capabilities=[],
            context_window=128000,
            details={"num_ctx": 2048},
            sources={"capabilities": "family rules", "context_window": "family rules"},
        ),
        # A window in effect no smaller than the model's own says nothing new: not shown.
        Model(
            "roomy",
            context_window=8192,
            context_in_effect=32768,
            sources={"context_window": "family rules", "context_in_effect": "OLLAMA_NUM_CTX"},
        ),
        # Facts without a source are unknown, whatever the listing puts beside them.
        Model("mystery", capabilities=["vision"], context_window=999),
    ]
    page = open_page(fake_host)

    llava = card(page, "llava:13b")
    window = llava.locator(".context-window")
    expect(window).to_have_text("128K context")
    expect(window).to_have_attribute(
        "title", "Context window: 131,072 tokens, from Ollama /api/show"
    )
    expect(llava.locator(".context-in-effect")).to_have_text("4K in effect")
    expect(llava.locator(".context-in-effect")).to_have_attribute(
        "title", "Window requests get (num_ctx): 4,096 tokens, from OLLAMA_NUM_CTX"
    )
    expect(llava.locator(".max-output")).to_have_text("8K out")
    expect(llava.locator(".max-output")).to_have_attribute(
        "title", "Longest answer: 8,192 tokens, from LangChain model profiles (models.dev)"
    )
    expect(llava.locator(".chip")).to_have_text(["vision", "tools"])
    expect(llava.locator(".chip").first).to_have_attribute(
        "title", "Capabilities from Ollama /api/show"
    )

    small = card(page, "small")
    expect(small.locator(".context-window")).to_have_text("128K context")
    expect(small.locator(".context-in-effect")).to_have_text("2K in effect")  # details.num_ctx
    expect(small.locator(".max-output")).to_have_count(0)
    expect(small.locator(".chip")).to_have_text(["text only"])
    expect(small.locator(".chip")).to_have_attribute("title", "Capabilities from family rules")

    roomy = card(page, "roomy")
    expect(roomy.locator(".context-window")).to_have_text("8K context")
    expect(roomy.locator(".context-in-effect")).to_have_count(0)

    mystery = card(page, "mystery")
    expect(mystery.locator(".context-window")).to_have_text("context unknown")
    expect(mystery.locator(".chip")).to_have_text(["capabilities unknown"])
    expect(mystery).not_to_contain_text("vision")
    expect(mystery).not_to_contain_text("999")

    # The facts are what a screen reader hears with the model's name.
    described_by = page.get_by_role("radio", name="llava:13b").get_attribute("aria-describedby")
    expect(page.locator(f"#{described_by}")).to_contain_text("128K context")
    screenshot(page, "model-cards")


def test_ollama_cards_show_the_window_and_the_one_in_effect(host, open_page):
    page = open_page(host())
    gemma = card(page, "gemma3:4b")
    expect(gemma.locator(".context-window")).to_have_text("32K context")
    expect(gemma.locator(".context-window")).to_have_attribute(
        "title", re.compile(r"^Context window: 32,768 tokens, from Ollama /api/show")
    )
    # No OLLAMA_NUM_CTX: the server's default applies, and the card and the list say so.
    expect(gemma.locator(".context-in-effect")).to_have_text("server default in effect")
    expect(gemma.locator(".context-in-effect")).to_have_attribute(
        "title", re.compile("OLLAMA_NUM_CTX")
    )
    expect(page.locator("#model-status")).to_contain_text("OLLAMA_NUM_CTX")
    expect(gemma.locator(".chip")).to_have_text(["vision"])
    expect(gemma.locator(".chip")).to_have_attribute(
        "title", re.compile("^Capabilities from Ollama /api/show")
    )
    expect(card(page, "qwen:7b").locator(".chip")).to_have_text(["text only"])

    page = open_page(host(OLLAMA_NUM_CTX="8192"))
    gemma = card(page, "gemma3:4b")
    expect(gemma.locator(".context-in-effect")).to_have_text("8K in effect")
    expect(gemma.locator(".context-in-effect")).to_have_attribute(
        "title", "Window requests get (num_ctx): 8,192 tokens, from OLLAMA_NUM_CTX"
    )
