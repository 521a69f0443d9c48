"""The provider conformance checks: a test class a plugin author subclasses.

The author states a few facts about the plugin and inherits every check::

    from agentkit.testing import ProviderConformance

    class TestConformance(ProviderConformance):
        provider_id = "echo"
        model = "echo-1"
        required_env = ("ECHO_BASE_URL",)

        @pytest.fixture
        def upstream(self):
            return EchoEmulator()  # has .app (or .url), .fail(), .cut_after, .requests

        def working_env(self, url):
            return {"ECHO_BASE_URL": url, "ECHO_API_KEY": "sk-test-0123"}

Every check starts the real host in-process on loopback with only the plugin under test loaded
(``AGENTKIT_PLUGINS``), talks to it over HTTP, and says in its failure message what to fix. The
class carries its own fixtures, so no pytest plugin needs to be activated.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from ag_ui.core import EventType

from agentkit.errors import ERROR_CODES
from agentkit.plugins import ENTRY_POINT_GROUP, new_plugin_manager
from agentkit.provider import ChatParams, Model, Provider, ProviderSettings
from agentkit.settings import env_names
from agentkit.testing.agui import (
    chat,
    error_of,
    reasoning_before_answer,
    reasoning_of,
    run_input,
    text_of,
)
from agentkit.testing.plugin import HOST_ENV, isolate, start_host
from agentkit.testing.servers import free_port, serve, silent_server

HEAVY_MODULES = (
    "langchain_openai",
    "langchain_anthropic",
    "langchain_google_genai",
    "langchain_google_vertexai",
    "langchain_ollama",
    "langchain_mistralai",
    "langchain_aws",
    "openai",
    "anthropic",
    "google.genai",
    "ollama",
    "mistralai",
    "boto3",
    "azure.identity",
)
"""Modules too slow to import at discovery; a plugin imports them inside its lister or builder."""

SECRET_NAME = re.compile(
    r"(^|_)(key|apikey|token|secret|password|credentials?)($|_)", re.IGNORECASE
)
"""A setting or environment variable named like this holds a secret (``API_KEY``, not
``MAX_TOKENS``)."""

RETRY_ATTEMPTS = int(HOST_ENV["AGENTKIT_RETRY_ATTEMPTS"])

CANCEL_WAIT = 5.0
"""Seconds a cancelled listing may take to stop (a liveness bound, not a performance check)."""

REPLY = "Conformance check reply, streamed word by word."

THOUGHT = "First I weigh the question, then I answer it."

CONCURRENT_RUNS = 120
"""Streams one model must carry at once: more than httpx's default pool of 100 connections."""

CONCURRENT_WAIT = 30.0
"""Seconds for every concurrent stream to get its first chunk (a liveness bound)."""

DISCONNECT_WAIT = 15.0
"""Seconds for a stream the client left to be closed upstream (a liveness bound)."""

BLOCK_LIMIT = 1.0
"""Seconds a lister or a stream may hold the event loop in one go: the host's watchdog warns
beyond this (``agentkit.watchdog.THRESHOLD``)."""

_DISCOVERY_SCRIPT = """
import json, sys
from agentkit.config import HostConfig
from agentkit.registry import Registry

registry = Registry.load(HostConfig())
print(json.dumps({
    "providers": registry.describe(),
    "heavy": [name for name in json.loads(sys.argv[1]) if name in sys.modules],
}))
"""


