"""The official AG-UI client (``@ag-ui/client``'s ``HttpAgent``, in Node) as a test peer: what an
outside application sees of AgentKit, its verifier included.

``tests/agui_client`` pins the client in a package-lock; ``npm ci`` installs it on first use
(``.ci/run`` does it up front). Without Node the tests that need it are skipped, in CI failed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

FOLDER = Path(__file__).parent / "agui_client"


def ensure_installed() -> None:
    """Install the pinned client once, or skip (fail in CI) when Node is missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        message = "Node.js and npm are needed for the official @ag-ui/client tests"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    if not (FOLDER / "node_modules" / "@ag-ui" / "client").exists():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],
            cwd=FOLDER,
            check=True,
            capture_output=True,
            timeout=300,
        )


def run_agent(
    url: str,
    messages: list[dict[str, Any]],
    forwarded_props: dict[str, Any],
    headers: dict[str, str] | None = None,
    tools: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Run the agent at ``url`` with the official client, offering ``tools``; returns the event
    types it saw (``events``), the events as the client parsed them (``all``), the ``text``, the
    ``reasoning``, RUN_STARTED's ``metadata``, the RUN_ERROR (``error``) and the new messages
    (``newMessages``, with the ``encryptedValue``s it keeps), or ``failed`` with the client's own
    complaint (its verifier rejecting the stream, an HTTP error status)."""
    spec = {
        "messages": messages,
        "forwardedProps": forwarded_props,
        "headers": headers or {},
        "tools": tools or [],
    }
    result = subprocess.run(
        ["node", "run.mjs", url, json.dumps(spec)],
        cwd=FOLDER,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
