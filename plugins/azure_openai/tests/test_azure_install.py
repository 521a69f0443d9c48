"""Separate installation: a fresh virtual environment with only agentkit-core has no Azure
OpenAI; installing plugins/azure_openai adds it, ready against the emulator; uninstalling it
removes it again. No change to the core is involved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit_azure_openai.testing import DEFAULT_KEY

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr}"
    return result.stdout


def uv_pip(venv: Path, *args: str) -> None:
    run(["uv", "pip", *args, "--quiet", "--python", str(venv / "bin" / "python")], venv.parent)


def agentkit(venv: Path, *args: str, **env: str) -> dict:
    """``agentkit ARGS --json`` as the venv's own console script prints it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "VIRTUAL_ENV"))}
    return json.loads(
        run([str(venv / "bin" / "agentkit"), *args, "--json"], venv.parent, {**clean, **env})
    )


def test_the_plugin_installs_and_uninstalls_separately(tmp_path, emulator, emulator_url):
    frozen = run(
        ["uv", "pip", "freeze", "--exclude-editable", "--python", sys.executable], tmp_path
    )
    constraints = tmp_path / "constraints.txt"
    constraints.write_text(
        "\n".join(line for line in frozen.splitlines() if not line.startswith("agentkit")) + "\n"
    )
    venv = tmp_path / "venv"
    run(["uv", "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path)
    uv_pip(venv, "install", "--constraint", str(constraints), str(REPO / "core"))
    env = {
        "AZURE_OPENAI_ENDPOINT": emulator_url,
        "AZURE_OPENAI_API_KEY": DEFAULT_KEY,
        "AZURE_OPENAI_DEPLOYMENT": "chat",
        "AZURE_OPENAI_MODEL": "gpt-4o",
    }

    assert "azure-openai" not in {p["id"] for p in agentkit(venv, "providers", **env)["providers"]}

    uv_pip(
        venv,
        "install",
        "--constraint",
        str(constraints),
        str(REPO / "plugins" / "azure_openai"),
    )
    providers = {p["id"]: p for p in agentkit(venv, "providers", **env)["providers"]}
    entry = providers["azure-openai"]
    assert (entry["package"], entry["state"], entry["error"]) == (
        "agentkit-azure-openai",
        "ready",
        None,
    )
    models = agentkit(venv, "models", "azure-openai", **env)
    assert [(m["id"], m["available"]) for m in models["models"]] == [("chat", True)]
    assert models["providers"][0]["state"] == "ready"
    assert emulator.requests[-1]["path"] == "/openai/deployments"  # it asked the emulator

    uv_pip(venv, "uninstall", "agentkit-azure-openai")
    assert "azure-openai" not in {p["id"] for p in agentkit(venv, "providers", **env)["providers"]}
