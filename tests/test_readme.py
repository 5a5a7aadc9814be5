"""The README is what an operator reads first: its commands must be current, and so must the
diagrams that `make graph` writes into docs/walkthrough.md (moved there from the README)."""

from __future__ import annotations

import re
from pathlib import Path

from dialogs.graph import mermaid

README = Path(__file__).resolve().parents[1] / "README.md"
WALKTHROUGH = README.parent / "docs" / "walkthrough.md"
MARKERS = re.compile(r"<!-- graph:start -->\n```mermaid\n(.*?)```\n<!-- graph:end -->", re.S)


def test_readme_diagram_is_the_generated_one() -> None:
    found = MARKERS.search(WALKTHROUGH.read_text(encoding="utf-8"))
    assert found, "docs/walkthrough.md lacks the generated diagram; run: make graph"
    assert found.group(1) == mermaid() + "\n", "the intake diagram is stale; run: make graph"


def test_first_screen_names_the_two_commands() -> None:
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:15])
    assert "make run" in first_screen and "make test" in first_screen
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    assert "\nrun:" in makefile and "\ntest:" in makefile
    assert "make test" in (README.parent / ".ci" / "run").read_text(encoding="utf-8")


CASES_MARKERS = re.compile(
    r"<!-- cases-graph:start -->\n```mermaid\n(.*?)```\n<!-- cases-graph:end -->", re.S
)


def test_readme_case_lifecycle_is_the_generated_one() -> None:
    from bot.staff.lifecycle_graph import mermaid as lifecycle

    found = CASES_MARKERS.search(WALKTHROUGH.read_text(encoding="utf-8"))
    assert found, "docs/walkthrough.md lacks the case lifecycle; run: make graph"
    assert found.group(1) == lifecycle(), "the case lifecycle is stale; run: make graph"


def test_makefile_graph_renews_the_walkthrough() -> None:
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    assert "graph --readme docs/walkthrough.md" in makefile
    assert "graph --cases --readme docs/walkthrough.md" in makefile
    assert "docs/walkthrough.md" in README.read_text(encoding="utf-8")


def _layout_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]


def test_layout_names_every_part_of_bot() -> None:
    layout = _layout_section()
    bot = README.parent / "bot"
    parts = [f"bot/{p.name}/" for p in bot.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    parts += [f"bot/{p.name}" for p in bot.glob("*.py") if p.name != "__init__.py"]
    missing = [part for part in parts if f"`{part}`" not in layout]
    assert not missing, f"the README's layout does not name {missing}"


def test_layout_names_only_what_exists() -> None:
    layout = _layout_section()
    root = README.parent
    folder = ""
    missing = []
    for row in layout.splitlines():
        for name in re.findall(r"`([\w./]+\.py|[\w./]+/)`", row):
            if "/" in name:
                folder = name if name.endswith("/") else name.rpartition("/")[0] + "/"
                path = root / name
            else:  # a file named after its folder in the same row
                path = root / folder / name
            if not path.exists():
                missing.append(name)
    assert not missing, f"the README's layout names what is not there: {missing}"
