"""Media end to end: AG-UI 1.0 image, audio, video and document parts, from a real AgentKit host
through the real ChatGoogleGenerativeAI to the emulator, in Gemini's wire format (``inlineData``
for data and fetched URLs, ``fileData`` for Files API handles), and every way Gemini or the host
refuses them."""

from __future__ import annotations

import base64

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from agentkit.testing import chat, error_of, run_input, serve, text_of, tool_turns
from agentkit_gemini.testing import DEFAULT_KEY, model_entry

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))
MEDIA = {
    "image": ("image/png", PNG),
    "audio": ("audio/wav", b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(16)),
    "video": ("video/mp4", b"\x00\x00\x00\x18ftypmp42" + bytes(32)),
    "document": ("application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
}
"""A few bytes of each kind, with a type Gemini takes."""


def encode(data: bytes) -> str:
    return base64.b64encode(data).decode()


def decode(value: str) -> bytes:
    """Bytes of a JSON ``bytes`` field: google-genai sends URL-safe base64."""
    return base64.b64decode(value.replace("-", "+").replace("_", "/"))


def data_part(kind: str, data: bytes, mime_type: str, **metadata: str) -> dict:
    part = {"type": kind, "source": {"type": "data", "value": encode(data), "mimeType": mime_type}}
    return {**part, "metadata": metadata} if metadata else part


def media_run(*parts: dict, model: str = "gemini-2.5-flash") -> dict:
    content = [{"type": "text", "text": "What is in this?"}, *parts]
    return run_input(
        [{"id": "u1", "role": "user", "content": content}], provider="gemini", model=model
    )


def sent_parts(emulator) -> list[dict]:
    """The parts of the last content of the one chat request Gemini received, with the keys of
    ``inlineData`` and ``fileData`` in camelCase (google-genai writes them in snake_case; Google's
    JSON parser takes both)."""
    [request] = emulator.requests_to("streamGenerateContent")
    return [_camel_media(part) for part in request["json"]["contents"][-1]["parts"]]


def _camel_media(part: dict) -> dict:
    names = {"mime_type": "mimeType", "file_uri": "fileUri"}
    return {
        key: {names.get(k, k): v for k, v in value.items()} if key.endswith("Data") else value
        for key, value in part.items()
    }


@pytest.mark.parametrize("kind", MEDIA)
def test_data_reaches_gemini_as_inline_data(host, gemini_env, emulator, kind):
    mime_type, data = MEDIA[kind]
    events = chat(host(), media_run(data_part(kind, data, mime_type, filename=f"a.{kind}")))
    assert text_of(events) == emulator.reply
    text, media = sent_parts(emulator)
    assert text == {"text": "What is in this?"}
    assert set(media) == {"inlineData"}
    assert media["inlineData"]["mimeType"] == mime_type
    assert decode(media["inlineData"]["data"]) == data


def test_a_text_document_keeps_its_type(host, gemini_env, emulator):
    csv = b"city,temperature\nParis,21\n"
    chat(host(), media_run(data_part("document", csv, "text/csv")))
    media = sent_parts(emulator)[1]["inlineData"]
    assert (media["mimeType"], decode(media["data"])) == ("text/csv", csv)


def test_several_parts_keep_their_order(host, gemini_env, emulator):
    parts = [data_part(kind, MEDIA[kind][1], MEDIA[kind][0]) for kind in ("document", "image")]
    chat(host(), media_run(*parts))
    types = [p["inlineData"]["mimeType"] for p in sent_parts(emulator)[1:]]
    assert types == ["application/pdf", "image/png"]


@pytest.fixture
def files_url():
    """A web server on loopback serving each kind of media with its Content-Type."""

    async def media(request):
        mime_type, data = MEDIA[request.path_params["kind"]]
        return Response(data, media_type=mime_type)

    with serve(Starlette(routes=[Route("/{kind}", media)])) as url:
        yield url


@pytest.mark.parametrize("kind", MEDIA)
def test_url_sources_are_fetched_by_the_host_and_sent_inline(
    host, gemini_env, emulator, files_url, kind
):
    base = host(AGENTKIT_FETCH_SCHEMES="http", AGENTKIT_FETCH_PRIVATE_URLS="true")
    part = {"type": kind, "source": {"type": "url", "value": f"{files_url}/{kind}"}}
    events = chat(base, media_run(part))
    assert text_of(events) == emulator.reply
    media = sent_parts(emulator)[1]
    assert set(media) == {"inlineData"}, "Gemini gets the bytes, never the URL"
    mime_type, data = MEDIA[kind]
    assert media["inlineData"]["mimeType"] == mime_type, "the type comes from Content-Type"
    assert decode(media["inlineData"]["data"]) == data


def test_a_url_on_a_private_address_is_refused_before_gemini(host, gemini_env, emulator, files_url):
    part = {"type": "image", "source": {"type": "url", "value": f"{files_url}/image"}}
    response = httpx.post(
        f"{host(AGENTKIT_FETCH_SCHEMES='http')}/chat/chat", json=media_run(part), timeout=10
    )
    assert response.status_code == 422
    assert "AGENTKIT_FETCH_PRIVATE_URLS" in response.json()["error"]["message"]
    assert not emulator.requests_to("streamGenerateContent")


YOUTUBE = "https://www.youtube.com/watch?v=9hE5-98ZeCg"


def test_a_youtube_video_goes_to_gemini_as_its_url(host, gemini_env, emulator):
    part = {"type": "video", "source": {"type": "url", "value": YOUTUBE}}
    events = chat(host(), media_run(part))
    assert text_of(events) == emulator.reply
    assert sent_parts(emulator)[1] == {"fileData": {"fileUri": YOUTUBE}}


@pytest.mark.parametrize(
    ("kind", "url", "to_gemini"),
    [
        ("video", YOUTUBE, True),
        ("video", "https://youtu.be/9hE5-98ZeCg", True),
        ("image", YOUTUBE, False),  # a web page, not an image: the host fetches and refuses it
        ("video", "https://example.com/clip.mp4", False),
        ("video", "https://www.youtube.com.evil.example/watch?v=9hE5-98ZeCg", False),
    ],
)
def test_only_youtube_videos_go_to_gemini_as_urls(gemini_env, kind, url, to_gemini):
    from agentkit_gemini.provider import GeminiProvider
    from agentkit_gemini.settings import GeminiSettings

    assert GeminiProvider(GeminiSettings()).fetches_url(kind, url) is to_gemini


@pytest.mark.parametrize("kind", MEDIA)
def test_file_handles_reach_gemini_as_file_data(host, gemini_env, emulator, kind):
    mime_type, _ = MEDIA[kind]
    uri = emulator.add_file(mime_type)["uri"]
    part = {"type": kind, "source": {"type": "file", "value": uri, "provider": "gemini"}}
    events = chat(host(), media_run(part))
    assert text_of(events) == emulator.reply
    assert sent_parts(emulator)[1] == {"fileData": {"fileUri": uri}}, (
        "without a mimeType the file's own type applies; langchain-google-genai would send "
        "application/octet-stream for a document, which Gemini refuses"
    )


def test_a_file_handle_with_its_type(host, gemini_env, emulator):
    uri = emulator.add_file("application/pdf")["uri"]
    source = {"type": "file", "value": uri, "mimeType": "application/pdf"}
    chat(host(), media_run({"type": "document", "source": source}))
    assert sent_parts(emulator)[1] == {"fileData": {"fileUri": uri, "mimeType": "application/pdf"}}


def test_an_image_in_a_tool_result_reaches_gemini(host, gemini_env, emulator):
    messages = tool_turns([{"type": "text", "text": "Here."}, data_part("image", PNG, "image/png")])
    body = run_input(messages, provider="gemini", model="gemini-2.0-flash")
    assert text_of(chat(host(), body)) == emulator.reply
    media, answer = sent_parts(emulator)
    assert media["inlineData"]["mimeType"] == "image/png"
    assert decode(media["inlineData"]["data"]) == PNG
    assert answer["functionResponse"]["name"] == "shot"


# --- what Gemini refuses, and what the host refuses for it ---------------------------------


def test_a_type_gemini_does_not_take(host, gemini_env, emulator):
    error = error_of(chat(host(), media_run(data_part("image", b"GIF89a" + bytes(8), "image/gif"))))
    assert error is not None and error.code == "invalid_request"
    assert "Unsupported MIME type: image/gif" in error.message
    assert "PNG, JPEG, WebP" in error.message, "the hint says which types Gemini takes"


def test_a_model_without_the_modality(host, gemini_env, emulator):
    run = media_run(data_part("image", PNG, "image/png"), model="gemma-3-1b-it")
    error = error_of(chat(host(), run))
    assert error is not None and error.code == "invalid_request"
    assert "Image input modality is not enabled for models/gemma-3-1b-it" in error.message
    assert "pick a model" in error.message


TTS = "gemini-2.5-flash-preview-tts"
"""A model Gemini lists for generateContent that LangChain's profiles know takes no media."""


@pytest.mark.parametrize("kind", MEDIA)
def test_media_the_profile_rules_out_are_refused_before_gemini(host, gemini_env, emulator, kind):
    emulator.models.append(
        model_entry(
            TTS,
            "Gemini 2.5 Flash Preview TTS",
            methods=["countTokens", "generateContent"],
            input_tokens=8192,
            output_tokens=16384,
        )
    )
    mime_type, data = MEDIA[kind]
    run = media_run(data_part(kind, data, mime_type), model=TTS)
    response = httpx.post(f"{host()}/chat/chat", json=run, timeout=10)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_media"
    assert "part 2" in error["message"] and TTS in error["message"]
    assert not emulator.requests_to("streamGenerateContent")


def test_media_to_a_model_of_unknown_capabilities_go_to_gemini(host, gemini_env, emulator):
    """Nothing describes Gemma 3 1B's media, so the host lets the image through and Gemini's
    own refusal reaches the user (the case above, known to lack vision, never reaches Gemini)."""
    run = media_run(data_part("image", PNG, "image/png"), model="gemma-3-1b-it")
    error = error_of(chat(host(), run))
    assert error is not None and error.code == "invalid_request"
    assert emulator.requests_to("streamGenerateContent"), "Gemini was asked"


def test_a_request_over_geminis_size_limit(host, gemini_env, emulator):
    emulator.max_request_bytes = 2000
    error = error_of(chat(host(), media_run(data_part("image", PNG * 40, "image/png"))))
    assert error is not None and error.code == "invalid_request"
    assert "Request payload size exceeds the limit: 2000 bytes." in error.message
    assert "Files API" in error.message


def test_a_file_gemini_does_not_have(host, gemini_env, emulator):
    uri = "https://generativelanguage.googleapis.com/v1beta/files/gone123"
    part = {"type": "document", "source": {"type": "file", "value": uri}}
    error = error_of(chat(host(), media_run(part)))
    assert error is not None
    assert error.code == "invalid_request", "the key is fine: this is not an auth failure"
    assert "You do not have permission to access the File gone123" in error.message
    assert "48 hours" in error.message


def test_a_file_gemini_is_still_processing(host, gemini_env, emulator):
    file = emulator.add_file("video/mp4", state="PROCESSING")
    part = {"type": "video", "source": {"type": "file", "value": file["uri"]}}
    error = error_of(chat(host(), media_run(part)))
    assert error is not None and error.code == "invalid_request"
    assert "is not in an ACTIVE state" in error.message
    assert "wait until its state is ACTIVE" in error.message


@pytest.mark.parametrize("kind", ["image", "document"])
def test_a_files_name_reaches_gemini_as_its_uri(host, gemini_env, emulator, kind):
    file = emulator.add_file(MEDIA[kind][0])
    assert file["name"].startswith("files/")
    part = {"type": kind, "source": {"type": "file", "value": file["name"]}}
    assert text_of(chat(host(), media_run(part))) == emulator.reply
    assert sent_parts(emulator)[1] == {"fileData": {"fileUri": file["uri"]}}, (
        "fileUri takes the file's uri, not the name files.upload answers beside it"
    )


def test_a_handle_that_is_not_a_gemini_file(host, gemini_env, emulator):
    uri = "gs://bucket/report.pdf"
    part = {"type": "document", "source": {"type": "file", "value": uri}}
    error = error_of(chat(host(), media_run(part)))
    assert error is not None and error.code == "invalid_request"
    assert f"Invalid or unsupported file uri: {uri}" in error.message
    assert "Files API" in error.message, "the hint says what a file source must be"


def test_a_handle_of_another_provider_is_refused_before_gemini(host, gemini_env, emulator):
    source = {"type": "file", "value": "file-abc", "provider": "azure_openai"}
    response = httpx.post(
        f"{host()}/chat/chat", json=media_run({"type": "document", "source": source}), timeout=10
    )
    assert response.status_code == 422
    assert "azure_openai" in response.json()["error"]["message"]
    assert not emulator.requests_to("streamGenerateContent")


# --- the emulator's own checks, for what the host never lets through -------------------------


def generate(url: str, parts: list[dict], model: str = "gemini-2.5-flash") -> httpx.Response:
    return httpx.post(
        f"{url}/v1beta/models/{model}:generateContent",
        json={"contents": [{"role": "user", "parts": [{"text": "Hi"}, *parts]}]},
        headers={"x-goog-api-key": DEFAULT_KEY},
        timeout=10,
    )


def test_emulator_refuses_data_that_is_not_base64(emulator_url):
    response = generate(emulator_url, [{"inlineData": {"mimeType": "image/png", "data": "a*b"}}])
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["status"] == "INVALID_ARGUMENT"
    assert error["message"] == (
        "Invalid value at 'contents[0].parts[1].inline_data.data' (TYPE_BYTES), Base64 decoding "
        'failed for "a*b"'
    )


def test_emulator_takes_either_spelling_and_either_alphabet(emulator_url):
    data = base64.urlsafe_b64encode(PNG).decode()
    camel = generate(emulator_url, [{"inlineData": {"mimeType": "image/png", "data": data}}])
    snake = generate(emulator_url, [{"inline_data": {"mime_type": "image/png", "data": data}}])
    assert (camel.status_code, snake.status_code) == (200, 200)


def test_emulator_refuses_inline_data_without_a_type(emulator_url):
    response = generate(emulator_url, [{"inlineData": {"data": encode(PNG)}}])
    assert response.status_code == 400
    assert response.json()["error"]["message"].startswith("Unsupported MIME type")


def test_emulator_refuses_a_file_type_it_does_not_take(emulator, emulator_url):
    uri = emulator.add_file("application/pdf")["uri"]
    part = {"fileData": {"fileUri": uri, "mimeType": "application/octet-stream"}}
    response = generate(emulator_url, [part])
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Unsupported MIME type: application/octet-stream"


def test_emulator_refuses_a_pdf_file_to_a_text_only_model(emulator, emulator_url):
    uri = emulator.add_file("application/pdf")["uri"]
    response = generate(emulator_url, [{"fileData": {"fileUri": uri}}], model="gemma-3-1b-it")
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "Document input modality is not enabled for models/gemma-3-1b-it"
    )
    text = {"inlineData": {"mimeType": "text/plain", "data": "aGk="}}
    assert generate(emulator_url, [text], model="gemma-3-1b-it").status_code == 200, (
        "a text document is read as text, which every model takes"
    )


def test_emulator_takes_a_youtube_video_and_no_other_url(emulator_url):
    youtube = {"fileData": {"fileUri": "https://www.youtube.com/watch?v=9hE5-98ZeCg"}}
    assert generate(emulator_url, [youtube]).status_code == 200
    page = "https://example.com/video.mp4"
    response = generate(emulator_url, [{"fileData": {"fileUri": page, "mimeType": "video/mp4"}}])
    assert response.status_code == 400
    assert response.json()["error"]["message"] == f"Invalid or unsupported file uri: {page}"
    name = generate(emulator_url, [{"fileData": {"fileUri": "files/abc123"}}])
    assert name.status_code == 400, "a file's name is not its uri"
