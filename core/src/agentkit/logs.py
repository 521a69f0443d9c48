"""Structured logging: every record carries the request id, no record carries a secret, and no
record can be forged: control characters in a message (a path with ``%0A``, a header a client
sent) are escaped, so one record is always one line."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
from collections.abc import Callable

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def escape_control(text: str) -> str:
    """``text`` with each control character written as an escape (``\n``, ``\x00``)."""
    return CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode(), text)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` to each record, redacts known secrets from its message and escapes
    its control characters."""

    def __init__(self, redact: Callable[[str], str]) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        message = escape_control(self.redact(record.getMessage()))
        record.msg, record.args = message, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s [%(request_id)s] %(message)s"


CHATTY = ("httpx", "httpcore", "httpx2", "httpcore2")
"""HTTP clients that log every request at INFO: heard from at WARNING, unless debugging."""


def configure_logging(level: str, fmt: str, redact: Callable[[str], str]) -> None:
    """Send every record to stderr in the chosen format, secrets redacted: the host's, uvicorn's,
    the plugins' and their SDKs' (whatever their loggers are called), and Python's warnings (a
    plugin's ``warnings.warn``)."""
    handler = logging.StreamHandler()
    handler.addFilter(RequestContextFilter(redact))
    handler.setFormatter(JSONFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    logging.captureWarnings(True)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("agentkit", "uvicorn", "uvicorn.error", "py.warnings"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.setLevel(logging.NOTSET)
        logger.propagate = True
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.DEBUG if level == "debug" else logging.WARNING)
