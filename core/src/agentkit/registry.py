"""The registry: every provider and agent the loaded plugins contribute, with each provider's state.

A provider is ``ready`` once its settings validate, ``unconfigured`` when a required setting is
missing, and ``error`` when its plugin failed to import, its hook raised, or a setting is invalid.
Problems are recorded, never raised: one broken plugin does not stop the others, whatever it
raises (``SystemExit`` included). A ``register_agents`` hook that fails is recorded in
``agent_errors``, shown by ``GET /agents`` and ``agentkit providers``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import pluggy
from pydantic import ValidationError

from agentkit.agents import Agent, ChatAgent
from agentkit.config import HostConfig
from agentkit.hookspecs import hookimpl
from agentkit.plugins import PluginInfo, load_entry_points, new_plugin_manager, register_module
from agentkit.provider import NotConfigured, Provider
from agentkit.settings import describe_schema, describe_settings, explain_validation_error

State = Literal["ready", "unconfigured", "error"]

logger = logging.getLogger("agentkit.registry")


@dataclass
class ProviderEntry:
    """One provider as the host sees it. ``provider`` is set only when the state is ``ready``."""

    id: str
    name: str
    plugin: PluginInfo
    state: State
    error: str | None = None
    hint: str | None = None
    provider: Provider | None = None
    provider_class: type[Provider] | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "state": self.state,
            "error": self.error,
            "hint": self.hint,
            "package": self.plugin.package,
            "version": self.plugin.version,
            "plugin": self.plugin.name,
        }
        if self.provider is not None:
            data["config"] = describe_settings(self.provider.settings)
        elif self.provider_class is not None:
            data["config"] = {"schema": describe_schema(self.provider_class.Settings)}
        return data


class CorePlugin:
    """The core's own contributions, registered through the same hooks as any plugin."""

    def __init__(self, config: HostConfig) -> None:
        self.config = config

    @hookimpl
    def register_agents(self, register) -> None:
        register(ChatAgent(system_prompt=self.config.system_prompt))


@dataclass
class Registry:
    config: HostConfig
    plugins: list[PluginInfo] = field(default_factory=list)
    providers: dict[str, ProviderEntry] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    agent_errors: list[dict[str, str]] = field(default_factory=list)
    _secrets: list[str] = field(default_factory=list)
    _secret_pattern: re.Pattern[str] | None = None

    @classmethod
    def load(
        cls,
        config: HostConfig | None = None,
        *,
        extra_plugins: Iterable[object] = (),
        entry_points: bool = True,
    ) -> Registry:
        """Load the installed plugins (and ``extra_plugins``, for tests and embedding)."""
        config = config or HostConfig()
        manager = new_plugin_manager()
        registry = cls(config=config)
        register_module(manager, CorePlugin(config), "agentkit-core")
        if entry_points:
            registry.plugins = load_entry_points(
                manager, only=config.plugins, exclude=config.disable_plugins
            )
        for index, plugin in enumerate(extra_plugins):
            name = getattr(plugin, "__name__", f"extra-{index}")
            registry.plugins.append(register_module(manager, plugin, name))
        registry._collect(manager)
        return registry

    def _collect(self, manager: pluggy.PluginManager) -> None:
        infos = {info.name: info for info in self.plugins}
        for info in self.plugins:
            if info.error:
                self._add(
                    ProviderEntry(info.name, info.name, info, "error", info.error, _REINSTALL)
                )
        for impl in manager.hook.register_providers.get_hookimpls():
            info = infos.get(impl.plugin_name) or PluginInfo(impl.plugin_name, "?", "?")
            try:
                impl.function(
                    lambda provider_class, info=info: self._add_provider(provider_class, info)
                )
            except (Exception, SystemExit) as exc:
                message = (
                    f"the plugin's register_providers hook failed: {type(exc).__name__}: {exc}"
                )
                logger.warning("plugin %s: %s", info.name, message)
                self._add(ProviderEntry(info.name, info.name, info, "error", message, _REINSTALL))
        for impl in manager.hook.register_agents.get_hookimpls():
            info = infos.get(impl.plugin_name) or PluginInfo(impl.plugin_name, "?", "?")
            try:
                impl.function(self._add_agent)
            except (Exception, SystemExit) as exc:
                message = f"the plugin's register_agents hook failed: {type(exc).__name__}: {exc}"
                logger.warning("plugin %s: %s", info.name, message)
                self.agent_errors.append(
                    {"plugin": info.name, "package": info.package, "error": message}
                )

    def _add(self, entry: ProviderEntry) -> None:
        if entry.id in self.providers:
            logger.warning(
                "provider %r from %s is already registered by %s; ignoring the second",
                entry.id,
                entry.plugin.package,
                self.providers[entry.id].plugin.package,
            )
            return
        self.providers[entry.id] = entry

    def _add_provider(self, provider_class: type[Provider], info: PluginInfo) -> None:
        entry = ProviderEntry(
            provider_class.id, provider_class.name, info, "ready", provider_class=provider_class
        )
        try:
            entry.provider = provider_class(provider_class.Settings())
        except ValidationError as exc:
            missing, invalid = explain_validation_error(provider_class.Settings, exc)
            entry.state = "error" if invalid else "unconfigured"
            entry.error = "; ".join(invalid or missing)
            entry.hint = "Set it in the environment or in a .env file, then restart AgentKit."
        except NotConfigured as exc:
            entry.state, entry.error = "unconfigured", str(exc)
            entry.hint = "Set it in the environment or in a .env file, then restart AgentKit."
        except (Exception, SystemExit) as exc:
            entry.state = "error"
            entry.error = f"the provider failed to start: {type(exc).__name__}: {exc}"
        if entry.provider is not None:
            self._secrets.extend(entry.provider.secret_values())
        self._add(entry)

    def _add_agent(self, agent: Agent) -> None:
        if agent.id in self.agents:
            logger.warning("agent %s is registered twice; keeping the first", agent.id)
            return
        self.agents[agent.id] = agent

    def provider_modules(self) -> dict[str, str]:
        """Each provider's top-level module and id, to tell whose code is running."""
        return {
            entry.provider_class.__module__.partition(".")[0]: entry.id
            for entry in self.providers.values()
            if entry.provider_class is not None
        }

    def describe(self) -> list[dict[str, Any]]:
        """Every provider as ``GET /providers`` and ``agentkit providers`` show it."""
        described = []
        for entry in self.providers.values():
            data = entry.to_dict()
            data["error"] = data["error"] and self.redact(data["error"])
            described.append(data)
        return described

    def secrets(self) -> list[str]:
        """Every secret value known to the host, longest first (for redaction)."""
        values = list(self._secrets)
        if self.config.api_key is not None:
            values.append(self.config.api_key.get_secret_value())
        return sorted({v for v in values if len(v) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***``."""
        if self._secret_pattern is None:
            secrets = self.secrets()
            self._secret_pattern = re.compile("|".join(map(re.escape, secrets)) or "(?!)")
        return self._secret_pattern.sub("***", text)


_REINSTALL = (
    "Reinstall or upgrade the plugin's package, or disable it with AGENTKIT_DISABLE_PLUGINS."
)
