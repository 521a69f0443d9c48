"""The benchmark command keeps working: a quick listing run starts its upstreams and a real host,
prints its table and writes its JSON. (It asserts that figures exist, never what they are.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


def test_a_quick_listing_benchmark_reports_its_figures(tmp_path):
    out = tmp_path / "bench.json"
    command = ["-m", "bench", "--quick", "--only", "listing,memory", "--providers", "ollama"]
    result = subprocess.run(
        [sys.executable, *command, "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr
    assert "| GET /models, warm cache, p50 |" in result.stdout
    figures = json.loads(out.read_text())
    assert figures["listing"]["states"] == {"ollama": "ready"}
    assert figures["listing"]["hanging"]["states"] == {"ollama": "error"}
    assert figures["memory"]["streams_open"] == figures["memory"]["streams"]


def test_the_media_benchmark_reports_every_case():
    result = subprocess.run(
        [sys.executable, "-m", "bench.media", "--turns", "2", "--rounds", "1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    cases = [line.strip().split("  ")[0] for line in result.stdout.splitlines()[1:]]
    assert cases == ["text", "image 1 MB", "image 10 MB", "text x10"]
