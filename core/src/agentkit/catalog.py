"""The model catalog: lists every provider's models concurrently, each under its own timeout,
and caches the answers.

A slow or dead provider costs at most its timeout and shows as ``error``; it never delays the
others, and neither does a plugin whose lister raises anything at all or returns something that is
not a list of ``Model``: that provider shows ``error`` naming the plugin. Successful listings are
cached for ``AGENTKIT_LIST_CACHE_TTL`` seconds, failures for at most ``ERROR_TTL`` so a service
that comes back shows up soon. Concurrent requests for the same provider, refreshes included,
share one listing call.

A new listing of a provider is announced to ``on_listed`` (the host retires the chat models built
for that provider: listing can change what the builder makes).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agentkit import watchdog
from agentkit.errors import AgentKitError
from agentkit.provider import Model
from agentkit.registry import ProviderEntry, Registry
from agentkit.translation import plugin_fault, translate

ERROR_TTL = 5.0


@dataclass
class Listing:
    """One provider's listing: its state after trying to list, its models and default model."""

    entry: ProviderEntry
    models: list[Model] = field(default_factory=list)
    state: str = "ready"
    error: str | None = None
    hint: str | None = None
    code: str | None = None
    notice: str | None = None
    default_model: str | None = None
    listed_at: float = field(default_factory=time.monotonic)

    def provider_dict(self) -> dict[str, Any]:
        return {
            "id": self.entry.id,
            "name": self.entry.name,
            "available": self.state == "ready",
            "state": self.state,
            "error": self.error,
            "hint": self.hint,
            "notice": self.notice,
            "default_model": self.default_model,
        }

    def model_dicts(self) -> list[dict[str, Any]]:
        return [model.to_dict(self.entry.id) for model in self.models]


