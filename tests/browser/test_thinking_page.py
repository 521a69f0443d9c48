"""Reasoning models on the chat page: the Thinking block, the reasoning-effort control, and the
opaque reasoning the page keeps and sends back with the next turn.

Everything runs through the real host: thinking and effort with the Ollama emulator behind it,
opaque values with the Gemini emulator (Gemini 3 signs its answers) and with the scripted fake
provider, which also gives a tool call its own value.
"""

from __future__ import annotations

import re

import pytest
from langchain_core.messages import AIMessageChunk
from playwright.sync_api import Page, expect

from agentkit import Model, OpaqueReasoning
from tests.browser.helpers import answers, ask, model, provider

pytestmark = pytest.mark.browser

THOUGHT = re.compile(r"^Thought for (less than a second|\d+ s)$")


def seconds_in(summary: str) -> int:
    """The seconds a "Thought for ..." summary states."""
    match = re.fullmatch(r"Thought for (\d+) s", summary)
    assert match, f"unexpected summary {summary!r}"
    return int(match[1])


def thought(text: str) -> AIMessageChunk:
    """A chunk of reasoning, as integrations with content lists stream it."""
    return AIMessageChunk(content=[{"type": "reasoning", "reasoning": text}])


def streaming_state(page: Page, condition: str) -> dict:
    """The streaming answer's Thinking block (open? summary) and answer text, once ``condition``
    (JavaScript over ``thoughts`` and ``answer``, the texts so far) holds."""
    return page.wait_for_function(
        f"""() => {{
            const message = document.querySelector('.message.assistant[data-status="streaming"]');
            const block = message && message.querySelector('details.thinking');
            if (!block) return null;
            const thoughts = block.querySelector('.thinking-text').textContent;
            const answer = message.querySelector('.answer-text').textContent;
            if (!({condition})) return null;
            const summary = block.querySelector('summary').textContent;
            return {{ open: block.open, summary, answer }};
        }}""",
        timeout=10_000,
    ).json_value()


def ollama_think(emulators) -> object:
    """The ``think`` value of the last chat request Ollama received."""
    return emulators.ollama.requests_to("/api/chat")[-1]["json"].get("think")


def test_thinking_streams_open_then_folds_with_its_duration(page: Page, emulators, screenshot):
    ollama = emulators.ollama
    ollama.thinking = " ".join(f"step{n}" for n in range(20)) + " so **forty-two** it is."
    ollama.reply = " ".join(["The answer is 42,"] + ["as everyone knows"] * 6) + "."
    ollama.token_delay = 0.1  # about 2.4 s of thinking, then about 2 s of answer
    model(page, "qwen3:8b").check()
    ask(page, "What is the answer?")

    # While the model thinks, its thoughts stream in an open block and no answer text shows yet.
    thinking = streaming_state(page, "thoughts.trim().split(/\\s+/).length >= 4")
    assert thinking == {"open": True, "summary": "Thinking…", "answer": ""}
    screenshot(page, "thinking-streaming")

    # Once the answer starts, the block folds and says how long the model thought.
    answering = streaming_state(page, "answer.length > 0")
    assert answering["open"] is False
    assert 1 <= seconds_in(answering["summary"]) <= 4

    # The person opens it while the answer streams: it stays open.
    answer = answers(page).last
    block = answer.locator("details.thinking")
    block.locator("summary").click()
    expect(answer).to_have_attribute("data-status", "done", timeout=15_000)
    expect(answer.locator(".answer-text")).to_have_text(ollama.reply)
    expect(block).to_have_js_property("open", True)
    expect(block.locator("summary")).to_have_text(answering["summary"])
    expect(block.locator(".thinking-text")).to_contain_text("step0 step1")
    expect(block.locator(".thinking-text strong")).to_have_text("forty-two")
    screenshot(page, "thinking-unfolded")


def test_thinking_text_is_never_html(page: Page, emulators):
    emulators.ollama.thinking = (
        "<img src=x onerror=window.injected=1> <script>window.injected=2</script> "
        "[link](javascript:window.injected=3)"
    )
    model(page, "qwen3:8b").check()
    ask(page, "Think hard")
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done")
    answer.locator("details.thinking summary").click()
    text = answer.locator(".thinking-text")
    expect(text).to_contain_text("<img src=x onerror=window.injected=1>")
    expect(text).to_contain_text("<script>window.injected=2</script>")
    assert text.locator("img, script, a").count() == 0
    assert page.evaluate("window.injected") is None


