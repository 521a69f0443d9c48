"""Plugin discovery and fault isolation: what ``Registry.load`` makes of the installed plugins."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from agentkit.config import HostConfig
from agentkit.registry import Registry
from tests.plugins_for_tests import (
    BROKEN_IMPORT,
    DUPLICATE,
    FAKE,
    GOOD,
    RAISING_HOOK,
    Package,
    installed,
)

REPO = Path(__file__).resolve().parents[1]
FAKE_KEY = "sk-fake-secret-0123456789"


@pytest.fixture(autouse=True)
def no_fake_settings(monkeypatch):
    """Start every test with the fake provider unconfigured, whatever the outer environment."""
    for name in list(os.environ):
        if name.startswith(("FAKE_", "GOOD_")):
            monkeypatch.delenv(name)


def load(monkeypatch, *packages: Package, **env: str) -> Registry:
    installed(monkeypatch, *packages)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Registry.load(HostConfig())


def states(registry: Registry) -> dict[str, str]:
    return {pid: entry.state for pid, entry in registry.providers.items()}


def test_a_configured_plugin_is_ready(monkeypatch):
    registry = load(monkeypatch, FAKE, GOOD, FAKE_API_KEY=FAKE_KEY)

    assert states(registry) == {"fake": "ready", "good": "ready"}
    fake = registry.providers["fake"]
    assert fake.name == "Fake"
    assert fake.error is None
    assert fake.provider is not None and fake.provider.default_model == "echo"


def test_a_missing_required_setting_makes_the_provider_unconfigured(monkeypatch):
    registry = load(monkeypatch, FAKE, GOOD)

    fake = registry.providers["fake"]
    assert fake.state == "unconfigured"
    assert fake.error == "FAKE_API_KEY is not set"
    assert fake.hint and ".env" in fake.hint
    assert fake.provider is None
    assert registry.providers["good"].state == "ready"


def test_a_required_setting_can_come_from_a_dotenv_file(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(f"FAKE_API_KEY={FAKE_KEY}\n")

    registry = load(monkeypatch, FAKE)

    assert registry.providers["fake"].state == "ready"


def test_an_invalid_setting_is_an_error_naming_the_variable(monkeypatch):
    registry = load(monkeypatch, FAKE, GOOD, FAKE_API_KEY=FAKE_KEY, FAKE_REGION="0")

    fake = registry.providers["fake"]
    assert fake.state == "error"
    assert "FAKE_REGION" in fake.error
    assert "greater than or equal to 1" in fake.error
    assert registry.providers["good"].state == "ready"


def test_a_plugin_that_fails_to_import_is_listed_as_an_error(monkeypatch):
    registry = load(monkeypatch, FAKE, GOOD, BROKEN_IMPORT, FAKE_API_KEY=FAKE_KEY)

    broken = registry.providers["broken-import"]
    assert broken.state == "error"
    assert "failed to import" in broken.error
    assert "some_missing_sdk" in broken.error
    assert "AGENTKIT_DISABLE_PLUGINS" in broken.hint
    assert (broken.plugin.package, broken.plugin.version) == ("agentkit-broken-import", "0.0.1")
    assert states(registry) == {"broken-import": "error", "fake": "ready", "good": "ready"}


def test_a_plugin_whose_hook_raises_is_listed_as_an_error(monkeypatch):
    registry = load(monkeypatch, FAKE, GOOD, RAISING_HOOK, FAKE_API_KEY=FAKE_KEY)

    raising = registry.providers["raising-hook"]
    assert raising.state == "error"
    assert "register_providers" in raising.error
    assert "the provider table is corrupt" in raising.error
    assert raising.plugin.package == "agentkit-raising-hook"
    assert states(registry) == {"fake": "ready", "good": "ready", "raising-hook": "error"}


def test_all_broken_plugins_at_once_leave_the_good_ones_working(monkeypatch):
    registry = load(
        monkeypatch, FAKE, GOOD, BROKEN_IMPORT, RAISING_HOOK, FAKE_API_KEY=FAKE_KEY, FAKE_REGION="0"
    )

    assert states(registry) == {
        "broken-import": "error",
        "fake": "error",
        "good": "ready",
        "raising-hook": "error",
    }
    assert "chat" in registry.agents


def test_a_provider_id_two_packages_register_is_refused_for_both(monkeypatch, caplog):
    caplog.set_level(logging.WARNING, logger="agentkit")

    registry = load(monkeypatch, FAKE, DUPLICATE, FAKE_API_KEY=FAKE_KEY)

    entries = [e for e in registry.providers.values() if e.id == "fake"]
    assert sorted(e.plugin.package for e in entries) == ["agentkit-duplicate", "agentkit-fake"]
    for entry in entries:
        assert entry.state == "error" and entry.provider is None
        assert "agentkit-duplicate" in entry.error and "agentkit-fake" in entry.error
        assert "AGENTKIT_DISABLE_PLUGINS" in entry.hint
    assert registry.providers["fake"].plugin.package == "agentkit-fake"  # first found, refused
    warnings = [r.getMessage() for r in caplog.records if "neither is used" in r.getMessage()]
    assert len(warnings) == 2


def test_disabling_one_of_two_packages_with_one_id_keeps_the_other(monkeypatch):
    registry = load(
        monkeypatch,
        FAKE,
        DUPLICATE,
        FAKE_API_KEY=FAKE_KEY,
        AGENTKIT_DISABLE_PLUGINS="agentkit-duplicate",
    )
    assert registry.providers["fake"].state == "ready"
    assert registry.providers["fake"].plugin.package == "agentkit-fake"


@pytest.mark.parametrize("selector", ["good", "agentkit-good"])
def test_agentkit_plugins_loads_only_the_named_plugins(monkeypatch, selector):
    registry = load(monkeypatch, FAKE, GOOD, BROKEN_IMPORT, AGENTKIT_PLUGINS=selector)

    assert list(registry.providers) == ["good"]
    assert [plugin.name for plugin in registry.plugins] == ["good"]


def test_agentkit_plugins_takes_a_comma_list(monkeypatch):
    registry = load(
        monkeypatch, FAKE, GOOD, BROKEN_IMPORT, AGENTKIT_PLUGINS=" fake , agentkit-good"
    )

    assert sorted(registry.providers) == ["fake", "good"]


@pytest.mark.parametrize("selector", ["broken-import", "agentkit-broken-import"])
def test_agentkit_disable_plugins_skips_the_named_plugins(monkeypatch, selector):
    registry = load(monkeypatch, FAKE, GOOD, BROKEN_IMPORT, AGENTKIT_DISABLE_PLUGINS=selector)

    assert sorted(registry.providers) == ["fake", "good"]
    assert "broken-import" not in [plugin.name for plugin in registry.plugins]


def test_disable_wins_over_allow(monkeypatch):
    registry = load(
        monkeypatch, FAKE, GOOD, AGENTKIT_PLUGINS="fake,good", AGENTKIT_DISABLE_PLUGINS="good"
    )

    assert list(registry.providers) == ["fake"]


def test_each_plugin_is_reported_with_its_distribution_and_version(monkeypatch):
    registry = load(monkeypatch, FAKE, GOOD, BROKEN_IMPORT, FAKE_API_KEY=FAKE_KEY)

    assert sorted((p.name, p.package, p.version, p.error is None) for p in registry.plugins) == [
        ("broken-import", "agentkit-broken-import", "0.0.1", False),
        ("fake", "agentkit-fake", "0.3.0", True),
        ("good", "agentkit-good", "1.2.3", True),
    ]
    reported = {e["id"]: (e["package"], e["version"]) for e in _dicts(registry)}
    assert reported == {
        "broken-import": ("agentkit-broken-import", "0.0.1"),
        "fake": ("agentkit-fake", "0.3.0"),
        "good": ("agentkit-good", "1.2.3"),
    }


def test_no_plugins_installed_means_no_providers_but_the_chat_agent(monkeypatch):
    registry = load(monkeypatch)

    assert registry.providers == {}
    assert registry.plugins == []
    assert list(registry.agents) == ["chat"]


def test_secrets_are_redacted_and_never_reported(monkeypatch):
    registry = load(monkeypatch, FAKE, FAKE_API_KEY=FAKE_KEY, AGENTKIT_API_KEY="host-key-42")

    text = f"Authorization: Bearer host-key-42; upstream said {FAKE_KEY} is wrong"
    assert registry.redact(text) == "Authorization: Bearer ***; upstream said *** is wrong"
    reported = json.dumps(_dicts(registry))
    assert FAKE_KEY not in reported
    assert registry.providers["fake"].to_dict()["config"]["values"]["api_key"] == "set"


@pytest.mark.parametrize("env", [{}, {"FAKE_API_KEY": FAKE_KEY}], ids=["unconfigured", "ready"])
def test_the_reported_settings_name_their_environment_variables(monkeypatch, env):
    """Someone configuring a provider needs the variable names most while it is unconfigured."""
    registry = load(monkeypatch, FAKE, **env)

    properties = registry.providers["fake"].to_dict()["config"]["schema"]["properties"]
    assert {name: spec.get("env") for name, spec in properties.items()} == {
        "api_key": ["FAKE_API_KEY"],
        "model": ["FAKE_MODEL"],
        "region": ["FAKE_REGION"],
    }


def test_very_short_secrets_are_not_redacted_everywhere(monkeypatch):
    """A one-letter "secret" would otherwise turn every message into asterisks."""
    registry = load(monkeypatch, FAKE, FAKE_API_KEY="x")

    assert registry.redact("max tokens exceeded") == "max tokens exceeded"


def test_discovery_does_not_import_provider_sdks(tmp_path):
    """Loading the real workspace plugins must not import their SDKs or LangChain integrations."""
    heavy = [
        "langchain_ollama",
        "langchain_google_genai",
        "langchain_openai",
        "ollama",
        "google.genai",
        "openai",
        "azure.identity",
    ]
    program = (
        "import json, sys\n"
        "import agentkit\n"
        "from agentkit.registry import Registry\n"
        "registry = Registry.load()\n"
        "print(json.dumps({\n"
        "    'plugins': {p.name: p.error for p in registry.plugins},\n"
        f"    'imported': [m for m in {heavy!r} if m in sys.modules],\n"
        "}))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AGENTKIT_", "PYTHON"))}
    result = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
        check=True,
    )
    report = json.loads(result.stdout)

    assert report["imported"] == []
    assert {"ollama", "gemini", "azure-openai"} <= set(report["plugins"])
    for name, module in [
        ("ollama", "agentkit_ollama"),
        ("gemini", "agentkit_gemini"),
        ("azure-openai", "agentkit_azure_openai"),
    ]:
        source = REPO / "plugins" / name.replace("-", "_") / "src" / module / "plugin.py"
        if source.exists():  # plugins written so far must import cleanly
            assert report["plugins"][name] is None, report["plugins"][name]


def _dicts(registry: Registry) -> list[dict]:
    return [entry.to_dict() for entry in registry.providers.values()]


def test_third_party_plugins_are_marked_and_agentkits_own_are_not(monkeypatch):
    first_party = Registry.load(HostConfig(plugins=["ollama", "gemini", "azure-openai"]))
    assert {e.id: e.to_dict()["third_party"] for e in first_party.providers.values()} == {
        "ollama": False,
        "gemini": False,
        "azure-openai": False,
    }
    third_party = load(monkeypatch, FAKE, GOOD)
    assert all(e.to_dict()["third_party"] for e in third_party.providers.values())


def test_a_plugin_selection_that_matches_nothing_says_so(monkeypatch):
    registry = load(monkeypatch, FAKE, GOOD, AGENTKIT_PLUGINS="good,typo")

    assert list(registry.providers) == ["good"]
    assert registry.notices == [
        "AGENTKIT_PLUGINS names 'typo', but no installed plugin matched it."
    ]
