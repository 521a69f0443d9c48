"""A real install: AgentKit in a fresh virtual environment discovers a plugin distribution once it
is installed, and forgets it once it is uninstalled."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run ``command`` and return its output; on failure, show what it printed."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr}"
    return result.stdout


def uv(*args: str, cwd: Path) -> str:
    return run(["uv", *args], cwd)


@pytest.fixture
def venv(tmp_path) -> Path:
    """A new virtual environment with only agentkit-core installed, at the versions of the
    dependencies this test run uses (so uv finds them in its cache)."""
    frozen = uv("pip", "freeze", "--exclude-editable", "--python", sys.executable, cwd=tmp_path)
    pins = [line for line in frozen.splitlines() if not line.lower().startswith("agentkit")]
    constraints = tmp_path / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    env_dir = tmp_path / "venv"
    uv("venv", "--quiet", "--python", sys.executable, str(env_dir), cwd=tmp_path)
    install(env_dir, REPO / "core", constraints)
    return env_dir


def install(env_dir: Path, project: Path, constraints: Path | None = None) -> None:
    extra = ["--constraint", str(constraints)] if constraints else []
    python = str(env_dir / "bin" / "python")
    uv("pip", "install", "--quiet", "--python", python, *extra, str(project), cwd=env_dir.parent)


def providers(env_dir: Path, **env: str) -> dict[str, dict]:
    """``agentkit providers --json`` as the venv's own console script prints it, by id."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FAKE_", "VIRTUAL_ENV"))}
    output = run(
        [str(env_dir / "bin" / "agentkit"), "providers", "--json"], env_dir.parent, {**clean, **env}
    )
    return {p["id"]: p for p in json.loads(output)["providers"]}


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

    uv(
        "pip",
        "uninstall",
        "--quiet",
        "--python",
        str(venv / "bin" / "python"),
        "agentkit-fake",
        cwd=venv.parent,
    )
    assert providers(venv) == {}