class Catalog:
    def __init__(
        self, registry: Registry, on_listed: Callable[[str], None] = lambda provider_id: None
    ) -> None:
        self.registry = registry
        self.timeout = registry.config.list_timeout
        self.ttl = registry.config.list_cache_ttl
        self.on_listed = on_listed
        self._cache: dict[str, Listing] = {}
        self._pending: dict[str, asyncio.Task[Listing]] = {}

    async def list_all(self, *, refresh: bool = False) -> list[Listing]:
        """Every provider's listing, in registry order."""
        ids = list(self.registry.providers)
        return list(await asyncio.gather(*(self.list(pid, refresh=refresh) for pid in ids)))

    async def list(self, provider_id: str, *, refresh: bool = False) -> Listing:
        """One provider's listing, from the cache when fresh enough."""
        entry = self.registry.providers[provider_id]
        if entry.provider is None:
            return Listing(entry, state=entry.state, error=entry.error, hint=entry.hint)
        cached = self._cache.get(provider_id)
        if cached is not None and not refresh and self._fresh(cached):
            return cached
        task = self._pending.get(provider_id)  # a refresh joins a listing under way
        if task is None:
            task = asyncio.create_task(self._fetch(entry))
            self._pending[provider_id] = task
            task.add_done_callback(lambda _, pid=provider_id: self._settle(pid, task))
        return await asyncio.shield(task)

    def default_model(self, entry: ProviderEntry) -> str | None:
        """``DEFAULT_MODEL`` for the default provider, else the provider's own default: the
        listing's choice once it has been listed, the configured one before that."""
        config = self.registry.config
        if entry.id == config.default_provider and config.default_model:
            return config.default_model
        listing = self._cache.get(entry.id)
        if listing is not None and listing.default_model:
            return listing.default_model
        return entry.provider.default_model if entry.provider else None

    async def resolve_default_model(self, entry: ProviderEntry) -> str | None:
        """The model a chat that names none uses: like :meth:`default_model`, after listing the
        provider if it has not been listed yet (its configured default may not be offered)."""
        config = self.registry.config
        explicit = entry.id == config.default_provider and config.default_model
        if not explicit:
            await self.ensure_listed(entry)
        return self.default_model(entry)

    async def ensure_listed(self, entry: ProviderEntry) -> None:
        """List ``entry`` once before its first chat, so that what its listing learns (what a
        model can do, what stands behind an Azure deployment) shapes the request. A failed
        listing does not stop the chat: it is cached like any other, for a shorter time."""
        if entry.provider is not None and entry.id not in self._cache:
            await self.list(entry.id)

    def model(self, entry: ProviderEntry, model_id: str) -> Model | None:
        """``model_id`` as ``entry``'s last listing described it, if it did."""
        listing = self._cache.get(entry.id)
        if listing is None:
            return None
        return next((m for m in listing.models if m.id == model_id), None)

    async def document(self, provider_id: str | None = None, *, refresh: bool = False) -> dict:
        """The ``GET /models`` answer, for every provider or for one."""
        if provider_id is None:
            listings = await self.list_all(refresh=refresh)
        else:
            listings = [await self.list(provider_id, refresh=refresh)]
        default_provider = self.registry.config.default_provider
        focus = self.registry.providers.get(provider_id or default_provider)
        return {
            "providers": [listing.provider_dict() for listing in listings],
            "models": [model for listing in listings for model in listing.model_dicts()],
            "default_provider": default_provider,
            "default_model": self.default_model(focus) if focus else None,
        }

    def _fresh(self, listing: Listing) -> bool:
        ttl = self.ttl if listing.state == "ready" else min(self.ttl, ERROR_TTL)
        return time.monotonic() - listing.listed_at < ttl

    def _settle(self, provider_id: str, task: asyncio.Task[Listing]) -> None:
        if self._pending.get(provider_id) is task:
            del self._pending[provider_id]
        if not task.cancelled() and task.exception() is None:
            self._cache[provider_id] = task.result()
            self.on_listed(provider_id)

    async def _fetch(self, entry: ProviderEntry) -> Listing:
        provider = entry.provider
        assert provider is not None
        watchdog.working_for(entry.id, "listing models")
        plugin = entry.plugin.package
        try:
            async with asyncio.timeout(self.timeout) as scope:
                models = await provider.list_models()
        except TimeoutError as exc:
            if not scope.expired():
                return self._failed(entry, translate(exc, provider, plugin))
            return Listing(
                entry,
                state="error",
                code="upstream_timeout",
                error=f"{entry.name} did not list its models within {self.timeout:g} s.",
                hint="Check that the service is up, or raise AGENTKIT_LIST_TIMEOUT.",
            )
        except asyncio.CancelledError as exc:
            if asyncio.current_task().cancelling():
                raise
            return self._failed(entry, plugin_fault(plugin, "list_models", exc))
        except (KeyboardInterrupt, SystemExit) as exc:
            return self._failed(entry, plugin_fault(plugin, "list_models", exc))
        except Exception as exc:
            return self._failed(entry, translate(exc, provider, plugin, listing=True))
        problem = _not_models(models)
        if problem:
            return self._failed(
                entry,
                AgentKitError(
                    f"The plugin {plugin} returned {problem} from list_models, not a list of "
                    "agentkit.Model.",
                    hint="Report it to the plugin's authors, or disable it with "
                    "AGENTKIT_DISABLE_PLUGINS.",
                ),
            )
        try:
            default, notice = provider.choose_default(models)
        except Exception as exc:
            return self._failed(entry, plugin_fault(plugin, "choose_default", exc))
        return Listing(entry, models=models, notice=notice, default_model=default)

    def _failed(self, entry: ProviderEntry, error: AgentKitError) -> Listing:
        return Listing(
            entry,
            state="error",
            code=error.code,
            error=self.registry.redact(error.message),
            hint=error.hint and self.registry.redact(error.hint),
        )


def _not_models(models: object) -> str | None:
    """What is wrong with a lister's answer, or ``None`` when it is a list of ``Model``."""
    if not isinstance(models, list):
        return type(models).__name__ if models is not None else "None"
    for item in models:
        if not isinstance(item, Model) or not isinstance(item.id, str) or not item.id:
            return f"a list holding {item!r:.60}"
        try:
            json.dumps(item.to_dict(""))
        except (TypeError, ValueError):
            return f"a model ({item.id!r:.60}) whose fields are not JSON"
    return None
