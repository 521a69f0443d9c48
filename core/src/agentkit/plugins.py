"""Finding and loading plugins from the ``agentkit`` entry-point group.

Each entry point is loaded on its own, so a plugin that fails to import (or calls ``sys.exit()``)
is recorded with its error instead of stopping the host. ``AGENTKIT_PLUGINS`` and
``AGENTKIT_DISABLE_PLUGINS`` filter by entry-point name or distribution name; a name in
``AGENTKIT_PLUGINS`` that matches nothing installed is reported.

Entry-point names are not unique across distributions, so each plugin is registered under its
distribution and entry-point name together: a package that names its entry point ``ollama`` loads
beside agentkit-ollama instead of knocking it out (the registry then decides who owns the name).
Plugins from AgentKit's own distributions are first-party; every other one is third-party code,
and the host says so wherever it lists plugins.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

import pluggy

from agentkit import hookspecs

ENTRY_POINT_GROUP = "agentkit"

FIRST_PARTY = frozenset(
    {"agentkit-core", "agentkit-ollama", "agentkit-gemini", "agentkit-azure-openai"}
)
"""The distributions AgentKit itself ships."""

logger = logging.getLogger("agentkit.plugins")


@dataclass
class PluginInfo:
    """A plugin as loaded: where it came from, and the error if it could not be imported."""

    name: str
    package: str
    version: str
    error: str | None = None
    key: str = ""
    """The plugin's name in the plugin manager: unique, unlike entry-point names."""

    def __post_init__(self) -> None:
        self.key = self.key or self.name

    @property
    def third_party(self) -> bool:
        return _normalize(self.package) not in FIRST_PARTY

    def to_dict(self) -> dict[str, str | bool | None]:
        return {
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "third_party": self.third_party,
            "error": self.error,
        }


@dataclass
class Loaded:
    """What ``load_entry_points`` found: the plugins, and the ``AGENTKIT_PLUGINS`` names that
    matched none of the installed ones."""

    plugins: list[PluginInfo] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def new_plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("agentkit")
    manager.add_hookspecs(hookspecs)
    return manager


def _normalize(name: str) -> str:
    """Compare names as packaging does: case-insensitive, with ``-``, ``_`` and ``.`` alike."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _names(entry_point: EntryPoint) -> set[str]:
    names = {_normalize(entry_point.name)}
    if entry_point.dist is not None:
        names.add(_normalize(entry_point.dist.name))
    return names


def load_entry_points(
    manager: pluggy.PluginManager, *, only: list[str] = (), exclude: list[str] = ()
) -> Loaded:
    """Import every selected plugin and register it with ``manager``."""
    found = sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name)
    wanted = {_normalize(n): n for n in only}
    excluded = {_normalize(n) for n in exclude}
    installed = set().union(*(_names(e) for e in found)) if found else set()
    loaded = Loaded(unmatched=[name for key, name in wanted.items() if key not in installed])
    for entry_point in found:
        names = _names(entry_point)
        if (wanted and not names & wanted.keys()) or names & excluded:
            continue
        dist = entry_point.dist
        package = dist.name if dist else "?"
        info = PluginInfo(
            name=entry_point.name,
            package=package,
            version=dist.version if dist else "?",
            key=f"{package}:{entry_point.name}",
        )
        try:
            manager.register(entry_point.load(), name=info.key)
        except (Exception, SystemExit) as exc:  # a plugin's sys.exit() must not stop the host
            info.error = f"the plugin failed to import: {type(exc).__name__}: {exc}"
        loaded.plugins.append(info)
    return loaded


def register_module(
    manager: pluggy.PluginManager, module: ModuleType | object, name: str
) -> PluginInfo:
    """Register a plugin object that is not installed as a distribution (the core's own, tests)."""
    manager.register(module, name=name)
    return PluginInfo(name=name, package=getattr(module, "__name__", name), version="-")
