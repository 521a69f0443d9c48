"""Fresh virtual environments for the tests that install real distributions, as a user would,
with the versions this test run uses pinned so that nothing is downloaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300):
    """Run ``command``; returns the completed process (check ``returncode`` yourself)."""
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


def fresh_venv(root: Path) -> Path:
    """A new virtual environment in ``root``, with ``root/constraints.txt`` pinning every
    package this run uses except AgentKit's own."""
    frozen = run(["uv", "pip", "freeze", "--exclude-editable", "--python", sys.executable], root)
    assert frozen.returncode == 0, frozen.stderr
    pins = [line for line in frozen.stdout.splitlines() if not line.lower().startswith("agentkit")]
    (root / "constraints.txt").write_text("\n".join(pins) + "\n")
    venv = root / "venv"
    created = run(["uv", "venv", "--quiet", "--python", sys.executable, str(venv)], root)
    assert created.returncode == 0, created.stderr
    return venv


def install(venv: Path, *projects: str | Path) -> None:
    """``uv pip install`` ``projects`` (paths, or ``-e``/``path[extra]`` arguments) into ``venv``
    under its constraints."""
    constraints = venv.parent / "constraints.txt"
    command = ["uv", "pip", "install", "--quiet", "--python", str(venv / "bin" / "python")]
    command += ["--constraint", str(constraints), *map(str, projects)]
    installed = run(command, venv.parent)
    assert installed.returncode == 0, installed.stderr
