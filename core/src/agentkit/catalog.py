"""The model catalog: lists every provider's models concurrently, each under its own timeout,
and caches the answers.

A slow or dead provider costs at most its timeout and shows as ``error``; it never delays the
others. Successful listings are cached for ``AGENTKIT_LIST_CACHE_TTL`` seconds, failures for at
most ``ERROR_TTL`` so a service that comes back shows up soon. Concurrent requests for the same
provider share one listing call.

The catalog also holds the chat models built for runs (``chat_models``), which a new listing of
their provider retires.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from agentkit.chat_models import ChatModels
from agentkit.errors import AgentKitError, translate_common
from agentkit.provider import Model
from agentkit.registry import ProviderEntry, Registry

ERROR_TTL = 5.0

logger = logging.getLogger("agentkit.catalog")


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
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.timeout = registry.config.list_timeout
        self.ttl = registry.config.list_cache_ttl
        self._cache: dict[str, Listing] = {}
        self._pending: dict[str, asyncio.Task[Listing]] = {}
        self.chat_models = ChatModels()

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
        task = self._pending.get(provider_id)
        if task is None or refresh:
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
            self.chat_models.forget(provider_id)

    async def _fetch(self, entry: ProviderEntry) -> Listing:
        provider = entry.provider
        assert provider is not None
        try:
            models = await asyncio.wait_for(provider.list_models(), self.timeout)
        except TimeoutError:
            return Listing(
                entry,
                state="error",
                code="upstream_timeout",
                error=f"{entry.name} did not list its models within {self.timeout:g} s.",
                hint="Check that the service is up, or raise AGENTKIT_LIST_TIMEOUT.",
            )
        except Exception as exc:
            error = provider.translate_error(exc) or translate_common(exc)
            if error is None:
                logger.exception("listing %s failed", entry.id)
                error = AgentKitError(f"Listing {entry.name}'s models failed unexpectedly.")
            return Listing(
                entry,
                state="error",
                code=error.code,
                error=self.registry.redact(error.message),
                hint=error.hint and self.registry.redact(error.hint),
            )
        default, notice = provider.choose_default(models)
        return Listing(entry, models=models, notice=notice, default_model=default)
