"""Media through a real host to the emulator: each kind and source in the wire format of the API
in use (``image_url`` and ``input_audio`` on chat completions, ``input_image`` and ``input_file``
on the Responses API), and each part Azure or the model cannot take refused before the stream."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import httpx
import pytest

from agentkit.testing import chat, error_of, run_input, serve, text_of, tool_turns
from agentkit_azure_openai.testing import DEFAULT_KEY, deployment

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00"
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"\xff\xfb\x90\x64" + b"\x00" * 16
IMAGE_URL = "https://images.example.com/cat.png"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def data_part(kind: str, data: bytes, mime: str, **metadata: str) -> dict:
    part = {"type": kind, "source": {"type": "data", "value": b64(data), "mimeType": mime}}
    return {**part, "metadata": metadata} if metadata else part


def url_part(kind: str, url: str) -> dict:
    return {"type": kind, "source": {"type": "url", "value": url}}


def asking(*parts: dict, model: str = "chat", **kw) -> dict:
    content = [{"type": "text", "text": "What is this?"}, *parts]
    return run_input([{"id": "u1", "role": "user", "content": content}], model=model, **kw)


def post(base: str, body: dict) -> httpx.Response:
    return httpx.post(f"{base}/chat/chat", json=body, timeout=30)


@pytest.fixture
def media_env(azure_env, monkeypatch, emulator) -> None:
    """``chat`` (gpt-4o), ``listener`` (gpt-4o-audio-preview) and ``reasoner`` (o3-mini, which
    takes no images) on the classic API."""
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "listener=gpt-4o-audio-preview,reasoner=o3-mini")
    emulator.models.append(deployment("listener", "gpt-4o-audio-preview", "2024-12-17"))


@pytest.fixture
def responses_env(media_env, monkeypatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_API", "responses")


def user_content(request: dict) -> list[dict]:
    """The last user message's content parts of a chat completions request."""
    return [m for m in request["json"]["messages"] if m["role"] == "user"][-1]["content"]


def input_content(request: dict) -> list[dict]:
    """The last user message's content parts of a Responses request."""
    return [i for i in request["json"]["input"] if i.get("role") == "user"][-1]["content"]


# --- chat completions ----------------------------------------------------------------------------


@pytest.mark.parametrize("api", ["classic", "v1"])
def test_an_image_reaches_chat_completions_as_a_data_url(
    media_env, monkeypatch, host, emulator, api
):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    events = chat(host(), asking(data_part("image", PNG, "image/png")))
    assert error_of(events) is None and text_of(events) == emulator.reply
    [request] = emulator.chat_requests()
    assert user_content(request)[1] == {
        "type": "image_url",
        "image_url": {"url": f"data:image/png;base64,{b64(PNG)}"},
    }


def test_an_image_url_goes_to_azure_which_fetches_it(media_env, host, emulator):
    events = chat(host(), asking(url_part("image", IMAGE_URL)))
    assert error_of(events) is None
    [request] = emulator.chat_requests()
    assert user_content(request)[1] == {"type": "image_url", "image_url": {"url": IMAGE_URL}}


@pytest.mark.parametrize(
    ("data", "mime", "named"), [(WAV, "audio/wav", "wav"), (MP3, "audio/mpeg", "mp3")]
)
def test_audio_reaches_an_audio_deployment_as_input_audio(
    media_env, host, emulator, data, mime, named
):
    """langchain-openai would name audio/mpeg "mpeg", which Azure refuses: it goes as mp3."""
    events = chat(host(), asking(data_part("audio", data, mime), model="listener"))
    assert error_of(events) is None
    [request] = emulator.chat_requests()
    assert request["path"] == "/openai/deployments/listener/chat/completions"
    assert request["query"]["api-version"] == "2025-01-01-preview"  # audio needs it
    assert user_content(request)[1] == {
        "type": "input_audio",
        "input_audio": {"data": b64(data), "format": named},
    }


def refusal(response: httpx.Response) -> str:
    """The message of a 422 ``unsupported_media``, answered before any stream."""
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "unsupported_media"
    return error["message"]


def test_audio_in_a_format_azure_does_not_take_is_refused_before_the_stream(
    media_env, host, emulator
):
    ogg = data_part("audio", b"OggS" + bytes(20), "audio/ogg")
    assert "wav or mp3, not audio/ogg" in refusal(post(host(), asking(ogg, model="listener")))
    assert emulator.chat_requests() == []


