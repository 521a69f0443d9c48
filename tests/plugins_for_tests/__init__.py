"""Small plugins for the registry and CLI tests, and a way to make them look installed.

``installed(monkeypatch, ...)`` replaces the entry points AgentKit discovers with real
``importlib.metadata.EntryPoint`` objects, each belonging to a distribution with a name and a
version, so discovery, filtering and reporting run exactly as for an installed package.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass
from pathlib import Path

import pytest

import agentkit.plugins


@dataclass
class Package:
    """A distribution to pretend is installed: its name, version and ``agentkit`` entry points
    (entry-point name -> module)."""

    name: str
    version: str
    plugins: dict[str, str]


class _Distribution(importlib.metadata.Distribution):
    """A distribution whose metadata lives in memory instead of a ``.dist-info`` folder."""

    def __init__(self, package: Package) -> None:
        entry_points = "\n".join(f"{name} = {module}" for name, module in package.plugins.items())
        self._files = {
            "METADATA": f"Metadata-Version: 2.1\nName: {package.name}\n"
            f"Version: {package.version}\n",
            "entry_points.txt": f"[agentkit]\n{entry_points}\n",
        }

    def read_text(self, filename: str) -> str | None:
        return self._files.get(filename)

    def locate_file(self, path: str) -> Path:
        return Path(path)


FAKE = Package("agentkit-fake", "0.3.0", {"fake": "agentkit_fake"})
GOOD = Package("agentkit-good", "1.2.3", {"good": "tests.plugins_for_tests.good"})
BROKEN_IMPORT = Package(
    "agentkit-broken-import", "0.0.1", {"broken-import": "tests.plugins_for_tests.broken_import"}
)
RAISING_HOOK = Package(
    "agentkit-raising-hook", "0.0.2", {"raising-hook": "tests.plugins_for_tests.raising_hook"}
)
EXITING = Package("agentkit-exiting", "0.0.5", {"exiting": "tests.plugins_for_tests.exiting"})
EXITING_IMPORT = Package(
    "agentkit-exiting-import", "0.0.6", {"exiting-import": "tests.plugins_for_tests.exiting_import"}
)
AGENTS_RAISE = Package(
    "agentkit-agents-raise", "0.0.7", {"agents-raise": "tests.plugins_for_tests.agents_raise"}
)
DUPLICATE = Package(
    "agentkit-duplicate", "0.0.3", {"other-fake": "tests.plugins_for_tests.duplicate"}
)


def installed(monkeypatch: pytest.MonkeyPatch, *packages: Package) -> None:
    """Make ``packages`` the only distributions AgentKit finds in the ``agentkit`` group."""
    points = [point for package in packages for point in _Distribution(package).entry_points]

    def entry_points(**selection: str) -> importlib.metadata.EntryPoints:
        return importlib.metadata.EntryPoints(points).select(**selection)

    monkeypatch.setattr(agentkit.plugins, "entry_points", entry_points)
