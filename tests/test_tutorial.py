"""docs/writing-a-provider.md shows the worked example's real code: every Python and TOML block is
marked with the example file it comes from and matches that file (whole, or a run of its lines),
and together the blocks show every line of the plugin's source."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TUTORIAL = REPO / "docs" / "writing-a-provider.md"
EXAMPLE = REPO / "examples" / "openai_compatible"

BLOCK = re.compile(r"(?:<!-- (file|excerpt): (\S+) -->\n)?```(\w+)\n(.*?)```", re.DOTALL)


def code_blocks() -> list[tuple[str | None, str | None, str, str]]:
    """(marker kind, path, language, text) of every fenced block in the tutorial."""
    return [m.groups() for m in BLOCK.finditer(TUTORIAL.read_text())]


def test_every_code_block_is_marked_with_its_source():
    unmarked = [
        text[:60]
        for kind, _, lang, text in code_blocks()
        if lang in ("python", "toml") and not kind
    ]
    assert not unmarked, f"code blocks without a <!-- file/excerpt: path --> marker: {unmarked}"


def test_every_marked_block_matches_the_example():
    for kind, path, _, text in code_blocks():
        if not kind:
            continue
        source = (REPO / path).read_text()
        if kind == "file":
            assert text == source, f"the tutorial's copy of {path} differs from the file"
        else:
            assert f"\n{text}" in f"\n{source}", f"an excerpt of {path} is not in the file"


def test_the_tutorial_shows_every_line_of_the_plugin():
    shown: dict[str, set[str]] = {}
    for kind, path, _, text in code_blocks():
        if kind:
            shown.setdefault(path, set()).update(line.strip() for line in text.splitlines())
    sources = [*sorted((EXAMPLE / "src").rglob("*.py")), EXAMPLE / "pyproject.toml"]
    for source in sources:
        path = source.relative_to(REPO).as_posix()
        if source.name == "__init__.py":
            continue  # a docstring only; the tutorial says so
        lines = {line.strip() for line in source.read_text().splitlines() if line.strip()}
        missing = sorted(lines - shown.get(path, set()))
        assert not missing, f"the tutorial does not show these lines of {path}: {missing[:5]}"
