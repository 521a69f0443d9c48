"""The emulator speaks Ollama's wire protocol: the real ``ollama`` client parses every answer
(its pydantic types reject a wrong shape), including the non-streaming chat and cut streams."""

from __future__ import annotations

import asyncio
import base64
import json

import httpx
import ollama
import pytest


def client(url: str) -> ollama.AsyncClient:
    return ollama.AsyncClient(host=url)


def test_version_ps_tags_and_show_parse_with_the_real_client(emulator_url):
    async def calls():
        c = client(emulator_url)
        return await c.ps(), await c.list(), await c.show("llama3.2")

    ps, tags, show = asyncio.run(calls())
    assert ps.models[0].model == "qwen:7b"
    assert tags.models[1].details.parameter_size == "3.2B"
    assert show.capabilities == ["completion", "tools"]
    version = httpx.get(f"{emulator_url}/api/version").json()
    assert version["version"].count(".") == 2


def test_non_streaming_chat_is_one_object_with_the_whole_reply(emulator, emulator_url):
    emulator.tool_call = [{"name": "a", "arguments": {"x": 1}}, {"name": "b"}]
    response = asyncio.run(
        client(emulator_url).chat("llama3.2", [{"role": "user", "content": "hi"}], stream=False)
    )
    assert response.done and response.done_reason == "stop"
    assert [(c.function.name, c.function.arguments) for c in response.message.tool_calls] == [
        ("a", {"x": 1}),
        ("b", {}),
    ]
    assert response.eval_count == 2 and response.prompt_eval_count > 0


def test_streaming_chat_is_ndjson_ending_with_done(emulator_url):
    with httpx.stream(
        "POST",
        f"{emulator_url}/api/chat",
        json={"model": "qwen:7b", "messages": [{"role": "user", "content": "hi"}]},
    ) as response:
        assert response.headers["content-type"] == "application/x-ndjson"
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert (
        "".join(line["message"]["content"] for line in lines) == "Hello from the Ollama emulator."
    )
    assert [line["done"] for line in lines] == [False] * 5 + [True]
    assert lines[-1]["done_reason"] == "stop" and lines[-1]["eval_count"] == 5


def test_unknown_model_is_ollamas_404(emulator_url):
    response = httpx.post(
        f"{emulator_url}/api/chat", json={"model": "x", "messages": [{"role": "user"}]}
    )
    assert response.status_code == 404
    assert response.json() == {"error": 'model "x" not found, try pulling it first'}


def test_a_cut_stream_breaks_off_mid_answer(emulator, emulator_url):
    emulator.cut_after = 2

    async def read():
        stream = await client(emulator_url).chat(
            "qwen:7b", [{"role": "user", "content": "hi"}], stream=True
        )
        return [part.message.content async for part in stream]

    with pytest.raises(httpx.RemoteProtocolError):
        asyncio.run(read())
    assert emulator.disconnects == 0


def chat_body(model: str, **extra) -> dict:
    return {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}


@pytest.mark.parametrize(
    ("think", "error"),
    [
        ("extreme", 'invalid think value: "extreme" (must be "high", "medium", "low", "max",'),
        (1, 'think must be a boolean or string ("high", "medium", "low", "max", true, or false)'),
        ("high", '"llama3.2" does not support thinking'),
        (True, '"llama3.2" does not support thinking'),
    ],
)
def test_think_is_checked_as_ollama_checks_it(emulator_url, think, error):
    response = httpx.post(f"{emulator_url}/api/chat", json=chat_body("llama3.2", think=think))
    assert response.status_code == 400
    assert response.json()["error"].startswith(error)


def test_a_model_that_cannot_think_takes_think_false(emulator, emulator_url):
    response = httpx.post(
        f"{emulator_url}/api/chat", json=chat_body("llama3.2", think=False, stream=False)
    )
    assert response.status_code == 200
    assert response.json()["message"] == {"role": "assistant", "content": emulator.reply}


@pytest.mark.parametrize(
    ("model", "think", "thinks"),
    [
        ("qwen3:8b", None, True),  # the server turns thinking on for a model that can
        ("qwen3:8b", True, True),
        ("qwen3:8b", "max", True),
        ("qwen3:8b", False, False),
        ("gpt-oss:20b", False, True),  # gpt-oss cannot stop thinking
        ("gpt-oss:20b", "low", True),
    ],
)
def test_thinking_models_think_as_ollama_decides(emulator, emulator_url, model, think, thinks):
    extra = {} if think is None else {"think": think}

    async def ask():
        return await client(emulator_url).chat(
            model, [{"role": "user", "content": "hi"}], stream=False, **extra
        )

    message = asyncio.run(ask()).message
    assert message.thinking == (emulator.thinking if thinks else None)
    assert message.content == emulator.reply


