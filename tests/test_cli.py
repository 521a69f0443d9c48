"""The ``agentkit`` command, run in-process with the fake provider installed."""

from __future__ import annotations

import json
import logging
import re
from importlib.metadata import version

import httpx
import pytest
from click.testing import CliRunner

import agentkit
from agentkit.cli import main
from tests.plugins_for_tests import BROKEN_IMPORT, FAKE, GOOD, installed


@pytest.fixture(autouse=True)
def terminal(monkeypatch):
    """A known terminal width, and the ``agentkit`` log level put back after the CLI quietens
    it, so later tests still see the warnings."""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("FAKE_API_KEY", raising=False)
    logger = logging.getLogger("agentkit")
    level = logger.level
    yield
    logger.setLevel(level)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def table(text: str) -> list[list[str]]:
    """The rows of a table printed by the CLI, header first, without the ruler line."""
    lines = [line for line in text.splitlines() if line and not set(line) <= {"-", " "}]
    return [re.split(r"\s{2,}", line.strip()) for line in lines]


def test_version():
    result = run("--version")

    assert result.exit_code == 0
    assert result.output == f"agentkit, version {version('agentkit-core')}\n"
    assert agentkit.__version__ == version("agentkit-core")


def test_providers_table_shows_each_plugin_with_its_package_version_and_state(monkeypatch):
    installed(monkeypatch, FAKE, GOOD, BROKEN_IMPORT)

    result = run("providers")

    assert result.exit_code == 0, result.output
    rows = table(result.stdout)
    assert rows[0] == ["ID", "NAME", "PACKAGE", "VERSION", "STATE", "REASON"]
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["fake"] == [
        "fake",
        "Fake",
        "agentkit-fake *",
        "0.3.0",
        "unconfigured",
        "FAKE_API_KEY is not set",
    ]
    assert by_id["good"] == ["good", "Good", "agentkit-good *", "1.2.3", "ready"]
    assert by_id["broken-import"][2:5] == ["agentkit-broken-import *", "0.0.1", "error"]
    assert "(* third-party plugin: not shipped by AgentKit)" in result.stdout
    assert "failed to import" in by_id["broken-import"][5]


def test_providers_table_fits_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")
    installed(monkeypatch, FAKE, BROKEN_IMPORT)

    result = run("providers")

    assert result.exit_code == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 100
    assert "…" in result.stdout


def test_providers_json_is_a_document_for_scripts(monkeypatch):
    installed(monkeypatch, FAKE, BROKEN_IMPORT)
    monkeypatch.setenv("FAKE_API_KEY", "sk-do-not-print-me")

    result = run("providers", "--json")

    assert result.exit_code == 0
    document = json.loads(result.stdout)
    by_id = {p["id"]: p for p in document["providers"]}
    assert {k: by_id["fake"][k] for k in ("name", "package", "version", "state", "error")} == {
        "name": "Fake",
        "package": "agentkit-fake",
        "version": "0.3.0",
        "state": "ready",
        "error": None,
    }
    assert by_id["fake"]["config"]["values"]["api_key"] == "set"
    assert by_id["broken-import"]["state"] == "error"
    assert "sk-do-not-print-me" not in result.output


def test_providers_without_plugins_says_what_to_install(monkeypatch):
    installed(monkeypatch)

    result = run("providers")

    assert result.exit_code == 0
    assert "No provider plugins are installed" in result.output
    document = json.loads(run("providers", "--json").stdout)
    assert document == {"providers": [], "agent_errors": [], "notices": []}


def test_a_plugin_selection_that_matches_nothing_is_not_called_an_empty_install(monkeypatch):
    installed(monkeypatch, FAKE, GOOD)
    monkeypatch.setenv("AGENTKIT_PLUGINS", "typo")

    result = run("providers")

    assert "No provider plugins are installed" not in result.output
    assert "AGENTKIT_PLUGINS names 'typo', but no installed plugin matched it." in result.output


def test_models_table_marks_the_default_model(monkeypatch, script):
    installed(monkeypatch, FAKE)

    result = run("models")

    assert result.exit_code == 0, result.output
    rows = table(result.stdout)
    assert rows[0] == ["PROVIDER", "MODEL", "SIZE", "CAPABILITIES"]
    assert rows[1:3] == [["fake", "echo *", "1 KB"], ["fake", "big"]]
    assert "(* default model)" in result.stdout


def test_models_json_is_the_get_models_document(monkeypatch, script, host):
    installed(monkeypatch, FAKE)
    base = host()

    everything = run("models", "--json")
    one = run("models", "fake", "--json")

    assert everything.exit_code == 0 and one.exit_code == 0
    assert json.loads(everything.stdout) == httpx.get(f"{base}/models").json()
    assert json.loads(one.stdout) == httpx.get(f"{base}/models/fake").json()
    assert [m["id"] for m in json.loads(one.stdout)["models"]] == ["echo", "big"]


def test_models_of_an_unknown_provider_is_a_usage_error(monkeypatch):
    installed(monkeypatch, FAKE)

    result = run("models", "nope")

    assert result.exit_code == 2
    assert "there is no provider 'nope' (installed: fake)" in result.output


def test_models_explains_a_provider_that_is_not_ready(monkeypatch):
    installed(monkeypatch, FAKE)

    result = run("models")

    assert result.exit_code == 1
    assert "fake: unconfigured: FAKE_API_KEY is not set" in result.stderr
    assert "FAKE_API_KEY" not in result.stdout


def test_models_reports_a_failed_listing_and_still_lists_the_others(monkeypatch, script):
    installed(monkeypatch, FAKE, GOOD)
    script.list_error = agentkit.UpstreamUnavailable(
        "The fake service could not be reached.", hint="Start it."
    )

    result = run("models")

    assert result.exit_code == 0
    assert table(result.stdout)[1] == ["good", "good-1 *"]
    assert "fake: error: The fake service could not be reached." in result.stderr
    assert "Start it." in result.stderr


@pytest.mark.parametrize("command", [["providers"], ["models", "--json"]])
def test_an_invalid_host_setting_is_one_line_naming_it(monkeypatch, command):
    installed(monkeypatch, FAKE)
    monkeypatch.setenv("AGENTKIT_PORT", "abc")

    result = run(*command)

    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0, result.output
    assert "AGENTKIT_PORT" in result.output
    assert "abc" not in result.output  # a value may be a secret: name the variable only
