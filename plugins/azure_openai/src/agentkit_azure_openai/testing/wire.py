"""Azure's error bodies and content filter verdicts, and the small wire helpers its APIs share.

Azure answers in two envelopes: its own (:func:`error_body`, ``{"error": {"code", "message"}}``)
for what the resource itself refuses, and OpenAI's (:func:`invalid_request`, with ``type``,
``param`` and ``code``) for what the models' own checks refuse. Among the resource's:

- 401 for a wrong key or token, 404 DeploymentNotFound, 400 content_filter with
  ``innererror.content_filter_result`` for a blocked prompt, 429 with Retry-After.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse

CATEGORIES = ("hate", "self_harm", "sexual", "violence")


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, **extra}}


def invalid_request(
    message: str, param: str | None = None, code: str | None = None, status: int = 400
) -> JSONResponse:
    """An error in OpenAI's envelope, as the models' own checks answer."""
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    return JSONResponse({"error": error}, status)


DEFAULT_ERRORS: dict[int, dict[str, Any]] = {
    400: error_body("BadRequest", "Emulated bad request."),
    401: error_body(
        "401",
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
        "provide a valid key for an active subscription and use a correct regional API "
        "endpoint for your resource.",
    ),
    403: error_body("PermissionDenied", "Principal does not have access to API/Operation."),
    404: error_body(
        "DeploymentNotFound",
        "The API deployment for this resource does not exist. If you created the deployment "
        "within the last 5 minutes, please wait a moment and try again.",
    ),
    429: error_body(
        "429",
        "Requests to the ChatCompletions_Create Operation under Azure OpenAI API version "
        "2024-10-21 have exceeded token rate limit of your current OpenAI S0 pricing tier. "
        "Please retry after 1 second.",
    ),
    500: error_body("InternalServerError", "The server had an error processing your request."),
    503: error_body(
        "ServiceUnavailable", "The service is temporarily unable to process your request."
    ),
}


def content_filter_results(blocked: dict[str, str] | None = None) -> dict[str, Any]:
    """Azure's per-category verdicts; ``blocked`` maps filtered categories to severities."""
    blocked = blocked or {}
    results: dict[str, Any] = {
        c: {"filtered": c in blocked, "severity": blocked.get(c, "safe")} for c in CATEGORIES
    }
    if "jailbreak" in blocked:
        results["jailbreak"] = {"filtered": True, "detected": True}
    return results


def prompt_filtered_body(blocked: dict[str, str]) -> dict[str, Any]:
    """The HTTP 400 Azure answers when its content filter blocks the prompt."""
    return error_body(
        "content_filter",
        "The response was filtered due to the prompt triggering Azure OpenAI's content "
        "management policy. Please modify your prompt and retry. To learn more about our "
        "content filtering policies please read our documentation: "
        "https://go.microsoft.com/fwlink/?linkid=2198766",
        param="prompt",
        type=None,
        status=400,
        innererror={
            "code": "ResponsibleAIPolicyViolation",
            "content_filter_result": content_filter_results(blocked),
        },
    )


def _arguments(call: dict[str, Any]) -> str:
    return json.dumps(call.get("arguments", {}))


def _listed(values: tuple[str, ...]) -> str:
    """``'low', 'medium', and 'high'``, as the service lists supported values."""
    quoted = [f"'{value}'" for value in values]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + ", and " + quoted[-1]