class ProviderConformance:
    """The checks every provider plugin must pass. Subclass it in a module named ``test_*.py``
    with a class name starting with ``Test``, set the class attributes, and override the
    ``upstream`` fixture and ``working_env``."""

    provider_id: ClassVar[str] = ""
    """The provider's ``id``."""

    model: ClassVar[str] = ""
    """A model id the upstream offers and can chat with."""

    entry_point: ClassVar[str | None] = None
    """The plugin's entry-point name in the ``agentkit`` group (default: ``provider_id``)."""

    required_env: ClassVar[tuple[str, ...]] = ()
    """Environment variables whose absence must leave the provider ``unconfigured``."""

    heavy_modules: ClassVar[tuple[str, ...]] = HEAVY_MODULES
    """Modules that discovery must not import (add your SDK's if it is not listed)."""

    expected_codes: ClassVar[dict[int | str, str]] = {
        401: "auth_failed",
        404: "model_not_found",
        429: "rate_limited",
        500: "upstream_error",
        503: "upstream_error",
        "connection_refused": "upstream_unavailable",
        "stream_cut": "upstream_error",
    }
    """The stable error code each upstream failure must become."""

    reasoning_model: ClassVar[str | None] = None
    """A model the upstream offers that thinks before it answers (streaming its ``thinking``
    knob as reasoning): set it to run the reasoning checks."""

    reasoning_streams: ClassVar[bool] = True
    """Whether ``reasoning_model`` streams its thinking; ``False`` for an API whose models think
    in silence (Azure's chat completions), which skips the stream check but not the effort one."""

    cut_after: ClassVar[int] = 2
    """Chunks the upstream sends before it drops the connection in the stream-cut check."""

    # --- what the author supplies ----------------------------------------------------

    @pytest.fixture
    def upstream(self) -> Any:
        """Start the upstream the provider talks to, with ``.app`` (an ASGI app the kit serves)
        or ``.url``, ``.fail(status, body=None, *, times=1, headers=None)``, ``.cut_after`` and
        ``.requests``; and, for the streaming checks (skipped without them), ``.reply``,
        ``.token_delay``, ``.disconnects`` and ``.tool_call``. An ``agentkit.testing.Emulator``
        has them all."""
        pytest.fail(
            f"{type(self).__name__} must override the `upstream` fixture: return an object with "
            "`.app` or `.url`, `.fail(status, *, times)`, `.cut_after` and `.requests`."
        )

    def working_env(self, url: str) -> dict[str, str]:
        """The environment variables of a working configuration against the upstream at
        ``url``. Any value named like a secret must be at least four characters long."""
        raise NotImplementedError(
            f"{type(self).__name__} must override working_env(url) to return the environment "
            "variables that configure the provider against the upstream at url."
        )

    def fail_upstream(
        self, upstream: Any, status: int, *, times: int, headers: dict[str, str] | None = None
    ) -> None:
        """Make the upstream answer the next ``times`` requests with HTTP ``status`` (and
        ``headers``). Override it when your upstream needs a specific error body for a status."""
        upstream.fail(status, times=times, headers=headers)

    # --- fixtures the checks share ---------------------------------------------------

    @pytest.fixture(autouse=True)
    def _isolated_env(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        """Run each check in an empty folder (no ``.env``) without the host's or the
        provider's settings from the outer environment."""
        names = set(self.required_env) | set(self.working_env("http://127.0.0.1:9"))
        isolate(monkeypatch, tmp_path, names)

    @pytest.fixture
    def upstream_url(self, upstream: Any) -> Iterator[str]:
        """The upstream's base URL, serving its ``.app`` on loopback when it has no ``.url``."""
        url = upstream if isinstance(upstream, str) else getattr(upstream, "url", None)
        if url:
            yield str(url).rstrip("/")
            return
        with serve(upstream.app) as served:
            yield served

    @pytest.fixture
    def host(self, monkeypatch: pytest.MonkeyPatch, upstream_url: str) -> Iterator[Callable]:
        """``host(env=None)`` starts the host with only this plugin loaded, configured by
        ``env`` (default: ``working_env`` against the upstream); returns its base URL."""
        with ExitStack() as stack:

            def start(env: dict[str, str] | None = None) -> str:
                settings = self.working_env(upstream_url) if env is None else env
                return start_host(stack, monkeypatch, {**self._host_env(), **settings})

            yield start

    @pytest.fixture
    def provider(self, monkeypatch: pytest.MonkeyPatch, upstream_url: str) -> Provider:
        """The provider, configured from ``working_env`` as the host would configure it."""
        return self._configured(monkeypatch, upstream_url)

    # --- the checks: discovery and settings --------------------------------------------

    def test_entry_point_registers_exactly_one_provider(self) -> None:
        classes = registered_providers(self._load_plugin())
        ids = [getattr(cls, "id", None) for cls in classes]
        assert ids == [self.provider_id], (
            f"entry point {self._entry_point_name()!r} registered providers {ids}; its "
            f"register_providers hook must call register() once, with the class whose id is "
            f"{self.provider_id!r}."
        )
        provider_class = classes[0]
        assert issubclass(provider_class, Provider), (
            f"{provider_class.__name__} must subclass agentkit.Provider."
        )
        assert getattr(provider_class, "name", ""), f"set {provider_class.__name__}.name"

    def test_discovery_imports_no_heavy_sdk(self, tmp_path: Path) -> None:
        env = {**os.environ, **self._host_env(), **self.working_env("http://127.0.0.1:9")}
        result = subprocess.run(
            [sys.executable, "-c", _DISCOVERY_SCRIPT, json.dumps(self.heavy_modules)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, f"discovery failed in a fresh interpreter:\n{result.stderr}"
        found = json.loads(result.stdout.strip().splitlines()[-1])
        states = {p["id"]: p for p in found["providers"]}
        assert self.provider_id in states, (
            f"a fresh interpreter did not discover {self.provider_id!r} (found {list(states)}); "
            "is the package installed (pip install -e .) with its entry point?"
        )
        described = states[self.provider_id]
        assert described["state"] == "ready", (
            f"with working_env set, {self.provider_id!r} is {described['state']}: "
            f"{described['error']}"
        )
        assert not found["heavy"], (
            f"discovering and configuring the plugin imported {found['heavy']}. Import SDKs and "
            "LangChain integrations inside list_models/chat_model/translate_error, not at "
            "module level (each costs about a second at every start)."
        )

    def test_settings_are_a_provider_settings_model(self) -> None:
        settings_class = self._provider_class().Settings
        assert issubclass(settings_class, ProviderSettings), (
            f"{self._provider_class().__name__}.Settings must subclass agentkit.ProviderSettings "
            "(a pydantic-settings model read from the environment and .env)."
        )
        for variable in self.working_env("http://127.0.0.1:9"):
            assert self._field_for(variable), (
                f"working_env sets {variable}, but no field of {settings_class.__name__} reads "
                "it; name each field's variable with validation_alias."
            )

    def test_secrets_are_secret_str(self) -> None:
        settings_class = self._provider_class().Settings
        for name, field in settings_class.model_fields.items():
            variables = env_names(settings_class, name)
            if any(SECRET_NAME.search(v) for v in [name, *variables]):
                assert "SecretStr" in str(field.annotation), (
                    f"{settings_class.__name__}.{name} ({', '.join(variables)}) looks like a "
                    f"secret but is typed {field.annotation}; type it as SecretStr so the host "
                    "hides and redacts it."
                )

    def test_missing_required_setting_makes_it_unconfigured(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        if not self.required_env:
            pytest.skip("required_env is empty: the provider works with no settings")
        working = self.working_env("http://127.0.0.1:9")
        for missing in self.required_env:
            self._set_env(monkeypatch, {k: v for k, v in working.items() if k != missing})
            monkeypatch.delenv(missing, raising=False)
            described = self._describe()
            assert described["state"] == "unconfigured", (
                f"without {missing}, {self.provider_id!r} is {described['state']!r} "
                f"({described['error']}); a required setting must be a field without a default "
                "(or raise agentkit.NotConfigured from __init__)."
            )
            assert missing in (described["error"] or ""), (
                f"without {missing}, the reason shown is {described['error']!r}; it must name "
                f"{missing} so the user knows what to set."
            )

    # --- the checks: listing and building ----------------------------------------------

    def test_lister_returns_well_formed_models(self, provider: Provider) -> None:
        models = asyncio.run(provider.list_models())
        assert isinstance(models, list) and models, (
            f"list_models() returned {models!r}; it must return a non-empty list of "
            "agentkit.Model when the upstream offers models."
        )
        for model in models:
            assert isinstance(model, Model), f"list_models() returned {model!r}, not a Model"
            assert isinstance(model.id, str) and model.id, f"{model!r} has no id"
            assert all(isinstance(c, str) for c in model.capabilities), (
                f"{model.id}: capabilities must be a list of strings"
            )
            json.dumps(model.to_dict(self.provider_id))  # raises if details are not JSON
        ids = [model.id for model in models]
        assert len(ids) == len(set(ids)), f"list_models() returned duplicate ids: {ids}"
        assert self.model in ids, f"the class's model {self.model!r} is not listed in {ids}"

    def test_lister_honours_cancellation(self, monkeypatch: pytest.MonkeyPatch) -> None:
        with silent_server() as silent:
            provider = self._configured(monkeypatch, silent.url)
            outcome: dict[str, Any] = {}
            worker = threading.Thread(
                target=lambda: outcome.update(asyncio.run(_cancel_listing(provider, silent))),
                daemon=True,
            )
            worker.start()
            worker.join(CANCEL_WAIT * 2)
            assert not worker.is_alive(), (
                "list_models() blocked the event loop while the upstream was silent; await only "
                "async I/O (httpx.AsyncClient, the SDK's async client), never a sync call."
            )
        if outcome.get("finished_early"):
            pytest.skip("list_models() finished without contacting the upstream")
        assert "blocked" not in outcome, (
            f"list_models() {outcome.get('blocked')} before it could be cancelled, though the "
            "upstream never answered: it blocked the event loop. Await only async I/O "
            "(httpx.AsyncClient, the SDK's async client), never a sync call."
        )
        assert outcome["cancelled"], (
            f"list_models() did not end as cancelled after task.cancel() ({outcome['result']}); "
            "let asyncio.CancelledError propagate instead of catching it."
        )
        assert outcome["closed"], (
            "after list_models() was cancelled, its HTTP connection stayed open; open clients "
            "with `async with` so cancellation closes them."
        )

    def test_builder_returns_a_langchain_chat_model(self, provider: Provider, upstream) -> None:
        from langchain_core.language_models import BaseChatModel

        before = len(getattr(upstream, "requests", []))
        params = ChatParams(temperature=0.5, max_tokens=64, top_p=0.9, stop=["\n\n"], seed=7)
        for chosen in (ChatParams(), params):
            model = provider.chat_model(self.model, chosen)
            assert isinstance(model, BaseChatModel), (
                f"chat_model() returned {type(model).__name__}; it must return a LangChain "
                "BaseChatModel."
            )
            retries = getattr(model, "max_retries", 0)
            assert not retries, (
                f"{type(model).__name__}.max_retries is {retries}; pass max_retries=0, the host "
                "retries (honouring Retry-After) for every provider."
            )
        assert len(getattr(upstream, "requests", [])) == before, (
            "chat_model() called the upstream; building a model must make no network call."
        )

    def test_one_model_carries_many_concurrent_runs(self, provider: Provider) -> None:
        if not provider.reuse_chat_models:
            pytest.skip("reuse_chat_models is False: every run builds its own model")
        model = provider.chat_model(self.model, ChatParams())
        started = asyncio.run(_first_chunks(model, CONCURRENT_RUNS, CONCURRENT_WAIT))
        assert started == CONCURRENT_RUNS, (
            f"only {started} of {CONCURRENT_RUNS} concurrent streams of one model got a first "
            f"chunk within {CONCURRENT_WAIT:g} s. The host shares the model chat_model() builds "
            "between concurrent runs, so its HTTP client must not cap connections (httpx's "
            "default is 100: pass limits=httpx.Limits(max_connections=None) to the SDK's "
            "client), or set reuse_chat_models = False."
        )

    def test_never_blocks_the_event_loop(self, provider: Provider) -> None:
        held = asyncio.run(_longest_holds(provider, self.model))
        for what, seconds in held.items():
            assert seconds < BLOCK_LIMIT, (
                f"{what} blocked the event loop for {seconds:.1f} s. The host serves every "
                "stream on one event loop, so this froze them all (the host logs a warning "
                "naming your provider). Await async I/O (httpx.AsyncClient, the SDK's async "
                "client), and run blocking work with `await asyncio.to_thread(...)`."
            )

    # --- the checks: through the host ---------------------------------------------------

    def test_models_endpoint_shows_the_provider_ready(self, host) -> None:
        document = _get_json(f"{host()}/models/{self.provider_id}")
        [described] = document["providers"]
        assert described["state"] == "ready", (
            f"GET /models shows {self.provider_id!r} as {described['state']}: "
            f"{described['error']} ({described['hint']})"
        )
        ids = [m["id"] for m in document["models"]]
        assert self.model in ids, f"GET /models lists {ids}, without {self.model!r}"
        assert document["providers"][0]["default_model"] in ids, (
            "the provider's default model is not one it lists; check choose_default"
        )

    def test_chat_streams_agui_events_in_order(self, host, upstream) -> None:
        _set_reply(upstream, REPLY)
        events = chat(host(), self._run_input())  # checks the AG-UI ordering rules
        error = error_of(events)
        assert error is None, f"the chat ended with {error.code}: {error.message}"
        assert text_of(events), "the chat finished without any text"
        if hasattr(upstream, "reply"):
            assert text_of(events) == REPLY, (
                f"the upstream streamed {REPLY!r} but the host relayed {text_of(events)!r}"
            )

    @pytest.mark.parametrize("status", [401, 404, 429, 500, 503])
    def test_upstream_http_error_maps_to_its_code(self, host, upstream, status: int) -> None:
        base = host()
        self.fail_upstream(upstream, status, times=RETRY_ATTEMPTS + 1)
        self._assert_error_code(chat(base, self._run_input()), status, f"HTTP {status}")

    def test_a_rate_limit_is_retried_after_the_wait_asked_for(self, host, upstream) -> None:
        _set_reply(upstream, REPLY)
        base = host()
        self.fail_upstream(upstream, 429, times=1, headers={"Retry-After": "0"})
        before = len(upstream.requests)
        events = chat(base, self._run_input())
        error = error_of(events)
        assert error is None, (
            f"after one 429 with Retry-After: 0 the run ended with {error.code} "
            f"({error.message}); the host retries 429s before the first token, so map it to "
            "agentkit.RateLimited (agentkit.from_status does) and keep the SDK's own retries off."
        )
        assert len(upstream.requests) - before == 2, (
            f"the upstream saw {len(upstream.requests) - before} requests for one run that met "
            "one 429; expected 2 (the host's retry). Is max_retries=0 passed to the SDK?"
        )

    def test_tool_calls_stream_as_agui_events(self, host, upstream) -> None:
        if not hasattr(upstream, "tool_call"):
            pytest.skip("the upstream has no tool_call knob")
        upstream.tool_call = {"name": "get_weather", "arguments": {"city": "Oslo"}}
        tool = {
            "name": "get_weather",
            "description": "The weather in a city.",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        }
        body = run_input("Weather?", provider=self.provider_id, model=self.model, tools=[tool])
        events = chat(host(), body)
        upstream.tool_call = None
        error = error_of(events)
        assert error is None, f"a tool call ended the run with {error.code}: {error.message}"
        names = [e.tool_call_name for e in events if e.type == EventType.TOOL_CALL_START]
        arguments = "".join(e.delta for e in events if e.type == EventType.TOOL_CALL_ARGS)
        assert names == ["get_weather"], (
            f"the upstream called get_weather but the host streamed tool calls {names}; does "
            "chat_model() return a model whose bind_tools() offers the tools and whose chunks "
            "carry tool_call_chunks?"
        )
        assert json.loads(arguments) == {"city": "Oslo"}, f"tool call arguments {arguments!r}"

    def test_reasoning_streams_before_the_answer(self, host, upstream) -> None:
        if not self.reasoning_model or not self.reasoning_streams:
            pytest.skip("no reasoning_model that streams its thinking in the test facts")
        _set_reply(upstream, REPLY)
        upstream.thinking = THOUGHT
        body = run_input(
            "Think, then answer.", provider=self.provider_id, model=self.reasoning_model
        )
        events = chat(host(), body)  # checks that reasoning closes before the answer starts
        error = error_of(events)
        assert error is None, f"a reasoning model's run ended with {error.code}: {error.message}"
        assert reasoning_of(events) == THOUGHT, (
            f"the upstream thought {THOUGHT!r} but the host streamed reasoning "
            f"{reasoning_of(events)!r}; the chat model's chunks must carry LangChain reasoning "
            "content blocks (chunk.content_blocks), e.g. by enabling the integration's "
            "reasoning output"
        )
        assert text_of(events) == REPLY, f"the answer after the reasoning was {text_of(events)!r}"
        assert reasoning_before_answer(events), "the reasoning streamed after the answer began"

    @pytest.mark.parametrize("effort", ["none", "minimal", "low", "medium", "high"])
    def test_every_reasoning_effort_is_accepted(self, host, upstream, effort: str) -> None:
        if not self.reasoning_model:
            pytest.skip("no reasoning_model in the test facts")
        _set_reply(upstream, REPLY)
        body = run_input(
            "Answer.",
            provider=self.provider_id,
            model=self.reasoning_model,
            params={"reasoning_effort": effort},
        )
        events = chat(host(), body)
        error = error_of(events)
        assert error is None, (
            f"reasoning_effort {effort!r} ended the run with {error.code}: {error.message}; "
            "Provider.reasoning() must map every effort to the nearest the model supports"
        )
        reported = (events[0].metadata or {}).get("reasoning") or {}
        assert reported.get("effort") == effort, (
            f"RUN_STARTED's metadata reports reasoning {reported!r}, not the effort asked for"
        )

    def test_client_disconnect_cancels_the_upstream(self, host, upstream) -> None:
        if not all(hasattr(upstream, knob) for knob in ("reply", "token_delay", "disconnects")):
            pytest.skip("the upstream has no reply, token_delay or disconnects knob")
        upstream.reply = " ".join(["word"] * 1000)  # 50 s at this pace
        upstream.token_delay = 0.05
        with httpx.stream("POST", f"{host()}/chat/chat", json=self._run_input(), timeout=10) as r:
            for line in r.iter_lines():
                if "TEXT_MESSAGE_CONTENT" in line:
                    break
        deadline = time.monotonic() + DISCONNECT_WAIT
        while upstream.disconnects == 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        upstream.token_delay = 0.0
        assert upstream.disconnects == 1, (
            "the client went away mid-answer but the upstream stream was not closed; let "
            "cancellation reach the SDK's stream (do not catch asyncio.CancelledError)."
        )

    def test_connection_refused_is_upstream_unavailable(self, host) -> None:
        nothing_listens = f"http://127.0.0.1:{free_port()}"
        base = host(self.working_env(nothing_listens))
        events = chat(base, self._run_input())
        self._assert_error_code(events, "connection_refused", "a refused connection")

    def test_stream_cut_midway_is_an_error(self, host, upstream) -> None:
        _set_reply(upstream, REPLY)
        upstream.cut_after = self.cut_after
        events = chat(host(), self._run_input())
        self._assert_error_code(events, "stream_cut", "a stream cut mid-way")

    def test_listing_failure_shows_as_error_state(self, host, upstream) -> None:
        base = host()
        self.fail_upstream(upstream, 401, times=RETRY_ATTEMPTS + 1)
        before = len(upstream.requests)
        document = _get_json(f"{base}/models/{self.provider_id}")
        [described] = document["providers"]
        if len(upstream.requests) == before and described["state"] == "ready":
            pytest.skip("list_models made no request to the upstream")
        assert described["state"] == "error" and described["error"], (
            f"an upstream 401 while listing left the provider {described['state']!r} with "
            f"error {described['error']!r}; list_models must raise (an AgentKitError with a "
            "message a user can act on)."
        )
        assert document["models"] == [], "a failed listing still listed models"

    def test_no_secret_in_responses_or_logs(self, host, upstream, upstream_url, caplog) -> None:
        secrets = self._secrets(self.working_env(upstream_url))
        if not secrets:
            pytest.skip("working_env sets no secret")
        caplog.set_level(logging.INFO)
        caplog.set_level(logging.DEBUG, logger="agentkit")
        base = host()
        texts = {
            "GET /providers": httpx.get(f"{base}/providers", timeout=10).text,
            "GET /models": httpx.get(f"{base}/models", timeout=10).text,
            "a chat": httpx.post(f"{base}/chat/chat", json=self._run_input(), timeout=30).text,
        }
        for status in (401, 500):
            self.fail_upstream(upstream, status, times=RETRY_ATTEMPTS + 1)
            texts[f"a chat failing with {status}"] = httpx.post(
                f"{base}/chat/chat", json=self._run_input(), timeout=30
            ).text
        self.fail_upstream(upstream, 401, times=RETRY_ATTEMPTS + 1)
        texts["a failed listing"] = httpx.get(f"{base}/models?refresh=true", timeout=10).text
        for record in caplog.records:
            texts[f"log record {record.name}"] = _record_text(record)
        leaks = [where for where, text in texts.items() for s in secrets if s in text]
        assert not leaks, (
            f"a secret appears in: {', '.join(sorted(set(leaks)))}. Keep secrets in SecretStr "
            "fields and out of messages; never log request headers or URLs carrying a key."
        )

    # --- helpers -------------------------------------------------------------------

    def _entry_point_name(self) -> str:
        return self.entry_point or self.provider_id

    def _load_plugin(self) -> object:
        name = self._entry_point_name()
        found = entry_points(group=ENTRY_POINT_GROUP, name=name)
        assert found, (
            f"no entry point {name!r} in the {ENTRY_POINT_GROUP!r} group. Declare "
            f'[project.entry-points.{ENTRY_POINT_GROUP}] {name} = "your_package.plugin" in '
            "pyproject.toml and install the package (pip install -e .); set `entry_point` if "
            "its name differs from the provider id."
        )
        return next(iter(found)).load()

    def _provider_class(self) -> type[Provider]:
        classes = registered_providers(self._load_plugin())
        matching = [cls for cls in classes if getattr(cls, "id", None) == self.provider_id]
        assert matching, f"the plugin registers no provider with id {self.provider_id!r}"
        return matching[0]

    def _host_env(self) -> dict[str, str]:
        return {
            **HOST_ENV,
            "AGENTKIT_PLUGINS": self._entry_point_name(),
            "DEFAULT_PROVIDER": self.provider_id,
        }

    def _set_env(self, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
        for name, value in {**self._host_env(), **env}.items():
            monkeypatch.setenv(name, value)

    def _configured(self, monkeypatch: pytest.MonkeyPatch, url: str) -> Provider:
        self._set_env(monkeypatch, self.working_env(url))
        provider_class = self._provider_class()
        return provider_class(provider_class.Settings())

    def _describe(self) -> dict[str, Any]:
        from agentkit.config import HostConfig
        from agentkit.registry import Registry

        described = {p["id"]: p for p in Registry.load(HostConfig()).describe()}
        assert self.provider_id in described, f"the host did not discover {self.provider_id!r}"
        return described[self.provider_id]

    def _field_for(self, variable: str) -> str | None:
        settings_class = self._provider_class().Settings
        for name in settings_class.model_fields:
            if variable.upper() in env_names(settings_class, name):
                return name
        return None

    def _secrets(self, env: dict[str, str]) -> list[str]:
        """Values of ``env`` that are secrets: read into a SecretStr field, or named like one."""
        settings_class = self._provider_class().Settings
        secrets = []
        for variable, value in env.items():
            field = self._field_for(variable)
            annotation = str(settings_class.model_fields[field].annotation) if field else ""
            if "SecretStr" in annotation or SECRET_NAME.search(variable):
                secrets.append(value)
        return [s for s in secrets if len(s) >= 4]

    def _run_input(self) -> dict[str, Any]:
        return run_input("Say something.", provider=self.provider_id, model=self.model)

    def _assert_error_code(self, events: list, case: int | str, what: str) -> None:
        expected = self.expected_codes[case]
        error = error_of(events)
        assert error is not None, (
            f"after {what} from the upstream, the run finished with text "
            f"{text_of(events)!r} instead of a RUN_ERROR {expected!r}."
        )
        assert error.code in ERROR_CODES, (
            f"after {what}, RUN_ERROR carries code {error.code!r}, which is not a stable code "
            f"({', '.join(ERROR_CODES)})."
        )
        assert error.code == expected, (
            f"after {what} from the upstream, RUN_ERROR carries {error.code!r} "
            f"({error.message}); expected {expected!r}. Map it in translate_error "
            "(agentkit.from_status maps HTTP statuses), or set expected_codes if your "
            "upstream means something else by it."
        )


def registered_providers(plugin: object) -> list[type[Provider]]:
    """The provider classes a plugin module registers through its ``register_providers`` hook."""
    manager = new_plugin_manager()
    manager.register(plugin, name="plugin-under-test")
    classes: list[type[Provider]] = []
    manager.hook.register_providers(register=classes.append)
    return classes


async def _cancel_listing(provider: Provider, silent) -> dict[str, Any]:
    """Start ``list_models`` against a silent upstream, cancel it once it has connected, and
    report how it ended."""
    task = asyncio.create_task(provider.list_models())
    while not silent.connected.is_set() and not task.done():
        await asyncio.sleep(0.01)
    if task.done():  # it never yielded to the loop while the upstream was silent
        return {"finished_early": not silent.connected.is_set(), "blocked": _ending(task)}
    task.cancel()
    await asyncio.wait({task}, timeout=CANCEL_WAIT)
    outcome: dict[str, Any] = {"cancelled": task.cancelled(), "result": _ending(task)}
    outcome["closed"] = await asyncio.to_thread(silent.closed.wait, CANCEL_WAIT)
    return outcome


async def _longest_holds(provider: Provider, model_id: str) -> dict[str, float]:
    """The longest time ``list_models()`` and a chat stream each held the event loop at once,
    after a first round that may import modules (as the host's first listing and chat do)."""
    from langchain_core.messages import HumanMessage

    from agentkit import http

    chat_model = await http.to_thread(provider.chat_model, model_id, ChatParams())

    async def stream() -> None:
        async for _ in chat_model.astream([HumanMessage("Say something.")]):
            pass

    await provider.list_models()
    await stream()
    return {
        "list_models()": await _longest_hold(provider.list_models),
        "the chat stream": await _longest_hold(stream),
    }


async def _longest_hold(work: Callable[[], Any]) -> float:
    """The longest the event loop went without running a 10 ms heartbeat while ``work`` ran."""
    loop = asyncio.get_running_loop()
    longest = 0.0

    async def beat() -> None:
        nonlocal longest
        while True:
            due = loop.time() + 0.01
            await asyncio.sleep(0.01)
            longest = max(longest, loop.time() - due)

    heart = asyncio.create_task(beat())
    await asyncio.sleep(0)
    try:
        await work()
        await asyncio.sleep(0.02)  # the beat that was due during the work reports it
    finally:
        heart.cancel()
    return longest


async def _first_chunks(model: Any, runs: int, wait: float) -> int:
    """How many of ``runs`` concurrent streams of ``model`` get a first chunk within ``wait``
    seconds, each held open (its connection busy) until all have one or time is up."""
    from langchain_core.messages import HumanMessage

    all_started = asyncio.Event()
    started = 0

    async def one() -> None:
        nonlocal started
        stream = model.astream([HumanMessage("Say something.")])
        try:
            await anext(stream)
            started += 1
            if started == runs:
                all_started.set()
            await all_started.wait()
        finally:
            await stream.aclose()

    tasks = [asyncio.create_task(one()) for _ in range(runs)]
    try:
        await asyncio.wait_for(all_started.wait(), wait)
    except TimeoutError:
        pass
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return started


def _ending(task: asyncio.Task) -> str:
    if not task.done():
        return "still running"
    if task.cancelled():
        return "cancelled"
    error = task.exception()
    return f"raised {error!r}" if error else f"returned {task.result()!r}"


def _set_reply(upstream: Any, text: str) -> None:
    if hasattr(upstream, "reply"):
        upstream.reply = text


def _get_json(url: str) -> dict[str, Any]:
    response = httpx.get(url, timeout=30)
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return response.json()


def _record_text(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info:
        text += logging.Formatter().formatException(record.exc_info)
    return text + (record.exc_text or "")


__all__ = ["HEAVY_MODULES", "ProviderConformance", "registered_providers"]
