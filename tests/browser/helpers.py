"""What the browser tests do on the chat page, as a person would: pick, type, send, wait."""

from __future__ import annotations

import base64
import random
import struct
import time
import zlib

from playwright.sync_api import Locator, Page


def provider(page: Page, name: str) -> Locator:
    """The provider's radio button (its card is the label)."""
    return page.locator("#provider-list").get_by_role("radio", name=name, exact=True)


def model(page: Page, name: str) -> Locator:
    """The model's radio button in the model list."""
    return page.locator("#model-list").get_by_role("radio", name=name, exact=True)


def card(page: Page, provider_id: str) -> Locator:
    return page.locator(f'.provider-option[data-provider="{provider_id}"]')


def ask(page: Page, text: str) -> None:
    page.get_by_label("Message", exact=True).fill(text)
    page.get_by_label("Message", exact=True).press("Enter")


def answers(page: Page) -> Locator:
    return page.locator(".message.assistant")


def wait_until(condition, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def png(
    width: int = 64,
    height: int = 48,
    rgb: tuple[int, int, int] = (200, 40, 40),
    noise: bool = False,
) -> bytes:
    """A valid PNG of one colour, built by hand (no imaging library needed); with `noise`, random
    pixels, which do not compress (for a file of a known size)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = random.Random(7).randbytes if noise else (lambda n: bytes(rgb) * (n // 3))
    rows = b"".join(b"\x00" + pixels(3 * width) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def pdf(pages_text: str = "Quarterly report", padding: int = 0) -> bytes:
    """A small PDF; `padding` bytes of comment make it as large as a test needs."""
    body = (
        "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        "2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]/Contents 4 0 R>>endobj\n"
        f"4 0 obj<</Length {len(pages_text) + 20}>>stream\nBT 10 50 Td ({pages_text}) Tj ET\n"
        "endstream endobj\ntrailer<</Root 1 0 R>>\n"
    ).encode()
    return body + b"%" + b"x" * padding + b"\n%%EOF\n"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def file_payload(name: str, mime_type: str, data: bytes) -> dict:
    """A file as Playwright's set_files takes it."""
    return {"name": name, "mimeType": mime_type, "buffer": data}


def attach(page: Page, *files: dict, keyboard: bool = False) -> None:
    """Attach files with the composer's attach button (clicked, or with `keyboard` focused and
    pressed with Enter) and the file chooser it opens (files of tens of MB take Playwright
    seconds to hand over, hence the longer timeout)."""
    button = page.get_by_role("button", name="Attach images or PDFs")
    with page.expect_file_chooser() as chooser:
        if keyboard:
            button.focus()
            page.keyboard.press("Enter")
        else:
            button.click()
    chooser.value.set_files(list(files), timeout=30_000)


_TRANSFER = """
    ([files, text]) => {
        const data = new DataTransfer();
        for (const [name, type, b64] of files) {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            data.items.add(new File([bytes], name, { type }));
        }
        if (text) data.setData("text/plain", text);
        return data;
    }
"""


def _transfer(files: tuple[dict, ...], text: str | None) -> list:
    return [[[f["name"], f["mimeType"], b64(f["buffer"])] for f in files], text]


def paste(page: Page, *files: dict, text: str | None = None) -> bool:
    """Paste into the message box a clipboard holding `files` (and `text` if given). Returns
    whether the page left the paste to the browser (False: the page took it)."""
    return page.evaluate(
        f"""(args) => {{
            const data = ({_TRANSFER})(args);
            const event = new ClipboardEvent("paste", {{
                clipboardData: data, bubbles: true, cancelable: true,
            }});
            return document.getElementById("prompt").dispatchEvent(event);
        }}""",
        _transfer(files, text),
    )


def drop(page: Page, *files: dict) -> None:
    """Drag `files` over the composer and drop them there, as the browser reports it."""
    page.evaluate(
        f"""(args) => {{
            const data = ({_TRANSFER})(args);
            const target = document.getElementById("prompt");
            for (const type of ["dragenter", "dragover", "drop"]) {{
                target.dispatchEvent(new DragEvent(type, {{
                    dataTransfer: data, bubbles: true, cancelable: true,
                }}));
            }}
        }}""",
        _transfer(files, None),
    )
