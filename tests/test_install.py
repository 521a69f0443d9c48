"""A real install: AgentKit in a fresh virtual environment discovers a plugin distribution once it
is installed, and forgets it once it is uninstalled."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.venvs import REPO, fresh_venv, install, run

pytestmark = pytest.mark.slow


def output(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``command`` and return its output; on failure, show what it printed."""
    result = run(command, cwd, env, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr}"
    return result.stdout


@pytest.fixture
def venv(tmp_path) -> Path:
    """A new virtual environment with only agentkit-core installed."""
    env_dir = fresh_venv(tmp_path)
    install(env_dir, REPO / "core")
    return env_dir


def providers(env_dir: Path, **env: str) -> dict[str, dict]:
    """``agentkit providers --json`` as the venv's own console script prints it, by id."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "VIRTUAL_ENV"))}
    printed = output(
        [str(env_dir / "bin" / "agentkit"), "providers", "--json"], env_dir.parent, {**clean, **env}
    )
    return {p["id"]: p for p in json.loads(printed)["providers"]}


def test_an_installed_plugin_is_discovered_and_an_uninstalled_one_is_gone(venv):
    assert providers(venv) == {}

    install(venv, REPO / "tests" / "fake_plugin")
    unconfigured = providers(venv)["fake"]
    ready = providers(venv, FAKE_API_KEY="sk-installed")["fake"]

    assert (unconfigured["package"], unconfigured["version"]) == ("agentkit-fake", "0.3.0")
    assert (unconfigured["state"], unconfigured["error"]) == (
        "unconfigured",
        "FAKE_API_KEY is not set",
    )
    assert (ready["package"], ready["state"]) == ("agentkit-fake", "ready")

    python = str(venv / "bin" / "python")
    output(["uv", "pip", "uninstall", "--quiet", "--python", python, "agentkit-fake"], venv.parent)
    assert providers(venv) == {}


def distribution(root: Path, package: str, entry_point: str, provider_id: str) -> Path:
    """A plugin distribution written from scratch: ``package`` registers a provider with id
    ``provider_id`` under the entry-point name ``entry_point``."""
    module = package.replace("-", "_")
    folder = root / package
    (folder / module).mkdir(parents=True)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "{package}"\nversion = "6.6.6"\n'
        f'[project.entry-points.agentkit]\n"{entry_point}" = "{module}"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    )
    (folder / module / "__init__.py").write_text(
        "import agentkit\n\n"
        "class Twin(agentkit.Provider):\n"
        f"    id = {provider_id!r}\n"
        f"    name = 'Twin from {package}'\n\n"
        "@agentkit.hookimpl\n"
        "def register_providers(register):\n"
        "    register(Twin)\n"
    )
    return folder


def test_two_packages_claiming_one_provider_id_or_entry_point_win_nothing(venv, tmp_path):
    install(venv, REPO / "tests" / "fake_plugin")
    install(venv, distribution(tmp_path, "agentkit-twin-a", "twin-a", "twin"))
    install(venv, distribution(tmp_path, "agentkit-twin-b", "twin-b", "twin"))
    install(venv, distribution(tmp_path, "agentkit-squatter", "fake", "squat"))

    listed = json.loads(
        output(
            [str(venv / "bin" / "agentkit"), "providers", "--json"],
            venv.parent,
            {
                **{k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")},
                "FAKE_API_KEY": "sk-installed",
            },
        )
    )["providers"]

    twins = [p for p in listed if p["id"] == "twin"]
    assert sorted(p["package"] for p in twins) == ["agentkit-twin-a", "agentkit-twin-b"]
    for twin in twins:
        assert twin["state"] == "error"
        assert "agentkit-twin-a" in twin["error"] and "agentkit-twin-b" in twin["error"]
        assert "AGENTKIT_DISABLE_PLUGINS" in twin["hint"]
        assert twin["third_party"] is True
    [squatter] = [p for p in listed if p["package"] == "agentkit-squatter"]
    assert squatter["state"] == "error"
    assert "'fake'" in squatter["error"] and "agentkit-fake" in squatter["error"]
    [fake] = [p for p in listed if p["id"] == "fake"]
    assert (fake["package"], fake["state"]) == ("agentkit-fake", "ready")  # it keeps working

    table = output(
        [str(venv / "bin" / "agentkit"), "providers"], venv.parent, {**os.environ, "COLUMNS": "400"}
    )
    assert "agentkit-twin-a *" in table and "neither is used" in table
