"""The Mermaid diagram of the intake tree, generated from FLOW."""

from __future__ import annotations

import re

from dialogs.flow import FLOW, REJECTIONS, SECTIONS
from dialogs.graph import escape_label, mermaid, node_id, reject_id

NODE_RE = re.compile(r'^\s*([A-Za-z0-9_-]+)(\(\[|\[\[|\[/|\{\{|\(|\[|\{)"([^"]*)"')
EDGE_RE = re.compile(r'^\s*([A-Za-z0-9_-]+) (-->|-\.->)(?:\|"([^"]*)"\|)? ([A-Za-z0-9_-]+)$')


def _parse(diagram: str):
    nodes: dict[str, str] = {}
    edges: list[tuple[str, str, str]] = []
    depth = 0
    for line in diagram.splitlines()[1:]:
        stripped = line.strip()
        if stripped.startswith("subgraph "):
            depth += 1
            assert depth == 1, "sections are not nested"
        elif stripped == "end":
            depth -= 1
            assert depth >= 0
        elif edge := EDGE_RE.match(line):
            edges.append((edge.group(1), edge.group(4), edge.group(3) or ""))
        elif node := NODE_RE.match(line):
            nodes[node.group(1)] = node.group(3)
        else:
            assert stripped.startswith(("direction ", "classDef ", "class ")), line
    assert depth == 0, "every subgraph has its end"
    return nodes, edges


def test_is_a_plausible_mermaid_flowchart():
    diagram = mermaid()
    assert diagram.startswith("flowchart TD\n")
    nodes, edges = _parse(diagram)
    for source, target, _ in edges:
        assert source in nodes and target in nodes, (source, target)
    assert diagram == mermaid(), "deterministic, so the README stays stable"


def test_every_step_and_every_rejection_is_a_node():
    nodes, edges = _parse(mermaid())
    for step in FLOW:
        assert node_id(step.id) in nodes
        assert nodes[node_id(step.id)].startswith(step.id)
    for reason in REJECTIONS:
        assert reject_id(reason) == f"reject-{reason}"
        assert reject_id(reason) in nodes
        assert any(target == f"reject-{reason}" for _, target, _ in edges)
    assert f"class {','.join(f'reject-{r}' for r in REJECTIONS)} reject" in mermaid()


def test_labels_carry_the_english_question():
    nodes, _ = _parse(mermaid())
    assert "Which right has been infringed?" in nodes["right_type"]
    assert all(len(label.split("<br/>")[-1]) <= 60 for label in nodes.values())
    assert "<b>" not in mermaid()


def test_sections_are_subgraphs():
    diagram = mermaid()
    for section in SECTIONS:
        assert f"Step {section.number} · " in diagram
    assert diagram.count("subgraph ") == len(SECTIONS)


def test_edges_follow_the_flow_with_conditions():
    _, edges = _parse(mermaid())
    assert ("right_type", "patent_kind", "right_type = patent") in edges
    assert ("right_type", "work_description", "right_type = copyright") in edges
    assert ("right_type", "rights_number", "right_type = trademark") in edges
    assert ("claim_subject", "claim_subject_other", "claim_subject = other") in edges
    assert ("screen_listing", "reject-no_listing", "no") in edges
    assert ("confirm_authorised", "review", "") in edges
    assert ("review", "submit", "submit") in edges
    assert any(s == "review" and label == "edit any section" for s, _, label in edges)
    assert not any(s == "rights_jurisdiction" and t == "work_description" for s, t, _ in edges)
    order = [step.id for step in FLOW]
    forward = [(s, t) for s, t, _ in edges if s in order and t in order and s != "review"]
    assert all(order.index(s) < order.index(t) for s, t in forward)


def test_escape_label():
    assert escape_label('<b>Say "hi"</b> & #1') == "Say #quot;hi#quot; #amp; #35;1"
    long = escape_label("word " * 40)
    assert len(long) == 60 and long.endswith("…")
    assert node_id("end") == "n_end"