def test_thinking_streams_before_the_content_and_counts_in_eval_count(emulator, emulator_url):
    emulator.thinking, emulator.reply = "Let me see.", "Yes."
    with httpx.stream("POST", f"{emulator_url}/api/chat", json=chat_body("qwen3:8b")) as response:
        lines = [json.loads(line) for line in response.iter_lines() if line]
    messages = [line["message"] for line in lines[:-1]]
    assert messages == [
        {"role": "assistant", "content": "", "thinking": "Let "},
        {"role": "assistant", "content": "", "thinking": "me "},
        {"role": "assistant", "content": "", "thinking": "see."},
        {"role": "assistant", "content": "Yes."},
    ]
    assert lines[-1]["eval_count"] == 4 and lines[-1]["done_reason"] == "stop"


# --- images and profiles ---------------------------------------------------------------------

PNG = (  # a 1x1 PNG
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def with_images(model: str, *images) -> dict:
    message = {"role": "user", "content": "What is this?", "images": list(images)}
    return {"model": model, "messages": [message], "stream": False}


@pytest.mark.parametrize(
    ("image", "offset"),
    [
        (f"data:image/png;base64,{PNG}", 4),  # a data URL: Ollama takes bare base64 only
        ("https://example.com/cat.png", 5),  # a URL: Ollama fetches nothing
        ("QUJ", 0),  # padding is required
        ("QQ=x", 2),  # Go points at the first "=" of padding that is not "=="
    ],
)
def test_an_image_that_is_not_base64_is_a_400_before_the_model_is_looked_up(
    emulator_url, image, offset
):
    response = httpx.post(f"{emulator_url}/api/chat", json=with_images("not-pulled", image))
    assert response.status_code == 400
    assert response.json() == {"error": f"illegal base64 data at input byte {offset}"}


def test_images_reach_a_vision_model_and_count_in_the_prompt(emulator, emulator_url):
    async def ask(images):
        message = {"role": "user", "content": "What is this?", "images": images}
        return await client(emulator_url).chat("gemma3:4b", [message], stream=False)

    with_image, without = asyncio.run(ask([PNG])), asyncio.run(ask([]))
    assert with_image.message.content == emulator.reply
    assert with_image.prompt_eval_count == without.prompt_eval_count + 768
    [first, _] = emulator.requests_to("/api/chat")
    assert first["json"]["messages"][0]["images"] == [PNG]


def test_images_to_a_model_that_cannot_see_are_llama_servers_400(emulator_url):
    response = httpx.post(f"{emulator_url}/api/chat", json=with_images("qwen:7b", PNG))
    assert response.status_code == 400
    inner = json.loads(response.json()["error"])
    assert inner == {
        "error": {
            "code": 400,
            "message": "Multimodal data provided, but model does not support multimodal requests.",
            "type": "invalid_request_error",
        }
    }
    with pytest.raises(ollama.ResponseError, match="does not support multimodal requests"):
        asyncio.run(
            client(emulator_url).chat(
                "qwen:7b", [{"role": "user", "content": "hi", "images": [PNG]}], stream=False
            )
        )


@pytest.mark.parametrize(
    "start",
    [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"RIFF\x10\x00\x00\x00WEBPVP8 "],
)
def test_a_vision_model_takes_png_jpeg_gif_and_webp(emulator_url, start):
    image = base64.b64encode(start + bytes(32)).decode()
    response = httpx.post(f"{emulator_url}/api/chat", json=with_images("gemma3:4b", image))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7 a document", b"RIFF\x10\x00\x00\x00WAVEfmt ", b"plain text", b""],
)
def test_bytes_that_are_not_an_image_are_llama_servers_400(emulator_url, data):
    image = base64.b64encode(data).decode()
    response = httpx.post(f"{emulator_url}/api/chat", json=with_images("gemma3:4b", image))
    assert response.status_code == 400
    assert json.loads(response.json()["error"]) == {
        "error": {
            "code": 400,
            "message": "Failed to load image or audio file",
            "type": "invalid_request_error",
        }
    }


def test_show_serves_model_info_and_modelfile_parameters(emulator, emulator_url):
    emulator.models[1].parameters = {"num_ctx": 8192, "stop": ["<|eot_id|>", "<|eom_id|>"]}
    show = asyncio.run(client(emulator_url).show("llama3.2"))
    assert show.modelinfo["general.architecture"] == "llama"
    assert show.modelinfo["llama.context_length"] == 131072
    assert show.parameters.splitlines() == [
        "num_ctx                        8192",
        'stop                           "<|eot_id|>"',
        'stop                           "<|eom_id|>"',
    ]
    vision = asyncio.run(client(emulator_url).show("gemma3:4b"))
    assert vision.capabilities == ["completion", "vision"]
    assert vision.modelinfo["gemma3.vision.block_count"] == 27
