"""Explaining settings to people: environment-variable names, missing and invalid values, and a
JSON view of a settings object with secrets hidden (``SecretStr`` values, and credentials inside
any URL)."""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, SecretStr, ValidationError
from pydantic_settings import BaseSettings

from agentkit.redaction import mask_url_credentials


def env_names(settings_class: type[BaseSettings], field_name: str) -> list[str]:
    """The environment variables that set ``field_name``, in order of precedence."""
    field = settings_class.model_fields[field_name]
    alias = field.validation_alias
    if isinstance(alias, str):
        return [alias.upper()]
    if isinstance(alias, AliasChoices):
        return [choice.upper() for choice in alias.choices if isinstance(choice, str)]
    prefix = settings_class.model_config.get("env_prefix", "")
    return [f"{prefix}{field.alias or field_name}".upper()]


def _field_of(settings_class: type[BaseSettings], loc: tuple[Any, ...]) -> str | None:
    """Map an error location (a field name or one of its aliases) back to the field's name."""
    if not loc:
        return None
    first = str(loc[0])
    for name in settings_class.model_fields:
        if first == name or first.upper() in env_names(settings_class, name):
            return name
    return None


def explain_validation_error(
    settings_class: type[BaseSettings], error: ValidationError
) -> tuple[list[str], list[str]]:
    """Split a settings error into (missing-setting messages, invalid-setting messages).

    Messages name environment variables, never values: a value may be a secret.
    """
    missing, invalid = [], []
    for item in error.errors(include_url=False, include_input=False):
        field = _field_of(settings_class, item["loc"])
        names = env_names(settings_class, field) if field else [".".join(map(str, item["loc"]))]
        label = " or ".join(names) if names and names[0] else "a setting"
        if item["type"] == "missing":
            missing.append(f"{label} is not set")
        else:
            invalid.append(f"{label}: {item['msg']}")
    return missing, invalid


def describe_schema(settings_class: type[BaseSettings]) -> dict[str, Any]:
    """The settings' JSON Schema, keyed by field name, each property annotated with the
    environment variables that set it."""
    schema = settings_class.model_json_schema(by_alias=False)
    for name in settings_class.model_fields:
        schema["properties"][name]["env"] = env_names(settings_class, name)
    return schema


def describe_settings(settings: BaseSettings) -> dict[str, Any]:
    """The schema and the current values; secrets appear only as ``"set"`` or ``"unset"``."""
    settings_class = type(settings)
    values: dict[str, Any] = {}
    for name, field in settings_class.model_fields.items():
        value = getattr(settings, name, None)
        secret = isinstance(value, SecretStr) or "SecretStr" in str(field.annotation)
        values[name] = ("set" if value else "unset") if secret else _jsonable(value)
    return {"schema": describe_schema(settings_class), "values": values}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str):
        return mask_url_credentials(value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