def test_a_pdf_on_chat_completions_is_refused_before_the_stream(media_env, host, emulator):
    response = post(host(), asking(data_part("document", PDF, "application/pdf")))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_media"
    assert "Azure OpenAI takes no document parts (it takes: audio, image)" in error["message"]
    assert emulator.chat_requests() == []


def test_audio_to_gpt_4o_is_refused_before_the_stream(media_env, host, emulator):
    response = post(host(), asking(data_part("audio", WAV, "audio/wav")))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "unsupported_media"
    assert "chat cannot take audios" in error["message"]
    assert "tools, vision" in error["message"]
    assert emulator.chat_requests() == []


def test_an_image_to_a_deployment_known_without_vision_is_refused(media_env, host, emulator):
    response = post(host(), asking(data_part("image", PNG, "image/png"), model="reasoner"))
    assert response.status_code == 422
    assert "reasoner cannot take images" in response.json()["error"]["message"]
    assert emulator.chat_requests() == []


@pytest.mark.parametrize("api", ["classic", "responses"])
def test_video_is_refused_on_every_api(media_env, monkeypatch, host, emulator, api):
    monkeypatch.setenv("AZURE_OPENAI_API", api)
    response = post(host(), asking(data_part("video", b"\x00\x00\x00\x18ftypmp42", "video/mp4")))
    assert response.status_code == 422
    assert "Azure OpenAI takes no video parts" in response.json()["error"]["message"]
    assert emulator.chat_requests() == emulator.responses_requests() == []


def test_an_image_of_unknown_capabilities_goes_to_azure_which_decides(
    azure_env, monkeypatch, host, emulator
):
    """Nothing is known of a deployment whose model nobody named: Azure's own answer counts."""
    monkeypatch.setenv("AZURE_OPENAI_DEPLOYMENTS", "mystery")
    emulator.models.append(deployment("mystery", "gpt-35-turbo", "0125"))
    error = error_of(chat(host(), asking(data_part("image", PNG, "image/png"), model="mystery")))
    assert error.code == "invalid_request"
    assert "image_url is only supported by certain models" in error.message


def test_media_in_a_tool_result_on_chat_completions_is_refused(media_env, host, emulator):
    messages = tool_turns([data_part("image", PNG, "image/png")])
    response = post(host(), run_input(messages, model="chat"))
    assert "chat completions take only text in tool results" in refusal(response)
    assert "AZURE_OPENAI_API=responses" in response.json()["error"]["hint"]
    assert emulator.chat_requests() == []


def test_num_ctx_never_reaches_azure(media_env, host, emulator):
    chat(host(), run_input("hi", model="chat", params={"num_ctx": 4096, "temperature": 0.5}))
    body = emulator.chat_requests()[0]["json"]
    assert body["temperature"] == 0.5
    assert "num_ctx" not in str(body)


# --- the Responses API ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "url"),
    [
        (data_part("image", PNG, "image/png"), f"data:image/png;base64,{b64(PNG)}"),
        (url_part("image", IMAGE_URL), IMAGE_URL),
    ],
)
def test_an_image_reaches_the_responses_api_as_input_image(
    responses_env, host, emulator, part, url
):
    events = chat(host(), asking(part))
    assert error_of(events) is None and text_of(events) == emulator.reply
    [request] = emulator.responses_requests()
    assert input_content(request)[1] == {"type": "input_image", "image_url": url}


@pytest.mark.parametrize(
    ("metadata", "filename"), [({"filename": "q3.pdf"}, "q3.pdf"), ({}, "document.pdf")]
)
def test_a_pdf_reaches_the_responses_api_as_input_file(
    responses_env, host, emulator, metadata, filename
):
    events = chat(host(), asking(data_part("document", PDF, "application/pdf", **metadata)))
    assert error_of(events) is None
    [request] = emulator.responses_requests()
    assert input_content(request)[1] == {
        "type": "input_file",
        "file_data": f"data:application/pdf;base64,{b64(PDF)}",
        "filename": filename,
    }


