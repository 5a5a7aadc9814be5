"""The case lifecycle drawn as a Mermaid state diagram, generated from `bot.staff.workflow.RULES`
(never by hand): one state per case status, one edge per status an action leaves, labelled
with the action and who may take it. `python -m bot graph --cases` prints it; the README
embeds it between `cases-graph:start` / `cases-graph:end`."""

from __future__ import annotations

import re

from bot.staff.workflow import RULES, Rule
from dialogs.model import CaseStatus

START = "[*]"


def _label(rule: Rule) -> str:
    who = " or ".join(sorted(role.value for role in rule.by))
    return f"{rule.action.value} ({who})"


def mermaid(rules: tuple[Rule, ...] = RULES) -> str:
    lines = ["stateDiagram-v2", f"    {START} --> {CaseStatus.SUBMITTED.value}: submit (claimant)"]
    edges: dict[tuple[CaseStatus, CaseStatus], list[str]] = {}
    for rule in rules:
        for source, target in rule.moves.items():
            edges.setdefault((source, target), []).append(_label(rule))
    for (source, target), labels in edges.items():
        lines.append(f"    {source.value} --> {target.value}: {', '.join(labels)}")
    # An end: no action leaves the status (one that keeps it, say a listing outcome, may apply).
    ends = {s for s in CaseStatus if all(r.moves.get(s, s) is s for r in rules)}
    lines.extend(f"    {s.value} --> {START}" for s in CaseStatus if s in ends)
    return "\n".join(lines) + "\n"


_EMBEDDED = re.compile(r"<!-- cases-graph:start -->.*?<!-- cases-graph:end -->", re.S)


def embed(markdown: str) -> str:
    """The markdown with the lifecycle diagram between its markers renewed."""
    block = f"<!-- cases-graph:start -->\n```mermaid\n{mermaid()}```\n<!-- cases-graph:end -->"
    return _EMBEDDED.sub(lambda _: block, markdown)
