"""The worked example is what an outside author would have: installed into a fresh virtual
environment next to agentkit-core (not the workspace), its own tests pass with the kit."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.venvs import fresh_venv, install, run

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "openai_compatible"

pytestmark = pytest.mark.slow


def test_the_example_plugin_passes_its_tests_in_a_fresh_environment(tmp_path):
    venv = fresh_venv(tmp_path)
    install(venv, REPO / "core", EXAMPLE, "pytest")

    result = run([str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider"], EXAMPLE)

    assert result.returncode == 0, f"the example's tests failed:\n{result.stdout}\n{result.stderr}"
    assert " passed" in result.stdout and "skipped" not in result.stdout, result.stdout
