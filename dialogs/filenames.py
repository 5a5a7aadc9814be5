"""File names as claimants send them are not fit to show or to send on: a right-to-left override
turns ``"\\u202egnp.pdf"`` into what reads as ``fdp.png``, a newline or NUL breaks the HTTP
header the name travels in (``Content-Disposition``), zero-width characters hide differences,
``../`` and ``\\`` look like paths, and a name may be thousands of characters long.

The name the claimant sent is kept as it was in the draft and the case (it is evidence); these
functions give the name to *show* (catalog texts use :func:`shown_name` for every ``name``
argument) and the name to *send* a file under (:func:`transport_name`).
"""

from __future__ import annotations

import unicodedata

# Bidi embeddings, overrides and isolates: they reorder the text around them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
TRANSPORT_NAME_CHARS = 120
_FALLBACK = "file"


def without_bidi_controls(text: str) -> str:
    """Any user value as shown in a text: nothing in it may reorder what surrounds it."""
    if not BIDI_CONTROLS.intersection(text):
        return text
    return "".join(c for c in text if c not in BIDI_CONTROLS)


def shown_name(name: str) -> str:
    """A file name as it may be shown: no control or format characters (bidi controls,
    zero-width characters, newlines, NUL), other separators as spaces, trimmed."""
    normalised = unicodedata.normalize("NFC", name)
    kept: list[str] = []
    for char in normalised:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs", "Co", "Cn"):
            if char in "\t\n\r":
                kept.append(" ")
            continue
        kept.append(" " if category in ("Zl", "Zp", "Zs") else char)
    return " ".join("".join(kept).split())


def transport_name(name: str, *, limit: int = TRANSPORT_NAME_CHARS) -> str:
    """A file name safe to send a file under: :func:`shown_name`, no path separators, no
    leading dots, at most ``limit`` characters with the extension kept."""
    clean = shown_name(name).replace("/", "_").replace("\\", "_").lstrip(". ")
    if not clean:
        return _FALLBACK
    if len(clean) <= limit:
        return clean
    stem, dot, extension = clean.rpartition(".")
    if not dot or not stem or len(extension) > 10:
        return clean[:limit].rstrip()
    return stem[: limit - len(extension) - 2].rstrip() + "…." + extension
