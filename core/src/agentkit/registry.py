"""The registry: every provider and agent the loaded plugins contribute, with each provider's state.

A provider is ``ready`` once its settings validate, ``unconfigured`` when a required setting is
missing, and ``error`` when its plugin failed to import, its hook raised, or a setting is invalid.
Problems are recorded, never raised: one broken plugin does not stop the others, whatever it
raises (``SystemExit`` included). A ``register_agents`` hook that fails is recorded in
``agent_errors``, shown by ``GET /agents`` and ``agentkit providers``.

Nobody wins silently: a provider id registered by two packages leaves both in ``error``, with a
reason naming both and how to keep one; and a package whose entry point takes the name of another
plugin (the name of the provider that plugin registers) is in ``error`` while the other keeps
working. Problems found while loading are logged once loading is done, when every secret is known
to the redactor.
"""

from __future__ import annotations

import logging
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
from agentkit.redaction import Redactor
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
            "third_party": self.plugin.third_party,
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
    """Every provider entry, by id; an entry whose id another already holds (a conflict, or a
    plugin that failed before registering anything) is kept under ``id@package``."""
    agents: dict[str, Agent] = field(default_factory=dict)
    agent_errors: list[dict[str, str]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Things about the plugin selection a user should know (an AGENTKIT_PLUGINS name that
    matched nothing)."""
    redactor: Redactor = field(default_factory=Redactor)
    _problems: list[str] = field(default_factory=list)

    @classmethod
    def load(
        cls,
        config: HostConfig | None = None,
        *,
        extra_plugins: Iterable[object] = (),
        entry_points: bool = True,
        redactor: Redactor | None = None,
    ) -> Registry:
        """Load the installed plugins (and ``extra_plugins``, for tests and embedding). Every
        secret the providers hold is added to ``redactor`` (the one the logs use, when given)."""
        config = config or HostConfig()
        manager = new_plugin_manager()
        registry = cls(config=config, redactor=redactor or Redactor())
        if config.api_key is not None:
            registry.redactor.add([config.api_key.get_secret_value()])
        register_module(manager, CorePlugin(config), "agentkit-core")
        if entry_points:
            loaded = load_entry_points(manager, only=config.plugins, exclude=config.disable_plugins)
            registry.plugins = loaded.plugins
            registry.notices += [
                f"AGENTKIT_PLUGINS names {name!r}, but no installed plugin matched it."
                for name in loaded.unmatched
            ]
        for index, plugin in enumerate(extra_plugins):
            name = getattr(plugin, "__name__", f"extra-{index}")
            registry.plugins.append(register_module(manager, plugin, name))
        registry._collect(manager)
        for problem in registry.notices + registry._problems:
            logger.warning("%s", problem)
        return registry

    def _collect(self, manager: pluggy.PluginManager) -> None:
        infos = {info.key: info for info in self.plugins}
        failed = [
            ProviderEntry(info.name, info.name, info, "error", info.error)
            for info in self.plugins
            if info.error
        ]
        registered: list[ProviderEntry] = []
        for impl in manager.hook.register_providers.get_hookimpls():
            info = infos.get(impl.plugin_name) or PluginInfo(impl.plugin_name, "?", "?")
            try:
                impl.function(
                    lambda provider_class, info=info: registered.append(
                        self._start(provider_class, info)
                    )
                )
            except (Exception, SystemExit) as exc:
                message = (
                    f"the plugin's register_providers hook failed: {type(exc).__name__}: {exc}"
                )
                failed.append(ProviderEntry(info.name, info.name, info, "error", message))
        self._settle(registered)
        for entry in failed:  # after the providers: a failed plugin never takes a provider's id
            entry.hint = _REINSTALL
            self._problems.append(
                f"plugin {entry.plugin.name} ({entry.plugin.package}): {entry.error}"
            )
            self._put(entry)
        for impl in manager.hook.register_agents.get_hookimpls():
            info = infos.get(impl.plugin_name) or PluginInfo(impl.plugin_name, "?", "?")
            try:
                impl.function(self._add_agent)
            except (Exception, SystemExit) as exc:
                message = f"the plugin's register_agents hook failed: {type(exc).__name__}: {exc}"
                self._problems.append(f"plugin {info.name} ({info.package}): {message}")
                self.agent_errors.append(
                    {"plugin": info.name, "package": info.package, "error": message}
                )

    def _start(self, provider_class: type[Provider], info: PluginInfo) -> ProviderEntry:
        """The entry for a registered provider class, started with its settings."""
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
            self.redactor.add(entry.provider.secret_values())
        return entry

    def _settle(self, registered: list[ProviderEntry]) -> None:
        """Add the registered providers, refusing every id and entry-point name that two
        packages claim."""
        packages_of: dict[str, list[str]] = {}
        for entry in registered:
            packages = packages_of.setdefault(entry.id, [])
            if entry.plugin.package not in packages:
                packages.append(entry.plugin.package)
        refused = {pid: packages for pid, packages in packages_of.items() if len(packages) > 1}
        impostors = self._entry_point_impostors(registered)
        kept: set[tuple[str, str]] = set()
        for entry in registered:
            if entry.id in refused:
                others = [p for p in refused[entry.id] if p != entry.plugin.package]
                _refuse(
                    entry,
                    f"the provider id {entry.id!r} is registered by both {entry.plugin.package} "
                    f"and {', '.join(others)}, so neither is used.",
                    f"Keep the one you trust: AGENTKIT_DISABLE_PLUGINS={others[0]} (or "
                    f"{entry.plugin.package}), or uninstall the other package.",
                )
            elif entry.plugin.key in impostors:
                owner = impostors[entry.plugin.key]
                _refuse(
                    entry,
                    f"its entry point is named {entry.plugin.name!r}, the name of the plugin "
                    f"{owner} provides; it is not loaded in its place.",
                    f"Uninstall {entry.plugin.package} if you did not mean to install it, or "
                    f"disable it with AGENTKIT_DISABLE_PLUGINS={entry.plugin.package}.",
                )
            elif (entry.id, entry.plugin.package) in kept:
                continue  # one package registering one provider twice: the first counts
            kept.add((entry.id, entry.plugin.package))
            if entry.state == "error":
                self._problems.append(
                    f"provider {entry.id!r} ({entry.plugin.package}): {entry.error}"
                )
            self._put(entry)

    def _entry_point_impostors(self, registered: list[ProviderEntry]) -> dict[str, str]:
        """Plugins (by key) whose entry-point name another package also uses, and that package:
        the name belongs to the package that registers a provider of that id."""
        claimants: dict[str, list[PluginInfo]] = {}
        for info in self.plugins:
            claimants.setdefault(info.name, []).append(info)
        impostors: dict[str, str] = {}
        for name, infos in claimants.items():
            if len({info.package for info in infos}) < 2:
                continue
            owners = {e.plugin.package for e in registered if e.id == name}
            owner = next(iter(owners)) if len(owners) == 1 else None
            for info in infos:
                if info.package != owner:
                    impostors[info.key] = owner or ", ".join(
                        i.package for i in infos if i is not info
                    )
        return impostors

    def _put(self, entry: ProviderEntry) -> None:
        key = entry.id if entry.id not in self.providers else f"{entry.id}@{entry.plugin.package}"
        self.providers[key] = entry

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

    def redact(self, text: str) -> str:
        """``text`` with every known secret, and any credentials in a URL, replaced by ``***``."""
        return self.redactor(text)


def _refuse(entry: ProviderEntry, reason: str, hint: str) -> None:
    entry.state, entry.error, entry.hint, entry.provider = "error", reason, hint, None


_REINSTALL = (
    "Reinstall or upgrade the plugin's package, or disable it with AGENTKIT_DISABLE_PLUGINS."
)
