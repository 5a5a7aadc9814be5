"""What became of an accepted case's listings, as the marketplace reported it (through the case
API), in the claimant's words: a summary ("2 of 3 listings were removed on 5 December; 1 was not
found") and a line per listing. Pure: texts from the catalogs, no I/O."""

from __future__ import annotations

from datetime import datetime, tzinfo

from dialogs.i18n import Texts
from dialogs.render import DISPLAY_TZ
from storage.listing_outcomes import ListingOutcome, Reported

DATED = (ListingOutcome.REMOVED, ListingOutcome.RESTORED)


def day(t: Texts, at: datetime, tz: tzinfo) -> str:
    """`5 December` / `5 декабря`, in the zone people read times in."""
    local = at.astimezone(tz)
    return t.plain("outcome-day", day=local.day, month=t.plain(f"month-{local.month}"))


def _phrase(t: Texts, outcome: ListingOutcome, at: datetime, tz: tzinfo, count: int) -> str:
    if outcome in DATED:
        return t.plain(f"outcome-{outcome.value}-on", count=count, date=day(t, at, tz))
    return t.plain(f"outcome-{outcome.value}", count=count)


def summary(t: Texts, reported: dict[int, Reported], total: int, tz: tzinfo = DISPLAY_TZ) -> str:
    """One line: each outcome (a dated one per day) with how many listings it has."""
    groups: dict[tuple[ListingOutcome, str], list[Reported]] = {}
    for _, r in sorted(reported.items()):
        when = day(t, r.at, tz) if r.outcome in DATED else ""
        groups.setdefault((r.outcome, when), []).append(r)
    parts: list[str] = []
    for (outcome, _), group in groups.items():
        phrase = _phrase(t, outcome, group[0].at, tz, len(group))
        key = "outcome-next" if parts else "outcome-first"
        parts.append(t.plain(key, count=len(group), total=total, outcome=phrase))
    return "; ".join(parts)


def outcome_lines(
    t: Texts, links: list[str], reported: dict[int, Reported], tz: tzinfo = DISPLAY_TZ
) -> list[str]:
    """A line per listing reported on: its number, link and outcome."""
    return [
        t(
            "outcome-listing",
            index=index,
            link=links[index - 1] if index <= len(links) else "—",
            outcome=_phrase(t, r.outcome, r.at, tz, 1),
        )
        for index, r in sorted(reported.items())
    ]


def outcome_notice(
    t: Texts,
    number: str,
    links: list[str],
    reported: dict[int, Reported],
    tz: tzinfo = DISPLAY_TZ,
) -> str:
    """The claimant's notice of the listings' outcomes as they now stand."""
    head = t("outcome-notice", number=number, summary=summary(t, reported, len(links), tz))
    return "\n".join([head, "", *outcome_lines(t, links, reported, tz)])
