"""Images and PDFs on the chat page: attaching them (button, paste, drop), their thumbnails before
and after sending, the AG-UI 1.0 parts the page sends and the host accepts, the notice for a model
that cannot take them, the host's refusals, and what a reload keeps.

The image tests run through the real host to the Ollama, Gemini and Azure OpenAI emulators; the
others use the scripted fake provider, whose listing says exactly what each model can take, and
whose recorded calls show the LangChain content blocks the host made of the page's parts.
"""

from __future__ import annotations

from base64 import urlsafe_b64decode

import pytest
from playwright.sync_api import Page, expect

from agentkit import Model
from agentkit.testing import serve
from agentkit_azure_openai.testing import DEFAULT_KEY as AZURE_KEY
from agentkit_azure_openai.testing import AzureOpenAIEmulator
from tests.browser.helpers import (
    answers,
    ask,
    attach,
    b64,
    drop,
    file_payload,
    model,
    paste,
    pdf,
    png,
    provider,
)

pytestmark = pytest.mark.browser

SOURCE = "the fake listing"


def profile(model_id: str, capabilities: list[str] | None) -> Model:
    """A fake model whose capabilities are known from SOURCE, or unknown when None."""
    if capabilities is None:
        return Model(model_id)
    return Model(model_id, capabilities=capabilities, sources={"capabilities": SOURCE})


def draft(page: Page):
    return page.locator("#draft .attachment")


def sent_user_content(request) -> list:
    """The content of the last user message in a /chat request the page sent."""
    return [m for m in request.post_data_json["messages"] if m["role"] == "user"][-1]["content"]


def loaded(page: Page, image) -> bool:
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_an_image_attached_with_the_button_reaches_the_vision_model(
    page: Page, emulators, screenshot
):
    emulators.ollama.reply = "A red rectangle."
    model(page, "gemma3:4b").check()
    red, blue = png(rgb=(200, 40, 40)), png(32, 32, rgb=(40, 40, 200))
    attach(
        page, file_payload("red.png", "image/png", red), file_payload("blue.png", "image/png", blue)
    )

    # Thumbnails before sending, each with a remove control.
    expect(draft(page)).to_have_count(2)
    thumbnail = draft(page).locator("img[alt='red.png']")
    expect(thumbnail).to_be_visible()
    assert loaded(page, thumbnail)
    screenshot(page, "attachments-draft")
    page.get_by_role("button", name="Remove blue.png").click()
    expect(draft(page)).to_have_count(1)

    with page.expect_request("**/chat/*") as sent:
        ask(page, "What is in this picture?")
    assert sent_user_content(sent.value) == [
        {"type": "text", "text": "What is in this picture?"},
        {
            "type": "image",
            "source": {"type": "data", "value": b64(red), "mimeType": "image/png"},
            "metadata": {"filename": "red.png"},
        },
    ]
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done")
    expect(answer.locator(".answer-text")).to_have_text("A red rectangle.")

    # After sending: the thumbnail is in the conversation, the draft is empty.
    expect(draft(page)).to_have_count(0)
    expect(page.locator("#draft")).to_be_hidden()
    message = page.locator(".message.user").last
    expect(message.locator(".bubble")).to_have_text("What is in this picture?")
    sent_thumbnail = message.locator(".attachment img[alt='red.png']")
    expect(sent_thumbnail).to_be_visible()
    assert loaded(page, sent_thumbnail)
    screenshot(page, "attachments-sent")

    # Ollama got the image's bytes, base64, in the message's `images`.
    chat = emulators.ollama.requests_to("/api/chat")[-1]["json"]
    user = [m for m in chat["messages"] if m["role"] == "user"][-1]
    assert user["images"] == [b64(red)]
    assert user["content"].strip() == "What is in this picture?"  # langchain-ollama adds a \n


