"""The ``agentkit`` command: serve the host, and inspect providers and models from a terminal."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import sys
from typing import Any

import click
from pydantic import ValidationError

import agentkit
from agentkit.config import HostConfig
from agentkit.settings import explain_validation_error


class SettingsError(click.ClickException):
    """A host setting is invalid: one line naming it, exit status 2."""

    exit_code = 2


def _config(**overrides: Any) -> HostConfig:
    """The host settings, or a clear message and exit status 2 when one is invalid."""
    try:
        config = HostConfig()
    except ValidationError as exc:
        missing, invalid = explain_validation_error(HostConfig, exc)
        raise SettingsError("invalid setting: " + "; ".join(invalid + missing)) from None
    return config.model_copy(update={k: v for k, v in overrides.items() if v is not None})


def _registry(config: HostConfig, *, quiet: bool = True, redactor=None):
    """Load the plugins. ``quiet`` keeps load warnings off the terminal: the tables show them."""
    from agentkit.registry import Registry

    if quiet:
        logging.getLogger("agentkit").setLevel(logging.ERROR)
    return Registry.load(config, redactor=redactor)


def _table(rows: list[list[str]], headers: list[str]) -> str:
    """A plain text table that fits the terminal: the last column is cut to the width left."""
    width = shutil.get_terminal_size((120, 24)).columns
    cells = [headers, *rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    room = width - sum(widths[:-1]) - 2 * (len(headers) - 1)
    widths[-1] = max(10, min(widths[-1], room))
    lines = []
    for row in cells:
        last = row[-1] if len(row[-1]) <= widths[-1] else row[-1][: widths[-1] - 1] + "…"
        lines.append(
            "  ".join([*(c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)), last])
        )
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(agentkit.__version__, "-V", "--version", prog_name="agentkit")
def main() -> None:
    """AgentKit: LLM providers as plugins, behind one AG-UI host."""


@main.command()
@click.option("--host", help="Address to bind [AGENTKIT_HOST, default 127.0.0.1].")
@click.option("--port", type=int, help="Port to bind [AGENTKIT_PORT, default 8000].")
@click.option(
    "--log-level",
    type=click.Choice(["debug", "info", "warning", "error"]),
    help="[AGENTKIT_LOG_LEVEL, default info]",
)
def serve(host: str | None, port: int | None, log_level: str | None) -> None:
    """Start the host: the web page at /, the API and the AG-UI chat endpoint."""
    import uvicorn

    from agentkit.app import create_app
    from agentkit.logs import configure_logging
    from agentkit.redaction import Redactor
    from agentkit.security import open_to_any_host

    config = _config(host=host, port=port, log_level=log_level)
    redactor = Redactor()  # the plugins' secrets join it as they load, before anything is logged
    configure_logging(config.log_level, config.log_format, redactor)
    registry = _registry(config, quiet=False, redactor=redactor)
    app = create_app(registry=registry)
    ready = [e.id for e in registry.providers.values() if e.state == "ready"]
    click.echo(
        f"AgentKit {agentkit.__version__} on http://{config.host}:{config.port}  "
        f"providers: {', '.join(ready) or 'none ready (run `agentkit providers`)'}",
        err=True,
    )
    if open_to_any_host(config):
        click.echo(
            f"warning: bound to {config.host} with no AGENTKIT_ALLOWED_HOSTS, so any Host name is "
            "accepted; set AGENTKIT_ALLOWED_HOSTS to the names clients use, and AGENTKIT_API_KEY.",
            err=True,
        )
    uvicorn.run(app, host=config.host, port=config.port, log_config=None, access_log=False)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
def providers(as_json: bool) -> None:
    """List the installed providers and their state. Makes no network call."""
    registry = _registry(_config())
    entries = registry.describe()
    if as_json:
        document = {
            "providers": entries,
            "agent_errors": registry.agent_errors,
            "notices": registry.notices,
        }
        click.echo(json.dumps(document, indent=2))
        return
    if not entries and not registry.notices:
        click.echo("No provider plugins are installed. Try: pip install agentkit-ollama")
    elif entries:
        rows = [
            [
                e["id"],
                e["name"],
                e["package"] + (" *" if e["third_party"] else ""),
                e["version"],
                e["state"],
                e["error"] or "",
            ]
            for e in entries
        ]
        click.echo(_table(rows, ["ID", "NAME", "PACKAGE", "VERSION", "STATE", "REASON"]))
        if any(e["third_party"] for e in entries):
            click.echo("(* third-party plugin: not shipped by AgentKit)")
    for notice in registry.notices:
        click.echo(notice, err=True)
    for problem in registry.agent_errors:
        click.echo(f"{problem['plugin']} ({problem['package']}): {problem['error']}", err=True)


@main.command()
@click.argument("provider", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the GET /models answer).")
def models(provider: str | None, as_json: bool) -> None:
    """List the models of every provider, or of PROVIDER."""
    from agentkit.host import Host

    registry = _registry(_config())
    if provider is not None and provider not in registry.providers:
        known = ", ".join(registry.providers) or "none"
        raise click.UsageError(f"there is no provider {provider!r} (installed: {known})")
    document = asyncio.run(Host(registry).catalog.document(provider))
    if as_json:
        click.echo(json.dumps(document, indent=2))
        return
    defaults = {p["id"]: p["default_model"] for p in document["providers"]}
    rows = [
        [
            m["provider"],
            m["id"] + (" *" if defaults.get(m["provider"]) == m["id"] else ""),
            m["size"] or "",
            ", ".join(m["capabilities"]) + ("" if m["available"] else " (unavailable)"),
        ]
        for m in document["models"]
    ]
    if rows:
        click.echo(_table(rows, ["PROVIDER", "MODEL", "SIZE", "CAPABILITIES"]))
        click.echo("(* default model)")
    for p in document["providers"]:
        if p["state"] != "ready":
            click.echo(f"{p['id']}: {p['state']}: {p['error']}", err=True)
            if p["hint"]:
                click.echo(f"  {p['hint']}", err=True)
        elif p["notice"]:
            click.echo(f"{p['id']}: {p['notice']}", err=True)
    if document["providers"] and all(p["state"] != "ready" for p in document["providers"]):
        sys.exit(1)
