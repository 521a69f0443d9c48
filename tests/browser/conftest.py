"""Fixtures for the browser tests: headless Debian Chromium driven by Playwright, against the real
host on loopback with the Ollama and Gemini emulators behind it (Azure OpenAI left unconfigured),
or with the scripted fake provider (tests/fake_plugin) for what no emulator produces.

One browser serves each test module; each test gets a fresh context (empty localStorage) and
page. Chromium missing locally skips these tests; in CI (``CI=true``) it fails them instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

import agentkit_fake
from agentkit.app import create_app
from agentkit.config import HostConfig
from agentkit.registry import Registry
from agentkit.testing import serve
from agentkit.testing.plugin import start_host
from agentkit_gemini.testing import DEFAULT_KEY as GEMINI_KEY
from agentkit_gemini.testing import GeminiEmulator
from agentkit_ollama.testing import OllamaEmulator

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

expect.set_options(timeout=5_000)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium for the module's tests. Not session-wide: while Playwright's sync API runs,
    its event loop is the thread's running loop, and later tests calling asyncio.run() fail."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: apt-get install -y chromium"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Emulators:
    ollama: OllamaEmulator
    gemini: GeminiEmulator
    ollama_url: str
    gemini_url: str


@pytest.fixture
def emulators() -> Iterator[Emulators]:
    ollama, gemini = OllamaEmulator(), GeminiEmulator()
    with serve(ollama.app) as ollama_url, serve(gemini.app) as gemini_url:
        yield Emulators(ollama, gemini, ollama_url, gemini_url)


@pytest.fixture
def host(monkeypatch, emulators: Emulators) -> Iterator[Callable[..., str]]:
    """``host(**env)`` starts the real host (plugins found by entry point) with Ollama and Gemini
    pointed at their emulators, after setting ``env``; returns its base URL."""
    settings = {
        "OLLAMA_BASE_URL": emulators.ollama_url,
        "GEMINI_API_KEY": GEMINI_KEY,
        "GEMINI_BASE_URL": emulators.gemini_url,
        "DEFAULT_PROVIDER": "ollama",
        "AGENTKIT_RETRY_ATTEMPTS": "1",
    }
    with ExitStack() as stack:
        yield lambda **env: start_host(stack, monkeypatch, {**settings, **env})


@pytest.fixture
def fake_host(script: agentkit_fake.Script) -> Iterator[str]:
    """The base URL of a real host whose only provider is the scripted fake: ``script`` decides
    its models and what each run streams, including opaque reasoning values (which Ollama,
    keeping nothing opaque, never sends)."""
    registry = Registry.load(HostConfig(), entry_points=False, extra_plugins=[agentkit_fake])
    with serve(create_app(registry=registry)) as url:
        yield url


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``open_page(url, **context_options)`` opens the chat page in a fresh browser context.
    Any uncaught JavaScript error on the page fails the test."""
    errors: list[str] = []
    with ExitStack() as stack:

        def start(url: str, **options) -> Page:
            context = browser.new_context(**{"viewport": {"width": 1200, "height": 800}, **options})
            stack.callback(context.close)
            page = context.new_page()
            page.set_default_timeout(5_000)
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(url)
            return page

        yield start
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def page(host, open_page) -> Page:
    """The chat page of a host with default settings."""
    return open_page(host())


@pytest.fixture
def screenshot() -> Callable[[Page, str], None]:
    """``screenshot(page, name)`` saves test-artifacts/<name>.png for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def save(page: Page, name: str) -> None:
        page.screenshot(path=ARTIFACTS / f"{name}.png")

    return save
