"""What a model can do and which parameters it takes, known from its name (``gpt-4o``, ``o3-mini``).

Azure names deployments freely, so these functions are given the model *behind* a deployment.
"""

from __future__ import annotations

import re

REASONING = re.compile(r"^(o1|o3|o4-mini|gpt-5)(?!-chat)([-.]|$)")
"""Reasoning families: they reject ``temperature``, ``top_p`` and ``max_tokens`` (they take
``max_completion_tokens``). ``gpt-5-chat`` is the non-reasoning chat variant."""

NO_TOOLS = re.compile(r"^(o1-mini|o1-preview)([-.]|$)")
VISION = re.compile(r"^(gpt-4o|gpt-4\.1|gpt-4\.5|gpt-4-turbo|gpt-5|o1|o3(?!-mini)|o4-mini)([-.]|$)")
CHAT = re.compile(r"^(gpt-|o\d)")


def is_reasoning(model: str) -> bool:
    """Whether ``model`` belongs to a reasoning family (o1, o3, o4-mini, gpt-5)."""
    return bool(REASONING.match(model.lower()))


def capabilities(model: str) -> list[str]:
    """The capabilities shown for ``model``: ``tools``, ``vision``, ``thinking``."""
    name = model.lower()
    if not CHAT.match(name):
        return []
    found = [] if NO_TOOLS.match(name) else ["tools"]
    if VISION.match(name) and not NO_TOOLS.match(name):
        found.append("vision")
    if is_reasoning(name):
        found.append("thinking")
    return found
