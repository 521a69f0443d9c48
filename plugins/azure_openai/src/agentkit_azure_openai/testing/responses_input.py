"""What the Responses API checks of the input items a client sends back, and the encrypted
reasoning content it issues so that it can check it later.

A reasoning item sent back as input must carry the ``encrypted_content`` this emulator issued
(HMAC-signed, so a changed one fails as "could not be verified"), unless an earlier request with
``store`` left on kept it; it must be followed by the function call or message it led to; a
function call and its output need each other.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from starlette.responses import Response

from agentkit_azure_openai.testing.resource import AzureResource
from agentkit_azure_openai.testing.wire import invalid_request


class ResponsesInput(AzureResource):
    """The input checks of the Responses API and the signing of reasoning content. They read
    what the emulator's ``__init__`` sets: ``stored_items`` and the secret of this instance."""

    def _input_problem(self, body: dict[str, Any]) -> Response | None:
        """What the service answers input items it cannot take: reasoning items it cannot find
        or verify, or not followed by their output; a function call output without its call, a
        function call without its output."""
        items = body.get("input")
        if isinstance(items, str) and items:
            return None
        if not isinstance(items, list) or not items:
            return invalid_request(
                "Missing required parameter: 'input'.", "input", "missing_required_parameter"
            )
        calls, answered = [], set()
        for index, item in enumerate(items):
            kind = item.get("type", "message") if isinstance(item, dict) else None
            if kind == "function_call":
                calls.append(item.get("call_id"))
            elif kind == "function_call_output" and item.get("call_id") not in calls:
                return invalid_request(
                    "No tool call found for function call output with call_id "
                    f"{item.get('call_id')}.",
                    "input",
                )
            elif kind == "function_call_output":
                answered.add(item.get("call_id"))
            elif kind == "reasoning":
                following = items[index + 1] if index + 1 < len(items) else None
                problem = self._reasoning_item_problem(item, following)
                if problem is not None:
                    return problem
        unanswered = next((call for call in calls if call not in answered), None)
        if unanswered is not None:
            return invalid_request(f"No tool output found for function call {unanswered}.", "input")
        return None

    def _reasoning_item_problem(self, item: dict[str, Any], following: Any) -> Response | None:
        item_id = item.get("id")
        encrypted = item.get("encrypted_content")
        if encrypted is None and item_id not in self.stored_items:
            return invalid_request(
                f"Item with id '{item_id}' not found. Items are not persisted when `store` is "
                "set to false. Try again with `store` set to true, or remove this item from your "
                "input.",
                "input",
                status=404,
            )
        if encrypted is not None and not self._verified(encrypted):
            shown = f"{encrypted[:4]}...{encrypted[-4:]}" if isinstance(encrypted, str) else "?"
            return invalid_request(
                f"The encrypted content {shown} could not be verified.",
                code="invalid_encrypted_content",
            )
        if not _is_output(following):
            return invalid_request(
                f"Item '{item_id}' of type 'reasoning' was provided without its required "
                "following item.",
                "input",
            )
        return None

    def _encrypted(self, item_id: str, thought: str) -> str:
        """Reasoning content only this emulator can vouch for: the thought, signed with a secret
        of this instance (Fernet tokens, which the service's resemble, begin with ``gAAAAA``)."""
        payload = json.dumps({"id": item_id, "thought": thought}).encode()
        signature = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return "gAAAAA" + base64.urlsafe_b64encode(payload + signature).decode()

    def _verified(self, encrypted: Any) -> bool:
        """Whether ``encrypted`` came from :meth:`_encrypted`, unchanged."""
        if not isinstance(encrypted, str) or not encrypted.startswith("gAAAAA"):
            return False
        try:
            raw = base64.urlsafe_b64decode(encrypted[6:])
        except ValueError:
            return False
        payload, signature = raw[:-32], raw[-32:]
        expected = hmac.new(self._secret, payload, hashlib.sha256).digest()
        return len(raw) > 32 and hmac.compare_digest(signature, expected)


def _is_output(item: Any) -> bool:
    """Whether an input item is what a model produced: a function call or an assistant
    message (what must follow the reasoning that led to it)."""
    if not isinstance(item, dict):
        return False
    kind = item.get("type", "message")
    return kind == "function_call" or (kind == "message" and item.get("role") == "assistant")
