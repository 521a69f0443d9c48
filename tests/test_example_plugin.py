"""The worked example is what an outside author would have: installed into a fresh virtual
environment next to agentkit-core (not the workspace), its own tests pass with the kit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "openai_compatible"

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_the_example_plugin_passes_its_tests_in_a_fresh_environment(tmp_path):
    frozen = run(
        ["uv", "pip", "freeze", "--exclude-editable", "--python", sys.executable], tmp_path
    )
    assert frozen.returncode == 0, frozen.stderr
    pins = [line for line in frozen.stdout.splitlines() if not line.lower().startswith("agentkit")]
    constraints = tmp_path / "constraints.txt"  # the versions in use here, so nothing downloads
    constraints.write_text("\n".join(pins) + "\n")
    venv = tmp_path / "venv"
    created = run(["uv", "venv", "--quiet", "--python", sys.executable, str(venv)], tmp_path)
    assert created.returncode == 0, created.stderr
    python = str(venv / "bin" / "python")
    install = ["uv", "pip", "install", "--quiet", "--python", python, "--constraint"]
    installed = run(
        [*install, str(constraints), str(REPO / "core"), str(EXAMPLE), "pytest"], tmp_path
    )
    assert installed.returncode == 0, installed.stderr

    result = run([str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider"], EXAMPLE)

    assert result.returncode == 0, f"the example's tests failed:\n{result.stdout}\n{result.stderr}"
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout
