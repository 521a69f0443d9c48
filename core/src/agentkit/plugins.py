"""Finding and loading plugins from the ``agentkit`` entry-point group.

Each entry point is loaded on its own, so a plugin that fails to import is recorded with its
error instead of stopping the host. ``AGENTKIT_PLUGINS`` and ``AGENTKIT_DISABLE_PLUGINS`` filter
by entry-point name or distribution name.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from types import ModuleType

import pluggy

from agentkit import hookspecs

ENTRY_POINT_GROUP = "agentkit"

logger = logging.getLogger("agentkit.plugins")


@dataclass
class PluginInfo:
    """A plugin as loaded: where it came from, and the error if it could not be imported."""

    name: str
    package: str
    version: str
    error: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "package": self.package,
            "version": self.version,
            "error": self.error,
        }


def new_plugin_manager() -> pluggy.PluginManager:
    manager = pluggy.PluginManager("agentkit")
    manager.add_hookspecs(hookspecs)
    return manager


def _normalize(name: str) -> str:
    """Compare names as packaging does: case-insensitive, with ``-``, ``_`` and ``.`` alike."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _selected(entry_point: EntryPoint, only: list[str], exclude: list[str]) -> bool:
    names = {_normalize(entry_point.name)}
    if entry_point.dist is not None:
        names.add(_normalize(entry_point.dist.name))
    if only and not names & {_normalize(n) for n in only}:
        return False
    return not names & {_normalize(n) for n in exclude}


def load_entry_points(
    manager: pluggy.PluginManager, *, only: list[str] = (), exclude: list[str] = ()
) -> list[PluginInfo]:
    """Import every selected plugin and register it with ``manager``."""
    loaded = []
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        if not _selected(entry_point, list(only), list(exclude)):
            continue
        dist = entry_point.dist
        info = PluginInfo(
            name=entry_point.name,
            package=dist.name if dist else "?",
            version=dist.version if dist else "?",
        )
        try:
            manager.register(entry_point.load(), name=entry_point.name)
        except (Exception, SystemExit) as exc:  # a plugin's sys.exit() must not stop the host
            info.error = f"the plugin failed to import: {type(exc).__name__}: {exc}"
            logger.warning("plugin %s (%s) failed to import: %s", info.name, info.package, exc)
        loaded.append(info)
    return loaded


def register_module(
    manager: pluggy.PluginManager, module: ModuleType | object, name: str
) -> PluginInfo:
    """Register a plugin object that is not installed as a distribution (the core's own, tests)."""
    manager.register(module, name=name)
    return PluginInfo(name=name, package=getattr(module, "__name__", name), version="-")