def test_effort_control_shows_for_thinking_models_and_reaches_the_request(page: Page, emulators):
    effort = page.get_by_label("Reasoning effort")
    model(page, "llama3.2:latest").check()
    expect(effort).to_be_hidden()

    model(page, "gpt-oss:20b").check()
    expect(effort).to_be_visible()
    expect(effort).to_have_value("")  # Default: the provider decides
    expect(effort.locator("option")).to_have_text(
        ["Default", "None", "Minimal", "Low", "Medium", "High"]
    )
    effort.select_option(label="High")
    with page.expect_request("**/chat/*") as sent:
        ask(page, "Think hard")
    assert sent.value.post_data_json["forwardedProps"]["params"] == {"reasoning_effort": "high"}
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done")
    expect(answer.locator(".effort")).to_have_text("effort: high")
    assert ollama_think(emulators) == "high"  # gpt-oss takes the level as is

    # The choice is remembered, but a model that does not think is not asked to.
    page.reload()
    expect(model(page, "gpt-oss:20b")).to_be_checked()
    expect(effort).to_have_value("high")
    model(page, "llama3.2:latest").check()
    expect(effort).to_be_hidden()
    with page.expect_request("**/chat/*") as sent:
        ask(page, "Just answer")
    assert "params" not in sent.value.post_data_json["forwardedProps"]
    expect(answers(page).last).to_have_attribute("data-status", "done")

    # Back to Default: nothing is asked for.
    model(page, "qwen3:8b").check()
    effort.select_option(label="Default")
    with page.expect_request("**/chat/*") as sent:
        ask(page, "Your call")
    assert "params" not in sent.value.post_data_json["forwardedProps"]
    expect(answers(page).last).to_have_attribute("data-status", "done")


def test_next_turn_sends_back_the_opaque_reasoning_of_the_last_answer(fake_host, open_page, script):
    script.models = [Model("thinker", capabilities=["thinking"])]
    script.replies = [
        [
            thought("I should look it up."),
            AIMessageChunk("Let me check. "),
            AIMessageChunk(
                "",
                tool_call_chunks=[
                    {"id": "call-1", "name": "lookup", "args": '{"q": "tides"}', "index": 0}
                ],
            ),
        ],
        [AIMessageChunk("You are welcome.")],
    ]
    script.opaque = lambda message: OpaqueReasoning(
        message="answer-signature", tool_calls={"call-1": "call-signature"}
    )
    page = open_page(fake_host)
    ask(page, "When is high tide?")
    first = answers(page).last
    expect(first).to_have_attribute("data-status", "done")
    expect(first.locator(".tool-call summary")).to_have_text("Tool call: lookup")

    # Kept with the conversation in the browser: a reload does not lose them.
    page.reload()
    with page.expect_request("**/chat/*") as sent:
        ask(page, "Thanks")
    expect(answers(page).last.locator(".answer-text")).to_have_text("You are welcome.")

    messages = sent.value.post_data_json["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "tool", "user"]
    assistant = messages[1]
    assert assistant["content"] == "Let me check. "
    assert assistant["encryptedValue"] == "agentkit.1:fake:answer-signature"
    assert assistant["toolCalls"] == [
        {
            "id": "call-1",
            "type": "function",
            "function": {"name": "lookup", "arguments": '{"q": "tides"}'},
            "encryptedValue": "agentkit.1:fake:call-signature",
        }
    ]
    assert messages[2]["toolCallId"] == "call-1"
    assert "reasoning" not in {m["role"] for m in messages}
    # The host unsealed both values and handed them back to the provider with that answer.
    [(restored_message, restored)] = script.restored
    assert restored_message.content == "Let me check. "
    assert restored.message == "answer-signature"
    assert restored.tool_calls == {"call-1": "call-signature"}


def test_a_model_that_only_thinks_keeps_its_thoughts_and_explains(fake_host, open_page, script):
    script.replies = [[thought("Hmm. "), thought("Still thinking.")]]
    page = open_page(fake_host)
    ask(page, "Well?")
    error = page.locator(".message.error")
    expect(error).to_have_attribute("data-code", "no_answer")
    expect(error).to_contain_text("The model thought but gave no answer.")
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "incomplete")
    block = answer.locator("details.thinking")
    expect(block.locator("summary")).to_have_text(THOUGHT)
    block.locator("summary").click()
    expect(block.locator(".thinking-text")).to_have_text("Hmm. Still thinking.")


def test_gemini_3_gets_its_thought_signature_back_on_the_next_turn(page: Page, emulators):
    gemini = emulators.gemini
    gemini.reply = "Paris."
    provider(page, "Gemini").check()
    model(page, "Gemini 3 Flash Preview").check()
    ask(page, "Capital of France?")
    expect(answers(page).last).to_have_attribute("data-status", "done")
    assert gemini.signatures_issued, "the emulator signed no part of the answer"

    gemini.reply = "About two million."
    with page.expect_request("**/chat/*") as sent:
        ask(page, "How many people live there?")
    expect(answers(page).last.locator(".answer-text")).to_have_text("About two million.")
    assistant = sent.value.post_data_json["messages"][1]
    assert assistant["encryptedValue"].startswith("agentkit.1:gemini:")
    assert gemini.signatures_received == gemini.signatures_issued[:1]
