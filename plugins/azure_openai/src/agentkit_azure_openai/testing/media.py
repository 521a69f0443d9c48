"""Media, as each API takes it, and which models take it.

Chat completions take ``image_url`` parts (an http(s) URL the service downloads, or a base64 data
URL of a PNG, JPEG, GIF or WebP image) and ``input_audio`` parts (base64 wav or mp3, the bytes
being what ``format`` says) in user messages only, and refuse ``file`` parts whatever the model
("Invalid Value: 'file'. This model does not support file content types."). The Responses API
takes ``input_image`` and ``input_file`` (a PDF as a base64 data URL with its ``filename``, or the
id of an uploaded file), and no ``input_audio``. A model without vision given an image gets
"Invalid content type. image_url is only supported by certain models."; only vision models take
PDFs; only the audio models (gpt-4o-audio-preview and the like, from API version
2025-01-01-preview on) take audio, and they need audio in the input or the output modalities.

First what the models take and the checks of a single part, then :class:`MediaChecks`, which
walks a request's messages or input items.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from starlette.responses import JSONResponse, Response

from agentkit_azure_openai.testing.resource import AzureResource
from agentkit_azure_openai.testing.wire import _listed, error_body, invalid_request

VISION = re.compile(
    r"^(gpt-4o(?!-(mini-)?(audio|realtime))|gpt-4\.1|gpt-4\.5|gpt-5|o1(?!-mini|-preview)"
    r"|o3(?!-mini)|o4-mini)([-.]|$)"
)
"""Azure's vision-enabled models: "the o-series reasoning models, GPT-5 series, GPT-4.1 series,
GPT-4.5, GPT-4o series" (how-to/gpt-with-vision.md), less those without (o1-mini, o3-mini, the
audio models), and gpt-4 version turbo-2024-04-09 (see :func:`sees`)."""

AUDIO = re.compile(r"^(gpt-4o-audio-preview|gpt-4o-mini-audio-preview|gpt-audio)([-.]|$)")
"""The models that take ``input_audio`` (includes/audio-completions-intro.md)."""

AUDIO_MIN_VERSION = "2025-01-01-preview"
""""Support for audio completions was first added in API version 2025-01-01-preview"."""

CHAT_PARTS: dict[str, tuple[str, ...]] = {
    "user": ("text", "image_url", "input_audio", "file"),
    "assistant": ("text", "refusal"),
}
"""The content parts each chat completions role takes (any other role: text only)."""

RESPONSES_PARTS = (
    "input_text",
    "input_image",
    "output_text",
    "refusal",
    "input_file",
    "computer_screenshot",
    "summary_text",
)
"""The content part types of Responses input items, as the service lists them when refusing
another ("Invalid value: 'input_audio'. Supported values are: ...")."""

IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp")
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")


def sees(target: dict[str, Any]) -> bool:
    """Whether the deployment's model takes images (and PDFs, on the Responses API)."""
    model, version = target["model"], target.get("version")
    return bool(VISION.match(model)) or (model == "gpt-4" and version == "turbo-2024-04-09")


def hears(model: str) -> bool:
    """Whether ``model`` takes audio input."""
    return bool(AUDIO.match(model))


def _unseen(target: dict[str, Any], i: int, j: int, field: str = "messages") -> Response | None:
    """A model without vision given an image: OpenAI's answer, with its dotted ``param``."""
    if sees(target):
        return None
    return invalid_request(
        "Invalid content type. image_url is only supported by certain models.",
        f"{field}.[{i}].content.[{j}].type",
    )


def _unseen_file(target: dict[str, Any], where: str) -> Response | None:
    """A model without vision given a PDF ("Only models that support both text and image inputs
    ... can accept PDF files as input")."""
    if sees(target):
        return None
    return invalid_request(
        "Invalid Value: 'file'. This model does not support file content types.",
        f"{where}.type",
        "invalid_value",
    )


