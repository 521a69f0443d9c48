"""Images through the real host and ChatOllama to the emulator: AG-UI 1.0 image parts reach Ollama
as base64 in the message's ``images``, an image by URL is fetched by the host, and what Ollama or
the chosen model cannot take is refused with an error that names the part and what to do."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from agentkit.testing import chat, error_of, run_input, serve, text_of, tool_turns

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
PNG_B64 = base64.b64encode(PNG).decode()


def image(value: str = PNG_B64, source: str = "data", mime: str | None = "image/png") -> dict:
    return {"type": "image", "source": {"type": source, "value": value, "mimeType": mime}}


def asking(*parts: dict, model: str = "gemma3:4b") -> dict:
    """A run whose user message is a question with ``parts``."""
    content = [{"type": "text", "text": "What is in this picture?"}, *parts]
    return run_input(
        [{"id": "u1", "role": "user", "content": content}], provider="ollama", model=model
    )


def refused(base_url: str, body: dict) -> dict:
    """The host's answer to a run it refuses before the stream: status, code, message, hint."""
    response = httpx.post(f"{base_url}/chat/chat", json=body, timeout=30)
    return {"status": response.status_code, **response.json()["error"]}


def sent_user(emulator) -> dict:
    """The user message of the last chat Ollama got."""
    messages = emulator.requests_to("/api/chat")[-1]["json"]["messages"]
    return [m for m in messages if m["role"] == "user"][-1]


def test_an_image_reaches_the_vision_model_as_base64_in_images(host, ollama_env, emulator):
    emulator.reply = "A single red pixel."
    events = chat(host(), asking(image()))
    assert text_of(events) == "A single red pixel."
    user = sent_user(emulator)
    assert user["images"] == [PNG_B64]
    assert user["content"] == "What is in this picture?"  # the text as written, nothing added


def test_an_image_in_a_tool_result_reaches_ollama(host, ollama_env, emulator):
    messages = tool_turns([image()])
    chat(host(), run_input(messages, provider="ollama", model="gemma3:4b"))
    tool = emulator.requests_to("/api/chat")[-1]["json"]["messages"][-1]
    assert (tool["role"], tool["images"]) == ("tool", [PNG_B64])


def test_an_image_by_url_is_fetched_by_the_host_and_sent_as_base64(host, ollama_env, emulator):
    async def picture(request):
        return Response(PNG, media_type="image/png")

    pictures = Starlette(routes=[Route("/cat.png", picture)])
    with serve(pictures) as pictures_url:
        url = f"{pictures_url}/cat.png"
        base = host(AGENTKIT_FETCH_PRIVATE_URLS="true", AGENTKIT_FETCH_SCHEMES="http,https")
        events = chat(base, asking(image(url, source="url", mime=None)))
    assert error_of(events) is None
    assert sent_user(emulator)["images"] == [PNG_B64]


def test_an_image_url_on_a_private_address_is_not_fetched_by_default(host, ollama_env, emulator):
    problem = refused(
        host(AGENTKIT_FETCH_SCHEMES="http,https"),
        asking(image(f"{ollama_env}/api/tags", source="url", mime="image/png")),
    )
    assert problem["status"] == 422
    assert "could not be fetched" in problem["message"]
    assert "AGENTKIT_FETCH_PRIVATE_URLS" in problem["message"]
    assert not emulator.requests_to("/api/chat")


@pytest.mark.parametrize(
    ("part", "noun"),
    [
        (
            {
                "type": "document",
                "source": {"type": "data", "value": PNG_B64, "mimeType": "application/pdf"},
            },
            "document",
        ),
        (
            {
                "type": "audio",
                "source": {"type": "data", "value": PNG_B64, "mimeType": "audio/wav"},
            },
            "audio",
        ),
        ({"type": "video", "source": {"type": "url", "value": "https://x.test/v.mp4"}}, "video"),
    ],
)
def test_documents_audio_and_video_are_refused_naming_ollama(
    host, ollama_env, emulator, part, noun
):
    problem = refused(host(), asking(part))
    assert (problem["status"], problem["code"]) == (422, "unsupported_media")
    assert f"Ollama takes no {noun} parts (it takes: image)" in problem["message"]
    assert "part 2" in problem["message"]
    assert not emulator.requests_to("/api/chat")


def test_an_image_to_a_model_without_vision_is_refused_naming_the_model(host, ollama_env, emulator):
    problem = refused(host(), asking(image(), model="qwen:7b"))
    assert (problem["status"], problem["code"]) == (422, "unsupported_media")
    assert "qwen:7b cannot take images" in problem["message"]
    assert "vision" in problem["hint"]
    assert not emulator.requests_to("/api/chat")


def test_when_the_listing_cannot_tell_ollamas_own_refusal_is_a_clear_error(
    host, ollama_env, emulator
):
    emulator.fail(500, times=100, on="/api/show")  # capabilities unknown: the host cannot check
    events = chat(host(), asking(image(), model="qwen:7b"))
    error = error_of(events)
    assert error.code == "invalid_request"
    assert error.message.startswith(
        "The model cannot take images: Ollama answered 'Multimodal data provided, but model "
        "does not support multimodal requests.'"
    )
    assert len(emulator.requests_to("/api/chat")) == 1  # a 400 is not retried


def test_llama_servers_other_words_for_a_model_that_cannot_see_are_understood(
    host, ollama_env, emulator
):
    # Models Ollama runs through llama-server's chat endpoint answer 500 with these words.
    emulator.fail(500, times=100, on="/api/show")
    inner = {
        "code": 500,
        "message": "image input is not supported - hint: if this is unexpected, you may need "
        "to provide the mmproj",
        "type": "server_error",
    }
    emulator.fail(500, {"error": json.dumps({"error": inner})}, on="/api/chat")
    error = error_of(chat(host(), asking(image(), model="qwen:7b")))
    assert error.code == "invalid_request"
    assert error.message.startswith(
        "The model cannot take images: Ollama answered 'image input is not supported"
    )
    assert len(emulator.requests_to("/api/chat")) == 1  # not retried as a server error


def test_image_data_that_names_a_file_of_the_host_is_sent_as_the_image(
    host, ollama_env, emulator, agentkit_env
):
    # Base64 text is also a file name, and the host runs in agentkit_env: handed the text, the
    # ollama client would send that file's contents instead of the image.
    (agentkit_env / PNG_B64).write_text("a secret of the host")
    events = chat(host(), asking(image()))
    assert error_of(events) is None
    assert sent_user(emulator)["images"] == [PNG_B64]


def test_data_that_is_not_an_image_is_ollamas_clear_error(host, ollama_env, emulator):
    text = base64.b64encode(b"%PDF-1.7 not a picture").decode()
    error = error_of(chat(host(), asking(image(text))))
    assert error.code == "invalid_request"
    assert error.message.startswith(
        "Ollama could not read an image: it answered 'Failed to load image or audio file'."
    )
    assert "Send the image as PNG or JPEG data" in error.message  # the hint
    assert len(emulator.requests_to("/api/chat")) == 1  # a 400 is not retried


def test_the_capabilities_endpoint_says_which_models_take_images(host, ollama_env):
    base = host()

    def media(model: str) -> dict:
        answer = httpx.get(
            f"{base}/chat/chat/capabilities", params={"provider": "ollama", "model": model}
        )
        assert answer.status_code == 200, answer.text
        return answer.json()["multimodal"]["input"]

    assert media("gemma3:4b") == {
        "image": True,
        "audio": False,
        "video": False,
        "pdf": False,
        "file": False,
    }
    assert media("qwen:7b")["image"] is False