def test_an_uploaded_file_goes_by_its_id(responses_env, host, emulator):
    emulator.files.add("assistant-8d1f")
    part = {"type": "document", "source": {"type": "file", "value": "assistant-8d1f"}}
    events = chat(host(), asking(part))
    assert error_of(events) is None
    [request] = emulator.responses_requests()
    assert input_content(request)[1] == {"type": "input_file", "file_id": "assistant-8d1f"}


@pytest.fixture
def pdf_url() -> Iterator[str]:
    """A PDF served on loopback, as a document URL a client might send."""
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def report(request):
        return Response(PDF, media_type="application/pdf")

    with serve(Starlette(routes=[Route("/q3.pdf", report)])) as url:
        yield f"{url}/q3.pdf"


def test_a_document_url_is_fetched_by_the_host_and_sent_as_data(
    responses_env, host, emulator, pdf_url
):
    """Azure fetches no document URL: the host does (under its rules) and sends the bytes."""
    base = host(AGENTKIT_FETCH_SCHEMES="http,https", AGENTKIT_FETCH_PRIVATE_URLS="true")
    events = chat(base, asking(url_part("document", pdf_url)))
    assert error_of(events) is None
    [request] = emulator.responses_requests()
    assert input_content(request)[1] == {
        "type": "input_file",
        "file_data": f"data:application/pdf;base64,{b64(PDF)}",
        "filename": "document.pdf",
    }


def test_a_document_url_on_the_users_network_is_not_fetched(responses_env, host, emulator, pdf_url):
    response = post(
        host(AGENTKIT_FETCH_SCHEMES="http,https"), asking(url_part("document", pdf_url))
    )
    assert response.status_code == 422
    message = response.json()["error"]["message"]
    assert pdf_url in message and "private" in message, message
    assert emulator.responses_requests() == []


def test_a_document_that_is_not_a_pdf_is_refused_before_the_stream(responses_env, host, emulator):
    text = data_part("document", b"plain words", "text/plain")
    assert "PDF documents only, not text/plain" in refusal(post(host(), asking(text)))
    assert emulator.responses_requests() == []


def test_audio_on_the_responses_api_is_refused_before_the_stream(responses_env, host, emulator):
    response = post(host(), asking(data_part("audio", WAV, "audio/wav"), model="listener"))
    assert response.status_code == 422
    assert "takes no audio parts" in response.json()["error"]["message"]


def test_a_pdf_to_a_deployment_without_vision_is_refused(responses_env, host, emulator):
    response = post(host(), asking(data_part("document", PDF, "application/pdf"), model="reasoner"))
    assert response.status_code == 422
    assert "reasoner cannot take documents" in response.json()["error"]["message"]
    assert emulator.responses_requests() == []


def test_num_ctx_never_reaches_the_responses_api(responses_env, host, emulator):
    chat(host(), run_input("hi", model="chat", params={"num_ctx": 4096}))
    assert "num_ctx" not in str(emulator.responses_requests()[0]["json"])


# --- the listing -------------------------------------------------------------------------------


def test_models_show_their_profiles_with_sources_and_no_guesses(media_env, monkeypatch, host):
    monkeypatch.setenv(
        "AZURE_OPENAI_DEPLOYMENTS", "listener=gpt-4o-audio-preview,reasoner=o3-mini,mystery"
    )
    models = {m["id"]: m for m in httpx.get(f"{host()}/models", timeout=10).json()["models"]}
    chat_model, listener, mystery = models["chat"], models["listener"], models["mystery"]
    assert chat_model["capabilities"] == ["tools", "vision", "documents", "structured_output"]
    assert chat_model["context_window"] == 128000
    assert chat_model["sources"]["context_window"].startswith("LangChain model profiles")
    assert listener["capabilities"] == ["tools", "audio"]
    assert listener["sources"] == {"capabilities": "Azure OpenAI plugin family rules"}
    assert (mystery["capabilities"], mystery["context_window"], mystery["sources"]) == (
        [],
        None,
        {},
    )


# --- the emulator is as strict as Azure ----------------------------------------------------------


def to_emulator(url: str, path: str, body: dict, api_version: str | None = None) -> dict:
    """Azure's answer (the error object) to a request sent straight to the emulator."""
    params = {"api-version": api_version} if api_version else None
    response = httpx.post(
        url + path, json=body, params=params, headers={"api-key": DEFAULT_KEY}, timeout=10
    )
    assert response.status_code == 400, response.text
    return response.json()["error"]


