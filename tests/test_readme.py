"""The README is what an operator reads first: its commands and its diagram must be current."""

from __future__ import annotations

import re
from pathlib import Path

from dialogs.graph import mermaid

README = Path(__file__).resolve().parents[1] / "README.md"
MARKERS = re.compile(r"<!-- graph:start -->\n```mermaid\n(.*?)```\n<!-- graph:end -->", re.S)


def test_readme_diagram_is_the_generated_one() -> None:
    found = MARKERS.search(README.read_text(encoding="utf-8"))
    assert found, "README lacks the generated diagram; run: python -m bot graph"
    assert found.group(1) == mermaid() + "\n", "README diagram is stale; regenerate it"


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

    found = CASES_MARKERS.search(README.read_text(encoding="utf-8"))
    assert found, "README lacks the case lifecycle; run: python -m bot graph --cases --readme"
    assert found.group(1) == lifecycle(), "README case lifecycle is stale; regenerate it"
