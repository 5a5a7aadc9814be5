"""The intake tree drawn as a Mermaid flowchart, generated from `FLOW` (never by hand).

`mermaid()` returns a `flowchart TD` diagram: one node per step (its id and its English
question, shortened), one subgraph per numbered section, the edges in the order of the flow
with the branching condition as the edge label, every rejection leaf as its own node, the
review with its way back ("edit any section") and the submission. Pure: it reads only the
catalogs. `python -m bot graph` prints it; the README embeds it.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

from dialogs.flow import FLOW
from dialogs.i18n import Texts, texts
from dialogs.model import Draft
from dialogs.steps import Kind, Step, always

LABEL_LIMIT = 60
SUBMIT_NODE = "submit"
RESERVED_IDS = frozenset({"end", "graph", "flowchart", "subgraph", "style", "class", "click"})

# Node shapes by the kind of input a step takes: (opening, closing) around the quoted label.
_SHAPES: dict[Kind, tuple[str, str]] = {
    Kind.INFO: ("([", "])"),
    Kind.CHOICE: ("{", "}"),
    Kind.PICK: ("{", "}"),
    Kind.TEXT: ("[", "]"),
    Kind.LINKS: ("[/", "/]"),
    Kind.FILES: ("[/", "/]"),
    Kind.CONFIRM: ("[[", "]]"),
    Kind.REVIEW: ("{{", "}}"),
}
# Mermaid entity codes for the characters that would end or confuse a quoted label.
_ESCAPES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;"}
_TAG_RE = re.compile(r"<[^>]*>")
# Defaults for the catalog's selectors, so the question reads as for a typical claimant.
_EXAMPLE_ARGS: dict[str, object] = {
    "role": "holder",
    "right_type": "trademark",
    "patent_kind": "invention",
    "platform": "AliExpress",
    "privacy_url": "https://aliexpress.ru/policy/privacy",
    "country": "RU",
    "licence_kind": "exclusive",
    "rights": 2,
    "numbers": "1. 654321\n2. 765432",
    "layout": "one",
    "documents": 1,
    "seller_contacts": "name, email",
}


def escape_label(text: str, limit: int = LABEL_LIMIT) -> str:
    """Catalog text as a safe Mermaid label: markup dropped, one line, shortened, escaped."""
    plain = " ".join(html.unescape(_TAG_RE.sub("", text)).split())
    if len(plain) > limit:
        plain = plain[: limit - 1].rstrip() + "…"
    return "".join(_ESCAPES.get(c, c) for c in plain)


def node_id(name: str) -> str:
    """A Mermaid node id for a step id (Mermaid keywords such as `end` are prefixed)."""
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", name)
    return f"n_{safe}" if safe.lower() in RESERVED_IDS else safe


def reject_id(reason: str) -> str:
    return node_id(f"reject-{reason}")


def _question(step: Step, t: Texts, args: dict[str, object]) -> str:
    ask = t.plain(f"ask-{step.id}", **args) if t.has(f"ask-{step.id}") else step.id
    if step.kind is Kind.CONFIRM and t.has(f"confirm-{step.id}"):
        ask += ": " + t.plain(f"confirm-{step.id}", **args)
    return ask


def _node(step: Step, t: Texts, args: dict[str, object]) -> str:
    opening, closing = _SHAPES[step.kind]
    label = f"{escape_label(step.id)}<br/>{escape_label(_question(step, t, args))}"
    return f'{node_id(step.id)}{opening}"{label}"{closing}'


def _condition_keys(steps: Iterable[Step]) -> list[str]:
    keys: list[str] = []
    for step in steps:
        key = getattr(step.when, "key", None)
        if isinstance(key, str) and key not in keys:
            keys.append(key)
    return keys


def _scenarios(flow: Sequence[Step]) -> list[dict[str, str]]:
    """Every combination of the answers the conditions look at (rejecting options excluded)."""
    by_id = {step.id: step for step in flow}
    keys = _condition_keys(flow)
    choices: list[list[str]] = []
    for key in keys:
        step = by_id.get(key)
        if step is not None and step.options:
            choices.append([o.id for o in step.options if not o.reject])
        else:  # an answer that is not a choice: the values the conditions name
            named = {
                v
                for s in flow
                if getattr(s.when, "key", None) == key
                for v in getattr(s.when, "values", ())
            }
            choices.append([*sorted(named), ""])
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*choices)]


def _applies(step: Step, answers: dict[str, str]) -> bool:
    return step.applies(Draft(user_id=0, chat_id=0, answers=answers))


def _edges_from(
    index: int, flow: Sequence[Step], scenarios: list[dict[str, str]]
) -> Iterator[tuple[Step, str]]:
    """(target, label) for each step that can follow flow[index], in flow order."""
    source = flow[index]
    live = [s for s in scenarios if _applies(source, s)]
    taken: dict[int, list[dict[str, str]]] = {}
    for scenario in live:
        following = next(
            (j for j in range(index + 1, len(flow)) if _applies(flow[j], scenario)), None
        )
        if following is not None:
            taken.setdefault(following, []).append(scenario)
    for j in sorted(taken):
        target = flow[j]
        between = flow[index + 1 : j + 1]
        parts = []
        for key in _condition_keys(between):
            possible = {s[key] for s in live}
            chosen = {s[key] for s in taken[j]}
            if chosen < possible:
                values = " or ".join(v for v in _ordered(chosen, flow, key) if v)
                parts.append(f"{key} = {values}" if values else f"no {key}")
        if not parts and target.when is not always and not hasattr(target.when, "key"):
            parts.append(target.when.__doc__ or "when…")
        if not parts and source.kind is Kind.CHOICE and any(o.reject for o in source.options):
            parts.append(" or ".join(o.id for o in source.options if not o.reject))
        yield target, "; ".join(parts)


def _ordered(values: set[str], flow: Sequence[Step], key: str) -> list[str]:
    step = next((s for s in flow if s.id == key), None)
    order = [o.id for o in step.options] if step else []
    return sorted(values, key=lambda v: (order.index(v) if v in order else len(order), v))


def _edge(source: str, target: str, label: str = "", *, dotted: bool = False) -> str:
    arrow = "-.->" if dotted else "-->"
    text = f'|"{escape_label(label, 80)}"|' if label else ""
    return f"    {source} {arrow}{text} {target}"


def mermaid(flow: Sequence[Step] = FLOW) -> str:
    """The whole intake tree as a Mermaid `flowchart TD` diagram."""
    t = texts("en")
    args = {**_EXAMPLE_ARGS, "total": len({s.section for s in flow if s.kind not in _UNNUMBERED})}
    lines = ["flowchart TD"]

    sections = []
    for step in flow:
        if step.section not in sections:
            sections.append(step.section)
    for section in sections:
        members = [s for s in flow if s.section == section]
        if members[0].kind in _UNNUMBERED:
            lines.extend(f"    {_node(s, t, args)}" for s in members)
            continue
        key = f"section-{section.id}"
        title = t.plain(key) if t.has(key) else section.id
        heading = escape_label(f"Step {section.number} · {title}", 80)
        lines.append(f'    subgraph {node_id("section_" + section.id)}["{heading}"]')
        lines.append("        direction TB")
        lines.extend(f"        {_node(s, t, args)}" for s in members)
        lines.append("    end")

    rejections: list[str] = []
    for step in flow:
        for option in step.options:
            if option.reject and option.reject not in rejections:
                rejections.append(option.reject)
    for reason in rejections:
        key = f"reject-{reason}"
        body = t.plain(key, **args) if t.has(key) else reason
        why = " ".join(body.splitlines()[1:2]) or body
        label = f"{escape_label(key)}<br/>{escape_label(why)}"
        lines.append(f'    {reject_id(reason)}("{label}")')
    lines.append(f'    {SUBMIT_NODE}(["{escape_label("Submitted: the case number is sent")}"])')

    scenarios = _scenarios(flow)
    for index, step in enumerate(flow):
        for option in step.options:
            if option.reject:
                lines.append(_edge(node_id(step.id), reject_id(option.reject), option.id))
        for target, label in _edges_from(index, flow, scenarios):
            if step.kind is Kind.REVIEW:
                continue
            lines.append(_edge(node_id(step.id), node_id(target.id), label))

    review = next((s for s in flow if s.kind is Kind.REVIEW), None)
    editable = [s for s in flow if s.kind not in _UNNUMBERED and s.section.number > 1]
    if review is not None:
        if editable:
            first = node_id(editable[0].id)
            lines.append(_edge(node_id(review.id), first, "edit any section", dotted=True))
        lines.append(_edge(node_id(review.id), SUBMIT_NODE, "submit"))
    start = next((s for s in flow if s.kind is Kind.INFO), None)
    if start is not None:
        for reason in rejections:
            lines.append(_edge(reject_id(reason), node_id(start.id), "start again", dotted=True))

    lines.append("    classDef reject fill:#fde2e2,stroke:#c62828,color:#000")
    lines.append("    classDef done fill:#e3f6e3,stroke:#2e7d32,color:#000")
    if rejections:
        lines.append(f"    class {','.join(reject_id(r) for r in rejections)} reject")
    lines.append(f"    class {SUBMIT_NODE} done")
    return "\n".join(lines) + "\n"


_UNNUMBERED = (Kind.INFO, Kind.REVIEW)


_EMBEDDED = re.compile(r"<!-- graph:start -->.*?<!-- graph:end -->", re.S)


def embed(markdown: str) -> str:
    """The markdown with the diagram between its `graph:start`/`graph:end` markers renewed."""
    block = f"<!-- graph:start -->\n```mermaid\n{mermaid()}\n```\n<!-- graph:end -->"
    return _EMBEDDED.sub(lambda _: block, markdown)