def completions(url: str, deployment_name: str, *parts: dict, version="2025-01-01-preview"):
    body = {"messages": [{"role": "user", "content": list(parts)}], "stream": True}
    path = f"/openai/deployments/{deployment_name}/chat/completions"
    return to_emulator(url, path, body, version)


def responses(url: str, deployment_name: str, *parts: dict) -> dict:
    body = {"model": deployment_name, "input": [{"role": "user", "content": list(parts)}]}
    return to_emulator(url, "/openai/v1/responses", body)


def image_url(url: str) -> dict:
    return {"type": "image_url", "image_url": {"url": url}}


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("not a url", "without the 'data:' prefix"),
        (f"data:image/png,{b64(PNG)}", "without the ';base64' separator"),
        (f"data:image/bmp;base64,{b64(PNG)}", "unsupported MIME type 'image/bmp'"),
        ("data:image/png;base64,not*base64", "an invalid base64-encoded value"),
        (f"data:image/png;base64,{b64(PDF)}", "You uploaded an unsupported image"),
    ],
)
def test_the_emulator_takes_only_real_images(emulator_url, url, says):
    assert says in completions(emulator_url, "chat", image_url(url))["message"]


def test_the_emulator_refuses_images_to_a_model_without_vision(emulator_url):
    error = completions(emulator_url, "reasoner", image_url(IMAGE_URL))
    assert error == {
        "message": "Invalid content type. image_url is only supported by certain models.",
        "type": "invalid_request_error",
        "param": "messages.[0].content.[0].type",
        "code": None,
    }


def test_the_emulator_refuses_file_parts_on_chat_completions_whatever_the_model(emulator_url):
    part = {"type": "file", "file": {"file_data": f"data:application/pdf;base64,{b64(PDF)}"}}
    error = completions(emulator_url, "chat", part)
    assert error["message"] == (
        "Invalid Value: 'file'. This model does not support file content types."
    )


def test_the_emulator_takes_audio_only_from_audio_models(emulator_url, emulator):
    emulator.models.append(deployment("listener", "gpt-4o-audio-preview", "2024-12-17"))
    wav = {"type": "input_audio", "input_audio": {"data": b64(WAV), "format": "wav"}}
    refused = completions(emulator_url, "chat", wav)
    assert "input_audio is only supported by certain models" in refused["message"]
    old = completions(emulator_url, "listener", wav, version="2024-10-21")
    assert "enabled only for api versions 2025-01-01-preview and later" in old["message"]
    mislabelled = {"type": "input_audio", "input_audio": {"data": b64(WAV), "format": "mp3"}}
    wrong = completions(emulator_url, "listener", mislabelled)
    assert wrong["code"] == "unsupported_format"
    text = completions(emulator_url, "listener", {"type": "text", "text": "hi"})
    assert "either input content or output modality contain audio" in text["message"]


def test_the_emulator_refuses_audio_on_the_responses_api(emulator_url):
    part = {"type": "input_audio", "input_audio": {"data": b64(WAV), "format": "wav"}}
    error = responses(emulator_url, "chat", part)
    assert error["message"].startswith("Invalid value: 'input_audio'. Supported values are:")


def test_the_emulator_wants_a_pdf_with_its_filename_on_the_responses_api(emulator_url):
    data = f"data:application/pdf;base64,{b64(PDF)}"
    unnamed = responses(emulator_url, "chat", {"type": "input_file", "file_data": data})
    assert unnamed["code"] == "missing_required_parameter"
    text = f"data:text/plain;base64,{b64(b'words')}"
    named = {"type": "input_file", "file_data": text, "filename": "a.txt"}
    assert "application/pdf" in responses(emulator_url, "chat", named)["message"]
    pdf = {"type": "input_file", "file_data": data, "filename": "a.pdf"}
    assert "does not support file" in responses(emulator_url, "reasoner", pdf)["message"]


def test_an_image_by_file_handle_is_refused_before_the_stream(responses_env, host, emulator):
    part = {"type": "image", "source": {"type": "file", "value": "assistant-8d1f"}}
    assert "takes no image by file handle" in refusal(post(host(), asking(part)))
    assert emulator.responses_requests() == []
