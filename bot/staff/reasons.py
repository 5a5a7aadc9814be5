"""The statement of reasons a claimant gets with a rejection: the reason (a template, or the
staff member's own words), and what they can do next — file again with what was missing, ask
for the decision to be reviewed, go to court — in the claimant's language, from the catalogs."""

from __future__ import annotations

from bot.staff.decision_protocol import ACCEPTED_MARK, Decision
from dialogs.i18n import Texts

REDRESS_ALWAYS = ("reject-redress-review", "reject-redress-courts")


def rejection_notice(t: Texts, number: str, reason: str, note: str = "") -> str:
    """The rejection as the claimant reads it (HTML; the note escaped)."""
    lines = [
        t("case-rejected", number=number, reason=t.plain(f"reject-reason-{reason}"), note=note),
        "",
        *redress(t, [reason]),
    ]
    return "\n".join(lines)


def redress(t: Texts, reasons: list[str]) -> list[str]:
    """What a claimant can do after these reasons for a rejection."""
    return [
        t("reject-redress-title"),
        *(t(f"reject-redress-{reason}") for reason in dict.fromkeys(reasons)),
        *(t(key) for key in REDRESS_ALWAYS),
    ]


def decision_notice(t: Texts, number: str, links: list[str], decision: Decision) -> str:
    """The claimant's notice of a decision: accepted, rejected with the statement of reasons,
    or the outcome of each listing (with what they can do about those rejected)."""
    if decision.listings is None:
        if decision.reason is None:
            return t("case-accepted", number=number)
        return rejection_notice(t, number, decision.reason, decision.note)
    lines = [t("case-decided-listings", number=number)]
    rejected = []
    for index, (link, outcome) in enumerate(zip(links, decision.listings, strict=True), 1):
        if outcome == ACCEPTED_MARK:
            lines.append(t("case-listing-accepted", index=index, link=link))
        else:
            reason = t.plain(f"reject-reason-{outcome}")
            lines.append(t("case-listing-rejected", index=index, link=link, reason=reason))
            rejected.append(outcome)
    if rejected:
        lines += ["", *redress(t, rejected)]
    return "\n".join(lines)
