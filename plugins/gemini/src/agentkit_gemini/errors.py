"""What only Gemini says: a rejected key (HTTP 400 with reason ``API_KEY_INVALID``), how long to
wait (``google.rpc.RetryInfo``), a conversation whose tool calls lost their thought signatures
(HTTP 400, worded with what to send back), media Gemini refuses (a type it does not take, a
modality the model lacks, a request over its size limit, a Files API file it cannot find: HTTP
400 or 403, worded with what to do), and blocked prompts and answers. The rest (403, 404,
429, context overflow, 5xx, 504, transport errors) is the host's generic mapping, worded with the
hints ``GeminiProvider`` declares.

Gemini reports errors as ``{"error": {"code", "message", "status", "details"}}``: google-genai's
``APIError`` (``.code``, ``.details`` the whole body) in a chat, httpx's ``HTTPStatusError`` in a
listing; ``agentkit.translation.error_answer`` finds either. Blocked prompts and answers are not
errors on the wire: they arrive as chunks whose metadata says so, and :func:`check_chunk` turns
those into ``ContentFiltered``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agentkit import AgentKitError, AuthFailed, ContentFiltered, InvalidRequest, from_response
from agentkit.translation import error_answer, read_error_body

if TYPE_CHECKING:
    from agentkit import Provider

KEY_HINT = (
    "Check GEMINI_API_KEY (or GOOGLE_API_KEY); you can create a key at "
    "https://aistudio.google.com/apikey."
)
SIGNATURE_HINT = (
    "Gemini wants each tool call's thought signature back: send the assistant messages and tool "
    "calls of the conversation with the encryptedValue AgentKit streamed, unchanged."
)
MISSING_FILE = "permission to access the File"
"""Gemini's 403 for a ``fileData`` URI it has no file for: "You do not have permission to access
the File abc123 or it may not exist." (files last 48 hours, and belong to one project)."""
FILE_HINT = (
    "Files uploaded to the Gemini Files API are kept 48 hours, for the project of the key that "
    "uploaded them: upload the file again with this key, or send its data instead."
)
MEDIA_HINTS = {
    "Unsupported MIME type": (
        "Gemini takes images as PNG, JPEG, WebP, HEIC or HEIF; audio as WAV, MP3 (audio/mp3), "
        "AIFF, AAC, OGG or FLAC; video as MP4, MPEG, MOV, AVI, FLV, MPG, WebM, WMV or 3GPP; "
        "documents as PDF or text. Convert the file, or correct its mimeType."
    ),
    "input modality is not enabled": (
        "This model cannot take that kind of media; pick a model whose capabilities include it "
        "(GET /models), or leave the part out."
    ),
    "Request payload size exceeds the limit": (
        "Send fewer or smaller files, or upload large ones to the Gemini Files API and send the "
        "file's uri as a file source."
    ),
    "not in an ACTIVE state": (
        "Gemini is still processing the uploaded file; wait until its state is ACTIVE and "
        "send the message again."
    ),
    "Invalid or unsupported file uri": (
        "A file source for Gemini is a file of its Files API, by name (files/abc123) or uri "
        "(https://generativelanguage.googleapis.com/v1beta/files/abc123); send a web address as "
        "a url source instead."
    ),
}
"""Hints for Gemini's own errors about media, by a phrase of its message."""

BLOCKING_FINISH_REASONS = frozenset(
    {"SAFETY", "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION", "IMAGE_SAFETY"}
)


def translate_error(exc: BaseException, provider: Provider) -> AgentKitError | None:
    """Gemini's own errors; ``None`` for the host's generic mapping."""
    answer = error_answer(exc)
    if answer is None:
        return None
    message, _ = read_error_body(answer.body)
    details = _details(answer.body)
    if any(d.get("reason") == "API_KEY_INVALID" for d in details):
        return AuthFailed(
            f"Gemini says the API key was rejected: {message}",
            hint=KEY_HINT,
            status_code=answer.status,
        )
    if answer.status == 403 and MISSING_FILE in message:
        return InvalidRequest(
            f"Gemini cannot read a file of the conversation: {message}",
            hint=FILE_HINT,
            status_code=answer.status,
        )
    error = from_response(answer.status, answer.body, answer.headers, provider)
    if answer.status == 400 and "thought signature" in message.replace("_", " ").lower():
        error.hint = SIGNATURE_HINT
    if answer.status == 400:
        error.hint = next((h for p, h in MEDIA_HINTS.items() if p in message), error.hint)
    if error.retry_after is None:
        error.retry_after = _retry_delay(details)
    return error


def check_chunk(metadata: Mapping[str, Any]) -> None:
    """Raise ``ContentFiltered`` when a chunk's response metadata says Gemini blocked the prompt
    (``prompt_feedback.block_reason``) or the answer (a blocking ``finish_reason``)."""
    feedback = metadata.get("prompt_feedback") or {}
    block_reason = _name(feedback.get("block_reason"))
    if block_reason and block_reason != "BLOCKED_REASON_UNSPECIFIED":
        detail = feedback.get("block_reason_message") or _blocked_categories(
            feedback.get("safety_ratings")
        )
        raise ContentFiltered(
            f"Gemini blocked the prompt ({_with_detail(block_reason, detail)}).",
            hint="Rephrase the message; Gemini's safety filter did not accept it.",
        )
    finish_reason = _name(metadata.get("finish_reason"))
    if finish_reason in BLOCKING_FINISH_REASONS:
        detail = metadata.get("finish_message") or _blocked_categories(
            metadata.get("safety_ratings")
        )
        raise ContentFiltered(
            f"Gemini blocked the answer ({_with_detail(finish_reason, detail)}).",
            hint="Rephrase the request; Gemini's safety filter stopped the answer.",
        )


def _details(body: Any) -> list[dict[str, Any]]:
    """The ``details`` of Google's error envelope (``google.rpc`` messages)."""
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return []
    error = body.get("error") if isinstance(body, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    return [d for d in details or [] if isinstance(d, dict)]


def _retry_delay(details: list[dict[str, Any]]) -> float | None:
    """Google's ``RetryInfo.retryDelay`` ("1.5s"), sent instead of a Retry-After header."""
    for detail in details:
        if str(detail.get("@type", "")).endswith("RetryInfo"):
            match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)s\s*", str(detail.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def _name(value: Any) -> str | None:
    """An enum's value or a plain string (google-genai hands back enums in metadata)."""
    if value is None:
        return None
    return str(getattr(value, "value", value)) or None


def _blocked_categories(ratings: Any) -> str | None:
    blocked = [
        _name(r.get("category")) for r in ratings or [] if isinstance(r, dict) and r.get("blocked")
    ]
    return ", ".join(c for c in blocked if c) or None


def _with_detail(reason: str, detail: str | None) -> str:
    return f"{reason}: {detail}" if detail else reason