def test_paste_and_drop_attach_and_the_host_takes_both_kinds(
    fake_host, open_page, script, screenshot
):
    script.models = [profile("seer", ["vision", "documents"])]
    page = open_page(fake_host)
    screenshot_png, photo = png(80, 60, rgb=(10, 150, 10)), png(20, 30)
    report = pdf("Revenue up", padding=3000)

    # A pasted image is attached, and the page takes the paste; text on the clipboard is pasted
    # as text instead (a spreadsheet's cells come with a picture of them).
    assert paste(page, file_payload("image.png", "image/png", screenshot_png)) is False
    expect(draft(page)).to_have_count(1)
    assert paste(page, file_payload("cells.png", "image/png", photo), text="a\tb") is True
    expect(draft(page)).to_have_count(1)

    # Dropped files are attached; one the page cannot take is named and left out.
    drop(
        page,
        file_payload("report.pdf", "application/pdf", report),
        file_payload("notes.txt", "text/plain", b"just text"),
    )
    expect(draft(page)).to_have_count(2)
    chip = draft(page).filter(has_text="report.pdf")
    expect(chip.locator(".file-chip")).to_contain_text("report.pdf")
    expect(chip.locator(".file-chip")).to_contain_text("3 KB")
    expect(page.locator("#composer-note")).to_contain_text("notes.txt is not an image")
    screenshot(page, "attachments-pasted-and-dropped")

    with page.expect_request("**/chat/*") as sent:
        ask(page, "Compare them")
    expect(answers(page).last).to_have_attribute("data-status", "done")
    parts = sent_user_content(sent.value)
    assert [part["type"] for part in parts] == ["text", "image", "document"]
    assert parts[2]["source"] == {
        "type": "data",
        "value": b64(report),
        "mimeType": "application/pdf",
    }
    # The host accepted both and handed the model LangChain's standard blocks.
    blocks = script.calls[-1]["messages"][-1].content
    assert [block["type"] for block in blocks] == ["text", "image", "file"]
    assert blocks[1]["base64"] == b64(screenshot_png) and blocks[1]["mime_type"] == "image/png"
    assert blocks[2]["base64"] == b64(report) and blocks[2]["mime_type"] == "application/pdf"

    message = page.locator(".message.user").last
    expect(message.locator(".attachment")).to_have_count(2)
    expect(message.locator(".file-chip")).to_contain_text("report.pdf")
    expect(page.locator("#composer-note")).not_to_contain_text("notes.txt")


def test_the_page_says_when_the_model_cannot_take_an_attachment(
    fake_host, open_page, script, screenshot
):
    script.models = [
        profile("blind", ["tools"]),
        profile("seer", ["vision"]),
        profile("mystery", None),
    ]
    page = open_page(fake_host)
    model(page, "blind").check()
    attach(page, file_payload("chart.png", "image/png", png()), keyboard=True)
    note = page.locator("#composer-note")
    send = page.get_by_role("button", name="Send")
    expect(note).to_contain_text("blind cannot take images")
    expect(note).to_contain_text(f"{SOURCE} lists its capabilities as tools")
    expect(note).to_contain_text("Remove the images, or pick a model with vision.")
    expect(send).to_be_disabled()
    screenshot(page, "attachments-model-without-vision")
    ask(page, "Describe it")  # Enter does not send either
    expect(page.locator(".message")).to_have_count(0)
    expect(page.get_by_label("Message", exact=True)).to_have_value("Describe it")

    model(page, "seer").check()
    expect(note).to_be_empty()
    expect(send).to_be_enabled()
    attach(page, file_payload("spec.pdf", "application/pdf", pdf()))
    expect(note).to_contain_text("seer cannot take PDFs")
    expect(send).to_be_disabled()
    page.get_by_role("button", name="Remove spec.pdf").click()
    expect(send).to_be_enabled()

    # Unknown capabilities: the page lets the host decide, and says so.
    model(page, "mystery").check()
    expect(note).to_contain_text("Whether mystery takes images is not known")
    expect(send).to_be_enabled()

    # Once sent, the image goes with every later turn: a model without vision is told.
    model(page, "seer").check()
    page.get_by_label("Message", exact=True).press("Enter")
    expect(answers(page).last).to_have_attribute("data-status", "done")
    model(page, "blind").check()
    expect(note).to_contain_text("The conversation has images earlier on")
    expect(send).to_be_disabled()
    page.get_by_role("button", name="New chat").click()
    expect(note).to_be_empty()
    expect(send).to_be_enabled()


