"""Listing links: is this a direct link to a particular listing on the platform?

URLs are parsed with yarl; the rules (which hosts are the platform's, which paths are item pages,
how a canonical link looks) are settings (:class:`ListingLinkRules`), built by the app from its
configuration. Short links (``a.aliexpress.com/_xxxx``, from the app's Share button) are resolved
by the shell over HTTP (``bot.claimant.short_links``) before the engine runs; here the address
a short link led to is checked like any pasted link, and a short link that could not be resolved
is refused with a request for the full listing link.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator
from yarl import URL

from . import Invalid, Valid, invalid

# Error codes (Fluent ids) and their params:
ERR_LINK_NOT_URL = "err-link-not-url"  # params: none
ERR_LINK_TOO_LONG = "err-link-too-long"  # params: limit
ERR_LINK_OTHER_SITE = "err-link-other-site"  # params: host
ERR_LINK_SHORT = "err-link-short"  # params: none
ERR_LINK_SHORT_ELSEWHERE = "err-link-short-elsewhere"  # params: host
ERR_LINK_NOT_LISTING = "err-link-not-listing"  # params: kind (search|store|home|other)
ERR_LINKS_NONE = "err-links-none"  # params: none
ERR_LINKS_TOO_MANY = "err-links-too-many"  # params: count, limit

_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_STRIP_LEAD = "([{<«\"'“‘"
_STRIP_TRAIL = ".,;:!?)]}>»\"'”’"


def _ascii_host(host: str) -> str:
    """A host name, lower-cased, IDNA-encoded (punycode) and without a trailing dot."""
    host = host.strip().strip(".").lower()
    return (URL.build(scheme="https", host=host).raw_host or host).lower()


class ListingLinkRules(BaseModel):
    """Which URLs are direct links to a listing, and how to write them canonically.

    ``hosts`` match themselves and every subdomain (``m.``, ``www.``, ``ru.``, ``sale.``...).
    ``path_patterns`` are regexes matched against the URL path (trailing slash removed); each
    must have a named group ``id``, which fills ``{id}`` in ``canonical_template``.
    """

    model_config = ConfigDict(frozen=True)

    hosts: list[str] = ["aliexpress.ru", "aliexpress.com"]
    short_hosts: list[str] = [
        "a.aliexpress.com",
        "a.aliexpress.ru",
        "s.click.aliexpress.com",
        "click.aliexpress.com",
        "ali.ski",
    ]
    path_patterns: list[str] = [
        r"^/item/(?P<id>\d{1,20})(?:\.html?)?$",
        r"^/i/(?P<id>\d{1,20})\.html?$",
        r"^/item/[^/]+/(?P<id>\d{1,20})\.html?$",
        r"^/store/product/[^/]+/\d+_(?P<id>\d{1,20})\.html?$",
    ]
    canonical_template: str = "https://aliexpress.ru/item/{id}.html"
    search_path_prefixes: list[str] = ["/wholesale", "/w/", "/af/", "/search", "/popular/"]
    search_query_keys: list[str] = ["searchtext", "search_text", "keywords"]
    store_path_prefixes: list[str] = ["/store"]
    max_links_per_message: int = 50
    max_links_per_file: int = 500  # a .txt or .csv list of links
    max_link_length: int = 2048

    @field_validator("hosts", "short_hosts")
    @classmethod
    def _normalise_hosts(cls, value: list[str]) -> list[str]:
        hosts = [_ascii_host(h) for h in value if h.strip()]
        for h in hosts:
            if not all(_LABEL_RE.match(label) for label in h.split(".")):
                raise ValueError(f"not a host name: {h!r}")
        return hosts

    @field_validator("path_patterns")
    @classmethod
    def _check_patterns(cls, value: list[str]) -> list[str]:
        for pattern in value:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"bad path pattern {pattern!r}: {exc}") from exc
            if "id" not in compiled.groupindex:
                raise ValueError(f"path pattern {pattern!r} has no named group 'id'")
        return value

    @field_validator("canonical_template")
    @classmethod
    def _check_template(cls, value: str) -> str:
        if "{id}" not in value:
            raise ValueError("canonical_template must contain {id}")
        url = URL(value.format(id="1"))
        if url.scheme not in ("http", "https") or not url.host:
            raise ValueError("canonical_template must be an absolute http(s) URL")
        return value

    @field_validator("search_path_prefixes", "store_path_prefixes", "search_query_keys")
    @classmethod
    def _lower(cls, value: list[str]) -> list[str]:
        return [v.lower() for v in value if v]


DEFAULT_RULES = ListingLinkRules()


def _host_in(host: str, domains: list[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _parse(raw: str) -> URL | None:
    """Parse a pasted link into an absolute http(s) URL with a plausible host, or None."""
    text = raw.strip()
    if not text or any(c.isspace() for c in text):
        return None
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text:
        scheme = _SCHEME_RE.match(text)
        # "mailto:x@y", "javascript:..." are not web links; "host:8080/..." has no scheme.
        if scheme and not text[scheme.end() :][:1].isdigit():
            return None
        text = "https://" + text
    try:
        url = URL(text)
    except (ValueError, TypeError):
        return None
    if url.scheme.lower() not in ("http", "https") or not url.raw_host:
        return None
    try:
        host = _ascii_host(url.raw_host)
    except (ValueError, UnicodeError):
        return None
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL_RE.match(label) for label in labels):
        return None
    return url


def check_link(raw: str, rules: ListingLinkRules = DEFAULT_RULES) -> Valid[str] | Invalid:
    """Check one pasted link; on success the value is the canonical listing URL."""
    text = raw.strip()
    if len(text) > rules.max_link_length:
        return invalid(ERR_LINK_TOO_LONG, limit=rules.max_link_length)
    url = _parse(text)
    if url is None:
        return invalid(ERR_LINK_NOT_URL)
    host = _ascii_host(url.raw_host or "")
    if _host_in(host, rules.short_hosts):
        return invalid(ERR_LINK_SHORT)
    if not _host_in(host, rules.hosts):
        return invalid(ERR_LINK_OTHER_SITE, host=(url.host or host).strip(".").lower())

    path = url.path
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    for pattern in rules.path_patterns:
        match = re.match(pattern, path)
        if match:
            item_id = match.group("id").lstrip("0") or "0"
            return Valid(rules.canonical_template.format(id=item_id))
    return invalid(ERR_LINK_NOT_LISTING, kind=_page_kind(url, path, rules))


def is_short_link(raw: str, rules: ListingLinkRules = DEFAULT_RULES) -> bool:
    """A link on one of the short-link hosts (to be resolved before it can be checked)."""
    url = _parse(raw.strip())
    return url is not None and _host_in(_ascii_host(url.raw_host or ""), rules.short_hosts)


def short_links_in(text: str, rules: ListingLinkRules = DEFAULT_RULES) -> list[str]:
    """The short links of a message, as pasted (what the shell resolves)."""
    return [entry for entry in split_links(text) if is_short_link(entry, rules)]


_PAYLOAD_RE = re.compile(r"^(?:item[_-]?)?(\d{1,20})$", re.IGNORECASE)


def listing_from_payload(payload: str, rules: ListingLinkRules = DEFAULT_RULES) -> str | None:
    """The canonical listing of a deep-link payload (``item_1005001234567890`` or the bare
    item id, as the listing page's "Report" link sends it), or None for anything else."""
    match = _PAYLOAD_RE.match(payload.strip())
    if match is None:
        return None
    return rules.canonical_template.format(id=match.group(1).lstrip("0") or "0")


def _page_kind(url: URL, path: str, rules: ListingLinkRules) -> str:
    lower = path.lower()
    query_keys = {k.lower() for k in url.query}
    if any(lower.startswith(p) for p in rules.search_path_prefixes) or (
        query_keys & set(rules.search_query_keys)
    ):
        return "search"
    if any(
        lower == p.rstrip("/") or lower.startswith(p.rstrip("/") + "/")
        for p in rules.store_path_prefixes
    ):
        return "store"
    if lower in ("", "/", "/index.html", "/index.htm"):
        return "home"
    return "other"


# ---------------------------------------------------------------------------------------------
# Several links in one message


LinkStatus = Literal["accepted", "duplicate", "rejected"]


@dataclass(frozen=True)
class LinkVerdict:
    """What became of one link-like entry of a message."""

    raw: str
    canonical: str | None
    status: LinkStatus
    error: Invalid | None = None
    via_short_link: bool = False  # `raw` is a short link that led to `canonical`


@dataclass(frozen=True)
class LinksVerdict:
    """The verdict on a whole message of links.

    ``accepted`` holds the new, unique canonical links in message order. ``items`` has one
    verdict per link-like entry. ``error`` is set when the message as a whole is refused
    (no link at all, or too many links at once); then nothing is accepted.
    """

    items: list[LinkVerdict] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    error: Invalid | None = None

    @property
    def rejected(self) -> list[LinkVerdict]:
        return [i for i in self.items if i.status == "rejected"]

    @property
    def duplicates(self) -> list[LinkVerdict]:
        return [i for i in self.items if i.status == "duplicate"]


_LINKISH_RE = re.compile(
    r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*://|//|www\.|[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?:[:/?#]|$))"
)


def _trim_token(token: str) -> str:
    token = token.lstrip(_STRIP_LEAD)
    while token and token[-1] in _STRIP_TRAIL:
        token = token[:-1]
    return token


def split_links(text: str) -> list[str]:
    """The link-like entries of a message, in order.

    Entries are separated by whitespace, commas or semicolons. A comma or semicolon glued
    inside a URL only splits it when what follows looks like the start of another link
    (so ``?sku=1,2`` stays whole). Words that do not look like a link (``here``, ``and``,
    ``links:``) are not entries; wrapping punctuation (``<...>``, ``(...)``, a final dot) is
    dropped.
    """
    entries: list[str] = []
    for chunk in text.split():
        pieces: list[str] = []
        for piece in re.split(r"([,;]+)", chunk):
            if not piece or piece[0] in ",;":
                if pieces and piece:
                    pieces[-1] += piece
                continue
            candidate = _trim_token(piece)
            if pieces and not _LINKISH_RE.match(candidate):
                pieces[-1] += piece
            else:
                pieces.append(piece)
        for piece in pieces:
            token = _trim_token(piece)
            if token and _LINKISH_RE.match(token):
                entries.append(token)
    return entries


def _check_entry(
    entry: str, rules: ListingLinkRules, resolved: Mapping[str, str | None]
) -> tuple[Valid[str] | Invalid, bool]:
    """(verdict, whether it came through a short link)."""
    if not is_short_link(entry, rules):
        return check_link(entry, rules), False
    target = resolved.get(entry)
    if target is None:
        return invalid(ERR_LINK_SHORT), True
    landed = check_link(target, rules)
    if isinstance(landed, Invalid) and landed.code in (
        ERR_LINK_OTHER_SITE,
        ERR_LINK_SHORT,
        ERR_LINK_NOT_URL,  # a private or non-web address: say which, not "not a web link"
    ):
        return invalid(ERR_LINK_SHORT_ELSEWHERE, host=_where(target)), True
    return landed, True


def _where(target: str) -> str:
    """The host a link leads to (``localhost``, ``10.0.0.7``), or the address itself when it
    has none (``mailto:…``), cut short."""
    parsed = _parse(target)
    if parsed is not None and parsed.host:
        return parsed.host
    try:
        host = URL(target).host
    except (ValueError, TypeError):
        host = None
    return host or (target if len(target) <= 60 else target[:59] + "…")


def parse_links(
    text: str,
    rules: ListingLinkRules = DEFAULT_RULES,
    *,
    already: list[str] | tuple[str, ...] = (),
    resolved: Mapping[str, str | None] | None = None,
    limit: int | None = None,
) -> LinksVerdict:
    """Check every link pasted in one message.

    ``already`` are the links saved before (canonical, as returned earlier); a link equal to
    one of them, or to an earlier entry of this message, is a ``duplicate``. ``resolved`` maps
    each short link of the message to where it led (None: it could not be resolved); a short
    link is judged by where it landed.
    """
    entries = split_links(text)
    if not entries:
        return LinksVerdict(error=invalid(ERR_LINKS_NONE))
    most = limit or rules.max_links_per_message
    if len(entries) > most:
        return LinksVerdict(error=invalid(ERR_LINKS_TOO_MANY, count=len(entries), limit=most))

    seen: set[str] = set()
    for link in already:
        seen.add(link)
        again = check_link(link, rules)
        if isinstance(again, Valid):
            seen.add(again.value)

    items: list[LinkVerdict] = []
    accepted: list[str] = []
    for entry in entries:
        result, short = _check_entry(entry, rules, resolved or {})
        if isinstance(result, Invalid):
            items.append(LinkVerdict(entry, None, "rejected", result, short))
        elif result.value in seen:
            items.append(LinkVerdict(entry, result.value, "duplicate", via_short_link=short))
        else:
            seen.add(result.value)
            accepted.append(result.value)
            items.append(LinkVerdict(entry, result.value, "accepted", via_short_link=short))
    return LinksVerdict(items=items, accepted=accepted)


__all__ = [
    "DEFAULT_RULES",
    "ERR_LINKS_NONE",
    "ERR_LINKS_TOO_MANY",
    "ERR_LINK_NOT_LISTING",
    "ERR_LINK_NOT_URL",
    "ERR_LINK_OTHER_SITE",
    "ERR_LINK_SHORT",
    "ERR_LINK_SHORT_ELSEWHERE",
    "ERR_LINK_TOO_LONG",
    "LinkVerdict",
    "LinksVerdict",
    "ListingLinkRules",
    "check_link",
    "is_short_link",
    "listing_from_payload",
    "parse_links",
    "short_links_in",
    "split_links",
]
