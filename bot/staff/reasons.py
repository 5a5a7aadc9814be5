"""The statement of reasons a claimant gets with a rejection: the reason (a template, or the
staff member's own words), and what they can do next — file again with what was missing, ask
for the decision to be reviewed, go to court — in the claimant's language, from the catalogs."""

from __future__ import annotations

from dialogs.i18n import Texts

REDRESS_ALWAYS = ("reject-redress-review", "reject-redress-courts")


def rejection_notice(t: Texts, number: str, reason: str, note: str = "") -> str:
    """The rejection as the claimant reads it (HTML; the note escaped)."""
    lines = [
        t("case-rejected", number=number, reason=t.plain(f"reject-reason-{reason}"), note=note),
        "",
        t("reject-redress-title"),
        t(f"reject-redress-{reason}"),
        *(t(key) for key in REDRESS_ALWAYS),
    ]
    return "\n".join(lines)