def test_a_part_the_host_refuses_is_explained_and_the_message_comes_back(
    host, open_page, emulators
):
    page = open_page(host(AGENTKIT_MAX_PART_BYTES="1000"))
    model(page, "gemma3:4b").check()
    # The page believes the default limits, as a page loaded before the host restarted with a
    # lower one would: the host's own 413 must then explain it.
    page.evaluate(
        """() => import("/js/attachments.js").then((m) =>
            m.useHostLimits({ max_part_bytes: 20000000, max_body_bytes: 32000000 }))"""
    )
    big = png(40, 40, noise=True)
    assert len(big) > 1000
    attach(page, file_payload("big.png", "image/png", big))
    ask(page, "Too big?")

    error = page.locator(".message.error")
    expect(error).to_have_attribute("data-code", "part_too_large")
    expect(error).to_contain_text("An attachment is larger than the host accepts.")
    expect(error).to_contain_text("AGENTKIT_MAX_PART_BYTES")
    expect(error).to_contain_text("Your message was not sent: it is back in the message box.")
    expect(error.get_by_role("button", name="Retry")).to_have_count(0)
    expect(page.locator(".message.user")).to_have_count(0)
    expect(page.get_by_label("Message", exact=True)).to_have_value("Too big?")
    expect(draft(page).locator("img[alt='big.png']")).to_be_visible()
    assert not emulators.ollama.requests_to("/api/chat")

    # Without the attachment the same message goes through.
    page.get_by_role("button", name="Remove big.png").click()
    page.get_by_label("Message", exact=True).press("Enter")
    expect(answers(page).last).to_have_attribute("data-status", "done")


def test_a_reload_keeps_thumbnails_and_the_bytes_that_fit(fake_host, open_page, script):
    script.models = [profile("seer", ["vision", "documents"])]
    page = open_page(fake_host)
    large = pdf(padding=1_600_000)  # about 2.1 million characters of base64: more than is kept
    small = png()
    attach(page, file_payload("large.pdf", "application/pdf", large))
    ask(page, "First")
    expect(answers(page).last).to_have_attribute("data-status", "done")
    attach(page, file_payload("small.png", "image/png", small))
    ask(page, "Second")
    expect(answers(page)).to_have_count(2)
    expect(answers(page).last).to_have_attribute("data-status", "done")

    page.reload()
    first, second = page.locator(".message.user").nth(0), page.locator(".message.user").nth(1)
    expect(first.locator(".attachment.dropped .file-chip")).to_contain_text("large.pdf")
    expect(first.locator(".attachment-note")).to_contain_text("Not kept after the reload")
    expect(second.locator(".attachment img[alt='small.png']")).to_be_visible()
    expect(second.locator(".attachment.dropped")).to_have_count(0)

    with page.expect_request("**/chat/*") as sent:
        ask(page, "Third")
    expect(answers(page)).to_have_count(3)
    users = [m for m in sent.value.post_data_json["messages"] if m["role"] == "user"]
    assert users[0]["content"] == "First"  # its PDF was not kept, so it is no longer sent
    assert users[1]["content"][1]["source"]["value"] == b64(small)


def test_a_part_the_model_cannot_take_is_explained_by_the_host(
    host, open_page, emulators, screenshot
):
    # Ollama's /api/show fails, so the listing does not know what llama3.2 takes and the page lets
    # the host decide; the host knows Ollama takes no PDFs at all (only images).
    emulators.ollama.fail(500, on="/api/show", times=100)
    page = open_page(host())
    model(page, "llama3.2:latest").check()
    expect(page.locator(".model-option").filter(has_text="llama3.2")).to_contain_text(
        "capabilities unknown"
    )
    attach(page, file_payload("spec.pdf", "application/pdf", pdf()))
    expect(page.locator("#composer-note")).to_contain_text("Whether llama3.2:latest takes PDFs")
    ask(page, "Summarise this")

    error = page.locator(".message.error")
    expect(error).to_have_attribute("data-code", "unsupported_media")
    expect(error).to_contain_text("The model cannot take this attachment.")
    expect(error).to_contain_text("Ollama")  # the host's message names the provider
    expect(error).to_contain_text("Your message was not sent: it is back in the message box.")
    expect(page.get_by_label("Message", exact=True)).to_have_value("Summarise this")
    expect(draft(page).locator(".file-chip")).to_contain_text("spec.pdf")
    screenshot(page, "attachments-refused-by-host")
    assert not emulators.ollama.requests_to("/api/chat")


