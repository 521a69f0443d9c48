"""docs/writing-a-provider.md works as written: every file it shows is the worked example's file,
whole; together they are the whole plugin; and the files copied from the page's own text into an
empty folder install next to agentkit-core in a fresh virtual environment and pass their tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.venvs import fresh_venv, install, run

REPO = Path(__file__).resolve().parents[1]
TUTORIAL = REPO / "docs" / "writing-a-provider.md"
EXAMPLE = REPO / "examples" / "openai_compatible"

BLOCK = re.compile(
    r"(?:<!-- file: (?P<path>\S+) -->\n)?"  # the example file a block shows, when it shows one
    r"(?P<fence>`{3,})(?P<lang>\w+)\n(?P<text>.*?)\n(?P=fence)\n",
    re.DOTALL,
)


def code_blocks() -> list[tuple[str | None, str, str]]:
    """(path, language, text) of every fenced block in the tutorial; path when it is marked."""
    return [(m["path"], m["lang"], m["text"] + "\n") for m in BLOCK.finditer(TUTORIAL.read_text())]


def shown_files() -> dict[str, str]:
    return {path: text for path, _, text in code_blocks() if path}


def test_every_python_and_toml_block_is_a_whole_file_of_the_example():
    for path, lang, text in code_blocks():
        if lang in ("python", "toml"):
            assert path, f"a {lang} block without a <!-- file: path --> marker: {text[:60]!r}"
    for path, text in shown_files().items():
        assert text == (REPO / path).read_text(), f"the tutorial's {path} differs from the file"


def test_the_tutorial_shows_every_file_a_plugin_needs():
    shown = {Path(path).relative_to(EXAMPLE.relative_to(REPO)).as_posix() for path in shown_files()}
    sources = {p.relative_to(EXAMPLE).as_posix() for p in (EXAMPLE / "src").rglob("*.py")}
    needed = sources | {"pyproject.toml", "README.md", "tests/conftest.py"}
    assert needed <= shown, f"the tutorial does not show {sorted(needed - shown)}"


@pytest.mark.slow
def test_the_plugin_built_from_the_tutorials_text_passes_its_tests(tmp_path):
    folder = tmp_path / "my-plugin"
    for path, text in shown_files().items():
        target = folder / Path(path).relative_to(EXAMPLE.relative_to(REPO))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    venv = fresh_venv(tmp_path)
    install(venv, REPO / "core", "-e", f"{folder}[test]")

    result = run([str(venv / "bin" / "pytest"), "-q", "-p", "no:cacheprovider"], folder)

    assert result.returncode == 0, f"the tutorial's plugin failed its tests:\n{result.stdout}"
    assert " passed" in result.stdout, result.stdout


def test_the_helpers_page_names_everything_a_plugin_may_import():
    import agentkit
    import agentkit.testing
    from agentkit import http, profiles, translation
    from agentkit.testing import plugin

    modules = {
        agentkit: agentkit.__all__,
        agentkit.testing: agentkit.testing.__all__,
        http: ["shared_transport", "client", "get_json", "tls_context", "timeout", "limits"],
        translation: ["error_answer", "ErrorAnswer", "read_error_body", "cause_chain"],
        profiles: ["profile", "fill", "capabilities_of", "SOURCE"],
        plugin: ["agentkit_env", "agentkit_host", "start_host", "isolate", "HOST_ENV"],
    }
    page = (REPO / "docs" / "plugin-helpers.md").read_text()
    for module, names in modules.items():
        assert all(hasattr(module, name) for name in names), module.__name__
        missing = sorted(name for name in names if f"`{name}" not in page and name != "__version__")
        assert not missing, f"docs/plugin-helpers.md does not mention {module.__name__}.{missing}"
