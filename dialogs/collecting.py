"""The links and files collected at their steps: links pasted (or sent as a list), files
uploaded, either removed again, and documents reused from the claimant's earlier cases.
"""

from __future__ import annotations

from dialogs.buttons import Verb
from dialogs.filenames import shown_name
from dialogs.i18n import texts
from dialogs.inputs import Context, Uploaded
from dialogs.model import Draft
from dialogs.progress import current_step
from dialogs.render import button, file_key, link_key, removal_picker, reusable_documents
from dialogs.replies import Reply
from dialogs.steps import Kind, Step
from dialogs.turn import Turn, refuse, show, stale, with_status
from dialogs.validators import Invalid
from dialogs.validators.links import parse_links


def take_links(draft: Draft, raw: str, ctx: Context, *, limit: int | None = None) -> Turn:
    t = texts(draft.lang)
    verdict = parse_links(
        raw, ctx.link_rules, already=draft.links, resolved=ctx.resolved_links, limit=limit
    )
    if verdict.error is not None:
        return refuse(draft, ctx, verdict.error)
    lines = []
    for item in verdict.items:
        if item.status == "accepted" and item.via_short_link:
            lines.append(t("link-accepted-short", link=item.canonical or "", pasted=item.raw))
        elif item.status == "accepted":
            lines.append(t("link-accepted", link=item.canonical or ""))
        elif item.status == "duplicate":
            lines.append(t("link-duplicate", link=item.canonical or item.raw))
        else:
            assert item.error is not None
            reason = t(item.error.code, platform=ctx.platform_name, **item.error.params)
            lines.append(t("link-rejected", link=item.raw, reason=reason))
    report = "\n".join(lines) or t("err-links-none")
    if not verdict.accepted:
        return Turn(draft, [Reply(report)], changed=False)
    sources = {
        **draft.link_sources,
        **{
            i.canonical: i.raw
            for i in verdict.items
            if i.status == "accepted" and i.canonical and _pasted_otherwise(i.raw, i.canonical)
        },
    }
    links = [*draft.links, *verdict.accepted]
    updated = draft.model_copy(update={"links": links, "link_sources": sources})
    return Turn(updated, [with_status(report, updated, ctx, t)], changed=True)


def _pasted_otherwise(raw: str, canonical: str) -> bool:
    """The link was pasted in another form than the one kept (a short link, the mobile site,
    a sku_id picking a variant): staff see that form too. Not for a missing "https://" or a
    trailing slash."""

    def bare(link: str) -> str:
        return link.strip().split("://", 1)[-1].rstrip("/")

    return bare(raw) != bare(canonical)


def take_upload(draft: Draft, event: Uploaded, ctx: Context) -> Turn:
    t = texts(draft.lang)
    step = current_step(draft)
    if step.kind is not Kind.FILES or step.file_section is None:
        return refuse(draft, ctx, Invalid(f"err-expected-{step.kind}", {}))
    stored = event.file.model_copy(update={"section": step.file_section})
    section_files = draft.files_in(step.file_section)
    if any(f.sha256 == stored.sha256 for f in section_files):
        return Turn(draft, [Reply(t("file-duplicate", name=stored.name))])
    updated = draft.model_copy(update={"files": [*draft.files, stored]})
    if event.quiet:
        return Turn(updated, [], changed=True)
    received = t("file-received", name=stored.name)
    return Turn(updated, [with_status(received, updated, ctx, t)], changed=True)


def clear(draft: Draft, step: Step, which: str, ctx: Context) -> Turn:
    """`?`: which one to remove; an item's key: that link or file; empty: all of the step."""
    t = texts(draft.lang)
    if step.kind not in (Kind.LINKS, Kind.FILES):
        return stale(draft, ctx)
    if which == "?":
        return Turn(draft, [removal_picker(draft, step, t)])
    if step.kind is Kind.LINKS:
        links = [link for link in draft.links if which and link_key(link) != which]
        sources = {k: v for k, v in draft.link_sources.items() if k in links}
        removed = len(draft.links) - len(links)
        cleared = draft.model_copy(update={"links": links, "link_sources": sources})
    else:
        files = [
            f
            for f in draft.files
            if f.section != step.file_section or (which and file_key(f) != which)
        ]
        removed = len(draft.files) - len(files)
        cleared = draft.model_copy(update={"files": files})
    if not removed:
        return stale(draft, ctx)
    note = Reply(t("items-removed", count=removed))
    return show(cleared, ctx, changed=True, before=[note])


def offer_reuse(draft: Draft, step: Step, case_number: str, ctx: Context) -> Turn:
    """Name the documents and whose they are, and ask before attaching anything."""
    t = texts(draft.lang)
    earlier = next(
        (e for e in reusable_documents(draft, step, ctx) if e.case_number == case_number), None
    )
    if earlier is None:
        return stale(draft, ctx)
    names = ", ".join(shown_name(f.name) for f in earlier.files)
    question = Reply(
        t(
            "reuse-question",
            number=case_number,
            holder=earlier.holder,
            names=names,
            rejected="yes" if earlier.rejected else "no",
        ),
        (
            (button(t, "btn-reuse-yes", Verb.ATTACH, step.id, case_number),),
            (button(t, "btn-reuse-no", Verb.ATTACH, step.id, ""),),
        ),
    )
    return Turn(draft, [question])


def reuse(draft: Draft, step: Step, case_number: str, ctx: Context) -> Turn:
    t = texts(draft.lang)
    earlier = next(
        (e for e in reusable_documents(draft, step, ctx) if e.case_number == case_number), None
    )
    if earlier is None:
        return stale(draft, ctx)
    have = {f.sha256 for f in draft.files_in(earlier.section)}
    added = [
        f.model_copy(update={"from_case": f.from_case or case_number})
        for f in earlier.files
        if f.sha256 not in have
    ]
    updated = draft.model_copy(update={"files": [*draft.files, *added]})
    note = Reply(t("files-reused", count=len(added), number=case_number))
    return show(updated, ctx, changed=bool(added), before=[note])