def test_files_too_large_for_the_host_are_stopped_on_the_page(
    fake_host, open_page, script, screenshot
):
    script.models = [profile("seer", ["vision", "documents"])]
    page = open_page(fake_host)
    note = page.locator("#composer-note")
    send = page.get_by_role("button", name="Send")

    # One file over the host's 20 MB a part: not attached, and the note says why.
    attach(page, file_payload("scan.pdf", "application/pdf", pdf(padding=21_000_000)))
    expect(note).to_contain_text(
        "scan.pdf is 21.0 MB, more than the 20.0 MB the host takes", timeout=20_000
    )
    expect(draft(page)).to_have_count(0)

    # Files under the limit each, too large together for one request: attached, but not sent.
    big = [file_payload(f"part{n}.pdf", "application/pdf", pdf(padding=12_000_000)) for n in (1, 2)]
    attach(page, *big)
    expect(draft(page)).to_have_count(2, timeout=20_000)
    expect(note).to_contain_text("The attachments come to 24.0 MB, more than the 22.5 MB")
    expect(send).to_be_disabled()
    screenshot(page, "attachments-too-large")
    page.get_by_role("button", name="Remove part2.pdf").click()
    expect(send).to_be_enabled()
    with page.expect_request("**/chat/*") as sent:
        ask(page, "Read this")
    expect(answers(page).last).to_have_attribute("data-status", "done", timeout=20_000)
    assert [part["type"] for part in sent_user_content(sent.value)] == ["text", "document"]


def test_the_page_checks_files_against_the_hosts_own_limits(host, open_page):
    page = open_page(host(AGENTKIT_MAX_PART_BYTES="1000000", AGENTKIT_MAX_BODY_BYTES="4000000"))
    model(page, "gemma3:4b").check()
    attach(page, file_payload("big.png", "image/png", bytes(1_500_000)))
    expect(page.locator("#composer-note")).to_contain_text(
        "big.png is 1.5 MB, more than the 1.0 MB the host takes"
    )
    expect(draft(page)).to_have_count(0)


@pytest.mark.parametrize(
    ("provider_name", "model_name"),
    [("Gemini", "Gemini 2.5 Flash"), ("Azure OpenAI", "chat (gpt-4o)")],
)
def test_an_image_from_the_page_reaches_gemini_and_azure_in_their_formats(
    host, emulators, open_page, provider_name, model_name
):
    azure = AzureOpenAIEmulator(reply="A red rectangle.")
    emulators.gemini.reply = "A red rectangle."
    red = png(rgb=(200, 40, 40))
    with serve(azure.app) as azure_url:
        page = open_page(
            host(
                AZURE_OPENAI_ENDPOINT=azure_url,
                AZURE_OPENAI_API_KEY=AZURE_KEY,
                AZURE_OPENAI_DEPLOYMENT="chat",
                AZURE_OPENAI_DEPLOYMENTS="chat=gpt-4o",
            )
        )
        provider(page, provider_name).check()
        model(page, model_name).check()
        attach(page, file_payload("red.png", "image/png", red))
        ask(page, "What is in this picture?")
        answer = answers(page).last
        expect(answer).to_have_attribute("data-status", "done")
        expect(answer.locator(".answer-text")).to_have_text("A red rectangle.")

    if provider_name == "Gemini":
        [request] = emulators.gemini.requests_to("streamGenerateContent")
        parts = request["json"]["contents"][-1]["parts"]
        # google-genai writes proto field names (inline_data), which Gemini takes as inlineData
        blobs = [p.get("inlineData") or p.get("inline_data") for p in parts]
        # and it writes bytes in base64's URL-safe alphabet, which Gemini also takes
        sent = [
            (urlsafe_b64decode(b["data"]), b.get("mimeType") or b.get("mime_type"))
            for b in blobs
            if b
        ]
        assert sent == [(red, "image/png")]
    else:
        [request] = azure.chat_requests()
        content = request["json"]["messages"][-1]["content"]
        image_url = {"url": f"data:image/png;base64,{b64(red)}"}
        assert {"type": "image_url", "image_url": image_url} in content
