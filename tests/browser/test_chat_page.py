"""The chat page in headless Chromium, against the real host with the Ollama and Gemini emulators.

Each test acts as a person would (click, type, press Enter) and checks what they would see.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from agentkit_ollama.testing import OllamaModel
from tests.browser.helpers import answers, ask, card, model, provider, wait_until

pytestmark = pytest.mark.browser


def test_providers_show_their_state_and_unconfigured_guidance(
    page: Page, emulators, screenshot
) -> None:
    pulled = len(emulators.ollama.models)
    expect(card(page, "ollama")).to_contain_text(f"Ready · {pulled} models")
    expect(card(page, "gemini")).to_contain_text("Ready")
    azure = card(page, "azure-openai")
    expect(azure).to_contain_text("Not configured")
    expect(azure).to_contain_text("AZURE_OPENAI_ENDPOINT")
    for provider_id in ("ollama", "gemini", "azure-openai"):
        expect(card(page, provider_id).locator(".provider-icon svg")).to_be_visible()
    expect(provider(page, "Ollama")).to_be_checked()  # the host's default provider
    screenshot(page, "providers-light")

    provider(page, "Azure OpenAI").check()
    guidance = page.locator("#model-status")
    expect(guidance).to_contain_text("Azure OpenAI is not configured.")
    expect(guidance).to_contain_text("AZURE_OPENAI_ENDPOINT")
    expect(guidance).to_contain_text("restart")
    expect(page.get_by_role("button", name="Send")).to_be_disabled()
    expect(page.locator("#composer-note")).to_contain_text("Azure OpenAI is not ready")
    screenshot(page, "unconfigured-guidance")


def test_model_list_per_provider_with_filter_and_refresh(page: Page, emulators) -> None:
    models = page.locator("#model-list")
    expect(model(page, "llama3.2:latest")).to_be_visible()
    expect(models.locator(".model-option").filter(has_text="llama3.2:latest")).to_contain_text(
        "2.0 GB"
    )
    # An embedding model is listed but cannot be chosen for chat.
    expect(model(page, "nomic-embed-text:latest")).to_be_disabled()

    provider(page, "Gemini").check()
    expect(model(page, "Gemini 2.5 Pro")).to_be_visible()
    expect(models).not_to_contain_text("llama3.2")
    expect(models).not_to_contain_text("Embedding")  # Gemini lists only models that chat

    provider(page, "Ollama").check()
    emulators.ollama.models = [OllamaModel(f"model-{n}:latest") for n in range(12)]
    page.get_by_role("button", name="Refresh the model list").click()
    expect(models.locator(".model-option")).to_have_count(12)
    page.get_by_label("Filter models").fill("model-11")
    expect(models.locator(".model-option:visible")).to_have_count(1)
    page.get_by_label("Filter models").press("Enter")
    expect(page.locator("#current-choice")).to_have_text("Ollama · model-11:latest")


def test_answer_streams_in_progressively(page: Page, emulators, screenshot) -> None:
    reply = "One two three four five six seven eight nine ten eleven twelve."
    emulators.ollama.reply = reply
    emulators.ollama.token_delay = 0.15
    expect(provider(page, "Ollama")).to_be_checked()
    ask(page, "Count for me")

    expect(page.get_by_role("button", name="Stop")).to_be_visible()
    partial = page.wait_for_function(
        r"""() => {
            const answer = document.querySelector('.message.assistant[data-status="streaming"]');
            const text = answer && answer.querySelector('.answer-text').textContent;
            return text && text.trim().split(/\s+/).length >= 3 ? text : null;
        }"""
    ).json_value()
    assert partial.strip() and reply.startswith(partial.strip()) and partial.strip() != reply
    screenshot(page, "streaming")

    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done", timeout=10_000)
    expect(answer.locator(".answer-text")).to_have_text(reply)
    expect(answer.locator(".origin")).to_have_text(re.compile(r"^Ollama · "))
    expect(page.get_by_role("button", name="Send")).to_be_visible()


def test_switching_provider_mid_conversation(page: Page, emulators, screenshot) -> None:
    emulators.ollama.reply = "Ollama says hi."
    emulators.gemini.reply = "Gemini says hello."
    model(page, "llama3.2:latest").check()
    ask(page, "Hi Ollama")
    expect(answers(page).last).to_have_attribute("data-status", "done")

    provider(page, "Gemini").check()
    model(page, "Gemini 2.5 Pro").check()
    ask(page, "And you, Gemini?")
    expect(answers(page)).to_have_count(2)
    first, second = answers(page).nth(0), answers(page).nth(1)
    expect(second).to_have_attribute("data-status", "done")
    expect(first.locator(".origin")).to_have_text("Ollama · llama3.2:latest")
    expect(first.locator(".answer-text")).to_have_text("Ollama says hi.")
    expect(second.locator(".origin")).to_have_text("Gemini · gemini-2.5-pro")
    expect(second.locator(".answer-text")).to_have_text("Gemini says hello.")

    # Gemini received the whole history, including Ollama's answer.
    sent = emulators.gemini.requests_to("streamGenerateContent")[-1]["json"]["contents"]
    texts = [part["text"] for content in sent for part in content["parts"]]
    assert texts == ["Hi Ollama", "Ollama says hi.", "And you, Gemini?"]
    screenshot(page, "conversation-light")


def test_run_error_is_explained_and_retry_works(page: Page, emulators, screenshot) -> None:
    emulators.ollama.fail(
        404, {"error": 'model "qwen:7b" not found, try pulling it first'}, on="/api/chat"
    )
    ask(page, "Hello?")
    error = page.locator(".message.error")
    expect(error).to_have_attribute("data-code", "model_not_found")
    expect(error).to_contain_text("The provider does not have this model.")
    expect(error).to_contain_text("What to do:")
    expect(answers(page)).to_have_count(0)
    screenshot(page, "run-error")

    emulators.ollama.reply = "Found it."
    error.get_by_role("button", name="Retry").click()
    expect(answers(page).last.locator(".answer-text")).to_have_text("Found it.")
    expect(page.locator(".message.error")).to_have_count(0)


def test_stop_keeps_the_partial_answer_and_cancels_upstream(page: Page, emulators) -> None:
    emulators.ollama.reply = " ".join(f"word{n}" for n in range(200))
    emulators.ollama.token_delay = 0.05
    ask(page, "Talk for a long time")
    answer = answers(page).last
    expect(answer.locator(".answer-text")).to_contain_text("word2")
    page.get_by_role("button", name="Stop").click()

    expect(answer).to_have_attribute("data-status", "stopped")
    expect(answer).to_contain_text("Stopped.")
    expect(answer.locator(".answer-text")).to_contain_text("word0 word1 word2")
    expect(page.get_by_role("button", name="Send")).to_be_visible()
    wait_until(lambda: emulators.ollama.disconnects == 1)
    assert "word199" not in answer.locator(".answer-text").inner_text()


def test_reload_restores_conversation_and_choices(page: Page, emulators) -> None:
    emulators.gemini.reply = "Remember me."
    provider(page, "Gemini").check()
    model(page, "Gemini 2.0 Flash").check()
    ask(page, "Will you remember?")
    expect(answers(page).last).to_have_attribute("data-status", "done")

    page.reload()
    expect(provider(page, "Gemini")).to_be_checked()
    expect(model(page, "Gemini 2.0 Flash")).to_be_checked()
    expect(page.locator(".message.user")).to_have_text("Will you remember?")
    expect(answers(page).last.locator(".answer-text")).to_have_text("Remember me.")
    expect(answers(page).last.locator(".origin")).to_have_text("Gemini · gemini-2.0-flash")

    page.get_by_role("button", name="New chat").click()
    expect(page.locator(".message")).to_have_count(0)
    page.reload()
    expect(page.locator(".message")).to_have_count(0)
    expect(provider(page, "Gemini")).to_be_checked()


def test_model_output_is_rendered_as_text_never_as_html(page: Page, emulators, screenshot) -> None:
    emulators.ollama.reply = (
        "Look: <script>window.injected = 1</script> and <img src=x onerror=window.injected=2> "
        "**bold** [bad](javascript:window.injected=3)\n\n```html\n<script>alert(1)</script>\n```"
    )
    ask(page, "<b>not bold</b>")
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done")
    body = answer.locator(".answer-text")
    expect(body).to_contain_text("<script>window.injected = 1</script>")
    expect(body).to_contain_text("<img src=x onerror=window.injected=2>")
    expect(body.locator("strong")).to_have_text("bold")
    expect(body.locator("pre code")).to_have_text("<script>alert(1)</script>")
    assert body.locator("script, img, a").count() == 0
    expect(page.locator(".message.user")).to_have_text("<b>not bold</b>")
    assert page.evaluate("window.injected") is None
    page.emulate_media(color_scheme="dark")
    screenshot(page, "markdown-dark")


def test_answer_cut_upstream_keeps_the_partial_text(page: Page, emulators) -> None:
    emulators.ollama.reply = "The first words and then the line goes dead"
    emulators.ollama.cut_after = 3
    ask(page, "Tell me something")
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "incomplete")
    expect(answer.locator(".answer-text")).to_have_text("The first words")
    expect(answer).to_contain_text("the run failed before the answer finished")
    expect(page.locator(".message.error")).to_have_attribute("data-code", "upstream_error")


def test_narrow_dark_window(host, open_page, screenshot) -> None:
    page = open_page(host(), viewport={"width": 390, "height": 760}, color_scheme="dark")
    expect(page.locator("#sidebar")).not_to_be_visible()
    expect(page.locator("#current-choice")).to_contain_text("Ollama")
    menu = page.get_by_role("button", name="Choose provider and model")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(card(page, "azure-openai")).to_contain_text("Not configured")
    screenshot(page, "narrow-dark-drawer")

    provider(page, "Gemini").check()
    model(page, "Gemini 2.5 Pro").click()  # check() would look for the radio in the closed drawer
    expect(page.locator("#sidebar")).not_to_be_visible()  # picking a model closes the drawer
    expect(page.locator("#current-choice")).to_have_text("Gemini · gemini-2.5-pro")
    ask(page, "Hello from a phone")
    expect(answers(page).last).to_have_attribute("data-status", "done")
    screenshot(page, "narrow-dark-conversation")


def test_api_key_is_asked_once_and_kept(host, open_page) -> None:
    page = open_page(host(AGENTKIT_API_KEY="s3cret-key"))
    dialog = page.get_by_role("dialog", name="API key required")
    expect(dialog).to_be_visible()
    dialog.get_by_label("API key").fill("s3cret-key")
    dialog.get_by_role("button", name="Save").click()
    expect(card(page, "ollama")).to_contain_text("Ready")

    page.reload()
    expect(card(page, "ollama")).to_contain_text("Ready")
    expect(dialog).not_to_be_visible()


def test_a_long_think_with_keep_alives_still_answers(host, open_page, emulators) -> None:
    emulators.ollama.first_token_delay = 0.8  # eight keep-alive comments before the answer
    page = open_page(host(AGENTKIT_KEEPALIVE="0.1"))
    ask(page, "Take your time")

    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done", timeout=10_000)
    expect(answer.locator(".answer-text")).to_have_text(emulators.ollama.reply)
