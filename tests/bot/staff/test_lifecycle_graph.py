"""The case lifecycle diagram is drawn from the workflow's declaration."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.staff.lifecycle_graph import mermaid
from bot.staff.workflow import RULES, Action, Role, Rule

ROOT = Path(__file__).resolve().parents[3]


def test_every_declared_move_is_an_edge() -> None:
    diagram = mermaid()
    assert diagram.startswith("stateDiagram-v2\n")
    for rule in RULES:
        for source, target in rule.moves.items():
            edge = next(
                line
                for line in diagram.splitlines()
                if line.strip().startswith(f"{source} --> {target}:")
            )
            assert rule.action.value in edge
    assert "withdrawn --> [*]" in diagram and "forwarded --> [*]" in diagram
    assert "accepted --> [*]" not in diagram  # forwarding still follows


def test_a_changed_declaration_changes_the_diagram() -> None:
    extra = Rule(Action.WITHDRAW, {}, frozenset({Role.CLAIMANT}), "x")
    assert mermaid((*RULES[:1], extra)) != mermaid()


def test_the_command_line_prints_it() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "graph", "--cases"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    ).stdout
    assert out == mermaid() + "\n"
