"""Keeping secrets out of everything the host says: HTTP answers, run errors, the CLI and logs.

A :class:`Redactor` knows the secret values (provider keys, ``AGENTKIT_API_KEY``, passwords inside
URL settings and the base64 ``user:password`` form a proxy may echo back) and replaces each with
``***``. Two rules make it hold where text was cut or is unknown:

- a secret's leading part (``PREFIX`` characters or more) is redacted too, wherever it ends: a
  message cut at 200 characters in the middle of a key leaves no usable prefix behind;
- credentials in any URL (``scheme://user:password@host``) are masked, known or not.
"""

from __future__ import annotations

import base64
import re
import threading
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

MASK = "***"
PREFIX = 8
"""The shortest leading part of a secret that is redacted on its own."""

SHORTEST = 4
"""Shorter values are not treated as secrets: redacting them would mangle ordinary words."""

URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)([^/?#@\s]+)@")


class Redactor:
    """Replaces known secrets and URL credentials with ``***``. Secrets can be added while it is
    in use (providers load one after another); it is safe to call from any thread."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self._lock = threading.Lock()
        self.add(secrets)

    def add(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self._secrets.update(s for s in secrets if s and len(s) >= SHORTEST)
            self._pattern = None

    def __call__(self, text: str) -> str:
        pattern = self._pattern
        if pattern is None:
            with self._lock:
                pattern = self._pattern = _pattern(self._secrets)
        return mask_url_credentials(pattern.sub(MASK, text))


def _pattern(secrets: set[str]) -> re.Pattern[str]:
    """One regex for every secret, longest first, each also matching its leading parts."""
    alternatives = [_with_prefixes(s) for s in sorted(secrets, key=len, reverse=True)]
    return re.compile("|".join(alternatives) or "(?!)")


def _with_prefixes(secret: str) -> str:
    """``abcdefghij`` -> ``abcdefgh(?:i(?:j)?)?``: the secret or any leading part of it."""
    if len(secret) <= PREFIX:
        return re.escape(secret)
    tail = ""
    for char in reversed(secret[PREFIX:]):
        tail = f"(?:{re.escape(char)}{tail})?"
    return re.escape(secret[:PREFIX]) + tail


def mask_url_credentials(text: str) -> str:
    """``https://user:pw@host`` -> ``https://user:***@host``; a lone user part (often a token)
    becomes ``***``."""
    return URL_CREDENTIALS.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    user, colon, _ = match.group(2).partition(":")
    return f"{match.group(1)}{user}:{MASK}@" if colon else f"{match.group(1)}{MASK}@"


def url_secrets(value: str) -> list[str]:
    """The secrets inside a URL setting: its password (as written and decoded), a lone user
    part, and the base64 ``user:password`` an HTTP client sends for them (Basic auth)."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return []
    if not parts.scheme or "@" not in parts.netloc:
        return []
    user, password = parts.username or "", parts.password
    if password is None:
        return [user, unquote(user)]
    found = [password, unquote(password)]
    for pair in {f"{user}:{password}", f"{unquote(user)}:{unquote(password)}"}:
        encoded = base64.b64encode(pair.encode()).decode()
        found += [encoded, encoded.rstrip("=")]
    return found