def _audio_problem(model: str, part: dict[str, Any], i: int, j: int) -> Response | None:
    """What chat completions answer an ``input_audio`` part: only audio models take it, as base64
    wav or mp3 whose bytes are what ``format`` says."""
    if not hears(model):
        return invalid_request(
            "Invalid content type. input_audio is only supported by certain models.",
            f"messages.[{i}].content.[{j}].type",
        )
    where = f"messages[{i}].content[{j}].input_audio"
    audio = part.get("input_audio") if isinstance(part.get("input_audio"), dict) else {}
    audio_format = audio.get("format")
    if audio_format not in ("wav", "mp3"):
        return invalid_request(
            f"Invalid value: '{audio_format}'. Supported values are: 'wav' and 'mp3'.",
            f"{where}.format",
            "invalid_value",
        )
    try:
        data = base64.b64decode(str(audio.get("data") or ""), validate=True)
    except ValueError:
        data = b""
    if not data:
        return invalid_request(
            f"Invalid '{where}.data'. Expected base64-encoded audio data.",
            f"{where}.data",
            "invalid_value",
        )
    if _audio_format(data) != audio_format:
        return invalid_request(
            "This model does not support the format you provided.", "messages", "unsupported_format"
        )
    return None


def _audio_format(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "wav"
    if data[:3] == b"ID3" or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


def _webp(data: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


def _data_url(url: Any, types: tuple[str, ...]) -> tuple[bytes, None] | tuple[None, str]:
    """The bytes of a base64 data URL of one of the MIME ``types``, or what is wrong with it as
    the service words it (the end of its "... but got " sentence)."""
    if not isinstance(url, str) or not url.startswith("data:"):
        return None, "a value without the 'data:' prefix."
    header, comma, payload = url[len("data:") :].partition(",")
    mime, _, encoding = header.partition(";")
    if not comma or encoding != "base64":
        return None, "a value without the ';base64' separator."
    if mime.lower() not in types:
        return None, f"unsupported MIME type '{mime}'."
    try:
        data = base64.b64decode(payload, validate=True)
    except ValueError:
        return None, "an invalid base64-encoded value."
    if not data:
        return None, "empty base64-encoded bytes."
    return data, None


def _missing(param: str) -> Response:
    return invalid_request(
        f"Missing required parameter: '{param}'.", param, "missing_required_parameter"
    )


class MediaChecks(AzureResource):
    """The media checks of both APIs. They are methods because they read two knobs of the
    emulator: ``unreachable_urls`` (image URLs the service fails to download) and ``files`` (ids
    of uploaded files)."""

    def _chat_media_problem(
        self, target: dict[str, Any], body: dict[str, Any], api_version: str | None
    ) -> Response | None:
        """What chat completions answer content parts the deployment's model or the API cannot
        take: only user messages carry media (``image_url``, ``input_audio``); ``file`` parts
        are refused whatever the model; an audio model needs audio in or out."""
        model = target["model"]
        heard = False
        if hears(model) and api_version is not None and api_version < AUDIO_MIN_VERSION:
            return JSONResponse(
                error_body(
                    "BadRequest",
                    "Model {modelName} is enabled only for api versions "
                    f"{AUDIO_MIN_VERSION} and later",
                ),
                400,
            )
        for i, message in enumerate(body["messages"]):
            parts = message.get("content") if isinstance(message, dict) else None
            if not isinstance(parts, list):
                continue
            allowed = CHAT_PARTS.get(message.get("role"), ("text",))
            for j, part in enumerate(parts):
                where = f"messages[{i}].content[{j}]"
                kind = part.get("type") if isinstance(part, dict) else None
                if kind not in allowed:
                    return invalid_request(
                        f"Invalid value: '{kind}'. Supported values are: {_listed(allowed)}.",
                        f"{where}.type",
                        "invalid_value",
                    )
                heard = heard or kind == "input_audio"
                problem = self._chat_part_problem(target, part, i, j)
                if problem is not None:
                    return problem
        if hears(model) and not heard and "audio" not in (body.get("modalities") or []):
            return invalid_request(
                "This model requires that either input content or output modality contain audio.",
                "model",
                "invalid_value",
            )
        return None

    def _chat_part_problem(
        self, target: dict[str, Any], part: dict[str, Any], i: int, j: int
    ) -> Response | None:
        where = f"messages[{i}].content[{j}]"
        if part["type"] == "image_url":
            url = (part.get("image_url") or {}).get("url")
            param = f"{where}.image_url.url"
            return _unseen(target, i, j) or self._image_url_problem(
                url, param, f"Invalid image URL: '{param}'."
            )
        if part["type"] == "input_audio":
            return _audio_problem(target["model"], part, i, j)
        if part["type"] == "file":
            return invalid_request(
                "Invalid Value: 'file'. This model does not support file content types.",
                f"{where}.type",
                "invalid_value",
            )
        return None

    def _responses_media_problem(
        self, target: dict[str, Any], body: dict[str, Any]
    ) -> Response | None:
        """What the Responses API answers content parts it or the model cannot take, in messages
        and in function call outputs: no ``input_audio``; ``input_image`` and ``input_file``
        (PDF, with its filename) only for models with vision."""
        items = body.get("input")
        for i, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                continue
            kind = item.get("type", "message")
            field = {"message": "content", "function_call_output": "output"}.get(kind)
            parts = item.get(field) if field else None
            for j, part in enumerate(parts if isinstance(parts, list) else []):
                where = f"input[{i}].{field}[{j}]"
                part_type = part.get("type") if isinstance(part, dict) else None
                problem = None
                if part_type not in RESPONSES_PARTS:
                    problem = invalid_request(
                        f"Invalid value: '{part_type}'. Supported values are: "
                        f"{_listed(RESPONSES_PARTS)}.",
                        f"{where}.type",
                        "invalid_value",
                    )
                elif part_type == "input_image":
                    problem = _unseen(target, i, j, "input") or self._responses_image_problem(
                        part, where
                    )
                elif part_type == "input_file":
                    problem = _unseen_file(target, where) or self._file_problem(part, where)
                if problem is not None:
                    return problem
        return None

    def _responses_image_problem(self, part: dict[str, Any], where: str) -> Response | None:
        url = part.get("image_url")
        if not isinstance(url, str):
            return _missing(f"{where}.image_url")
        return self._image_url_problem(url, f"{where}.image_url", f"Invalid '{where}.image_url'.")

    def _image_url_problem(self, url: Any, param: str, invalid: str) -> Response | None:
        """What the service answers an image URL: one it downloads (http or https, unless it is
        among ``unreachable_urls``), or a base64 data URL of a PNG, JPEG, GIF or WebP image."""
        if isinstance(url, str) and url.startswith(("https://", "http://")):
            if url in self.unreachable_urls:
                return invalid_request(f"Error while downloading {url}.", "url", "invalid_value")
            return None
        data, wrong = _data_url(url, IMAGE_TYPES)
        if wrong is not None:
            return invalid_request(
                f"{invalid} Expected a base64-encoded data URL with an image MIME type (e.g. "
                f"'data:image/png;base64,aW1nIGJ5dGVzIGhlcmU='), but got {wrong}",
                param,
                "invalid_value",
            )
        if not any(data.startswith(magic) for magic in IMAGE_MAGIC) and not _webp(data):
            return invalid_request(
                "You uploaded an unsupported image. Please make sure your image has of one the "
                "following formats: ['png', 'jpeg', 'gif', 'webp'].",
                code="invalid_image_format",
            )
        return None

    def _file_problem(self, part: dict[str, Any], where: str) -> Response | None:
        """What the Responses API answers an ``input_file``: an uploaded file's id (one of
        ``files``), or a PDF as a base64 data URL with its ``filename``."""
        if "file_id" in part:
            if part["file_id"] in self.files:
                return None
            return invalid_request(
                f"No such File object: {part['file_id']}", f"{where}.file_id", status=404
            )
        if "file_data" not in part:
            return _missing(f"{where}.file_data")
        if not part.get("filename"):
            return _missing(f"{where}.filename")
        data, wrong = _data_url(part["file_data"], ("application/pdf",))
        if wrong is not None:
            return invalid_request(
                f"Invalid file data: '{where}.file_data'. Expected a base64-encoded data URL "
                "with an application/pdf MIME type (e.g. "
                f"'data:application/pdf;base64,SGVsbG8sIFdvcmxkIQ=='), but got {wrong}",
                f"{where}.file_data",
                "invalid_value",
            )
        if not data.startswith(b"%PDF-"):
            return invalid_request(
                "The file type you uploaded is not supported.", f"{where}.file_data"
            )
        return None
