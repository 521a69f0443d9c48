"""What the browser tests do on the chat page, as a person would: pick, type, send, wait."""

from __future__ import annotations

import time

from playwright.sync_api import Locator, Page


def provider(page: Page, name: str) -> Locator:
    """The provider's radio button (its card is the label)."""
    return page.locator("#provider-list").get_by_role("radio", name=name, exact=True)


def model(page: Page, name: str) -> Locator:
    """The model's radio button in the model list."""
    return page.locator("#model-list").get_by_role("radio", name=name, exact=True)


def card(page: Page, provider_id: str) -> Locator:
    return page.locator(f'.provider-option[data-provider="{provider_id}"]')


def ask(page: Page, text: str) -> None:
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_label("Message", exact=True).press("Enter")


def answers(page: Page) -> Locator:
    return page.locator(".message.assistant")


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
