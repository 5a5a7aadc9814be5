"""A strict parser for Telegram's HTML parse_mode, modelled on TDLib's `parse_html`.

Telegram rejects malformed markup with "can't parse entities: <reason>"; the reasons below use
TDLib's wording so that the bot's escaping bugs surface in tests exactly as in production.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    }
)

ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}

NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY_RE = re.compile(r"&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z0-9]+);")
_UNQUOTED_VALUE_RE = re.compile(r"[A-Za-z0-9.\-]*")


class HtmlParseError(ValueError):
    """Carries TDLib's reason; the server prefixes "Bad Request: can't parse entities: "."""


def utf16_len(text: str) -> int:
    """Entity offsets/lengths are measured in UTF-16 code units by the Bot API."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    begin_byte: int
    start_utf16: int
    attrs: dict[str, str] = field(default_factory=dict)


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode `&...;` at pos; unknown entities are kept literally, as Telegram does."""
    match = _ENTITY_RE.match(text, pos)
    if not match:
        return None
    body = match.group(1)
    if body.startswith("#"):
        try:
            code = int(body[2:], 16) if body[1] in "xX" else int(body[1:])
        except ValueError:
            return None
        if code <= 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None
        return chr(code), match.end()
    decoded = NAMED_ENTITIES.get(body)
    if decoded is None:
        return None
    return decoded, match.end()


def _byte_offset(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8"))


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, MessageEntity dicts) or raise HtmlParseError."""
    out: list[str] = []
    out_utf16 = 0
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch == "&":
            decoded = _decode_entity(text, i)
            if decoded is None:
                out.append("&")
                out_utf16 += 1
                i += 1
            else:
                out.append(decoded[0])
                out_utf16 += utf16_len(decoded[0])
                i = decoded[1]
            continue
        if ch != "<":
            out.append(ch)
            out_utf16 += utf16_len(ch)
            i += 1
            continue

        begin = i
        begin_byte = _byte_offset(text, begin)
        i += 1
        if i < n and text[i] == "/":
            i += 1
            name_start = i
            while i < n and not text[i].isspace() and text[i] != ">":
                i += 1
            end_name = text[name_start:i].lower()
            while i < n and text[i].isspace():
                i += 1
            if i >= n or text[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {begin_byte}")
            i += 1
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {begin_byte}")
            top = stack[-1]
            if end_name != top.tag:
                raise HtmlParseError(
                    f'Unmatched end tag at byte offset {begin_byte}, expected "</{top.tag}>", '
                    f'found "</{end_name}>"'
                )
            stack.pop()
            _close_entity(top, out_utf16, entities, stack)
            continue

        name_start = i
        while i < n and not text[i].isspace() and text[i] != ">":
            i += 1
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {begin_byte}")
        tag = text[name_start:i].lower()
        if tag not in ALLOWED_TAGS:
            raise HtmlParseError(f'Unsupported start tag "{tag}" at byte offset {begin_byte}')
        attrs: dict[str, str] = {}
        while True:
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin_byte}')
            if text[i] == ">":
                i += 1
                break
            attr_start = i
            while i < n and not text[i].isspace() and text[i] not in "=>":
                i += 1
            attr_name = text[attr_start:i].lower()
            if not attr_name:
                raise HtmlParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset {begin_byte}'
                )
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin_byte}')
            if text[i] != "=":
                attrs[attr_name] = ""  # valueless attribute, e.g. <blockquote expandable>
                continue
            i += 1
            while i < n and text[i].isspace():
                i += 1
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag}" at byte offset {begin_byte}')
            if text[i] in "'\"":
                quote = text[i]
                i += 1
                value_chars: list[str] = []
                while i < n and text[i] != quote:
                    if text[i] == "&":
                        decoded = _decode_entity(text, i)
                        if decoded is not None:
                            value_chars.append(decoded[0])
                            i = decoded[1]
                            continue
                    value_chars.append(text[i])
                    i += 1
                if i >= n:
                    raise HtmlParseError(f"Unclosed start tag at byte offset {begin_byte}")
                i += 1
                value = "".join(value_chars)
            else:
                match = _UNQUOTED_VALUE_RE.match(text, i)
                value = match.group(0) if match else ""
                if not value:
                    raise HtmlParseError(
                        f'Expected quote in declaration of attribute "{attr_name}" of the tag '
                        f'"{tag}" at byte offset {begin_byte}'
                    )
                i += len(value)
            attrs[attr_name] = value
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {begin_byte}'
            )
        if tag == "tg-emoji" and not attrs.get("emoji-id", "").isdigit():
            raise HtmlParseError(
                f'Tag "tg-emoji" must have a valid "emoji-id" attribute at byte offset {begin_byte}'
            )
        stack.append(_Open(tag=tag, begin_byte=begin_byte, start_utf16=out_utf16, attrs=attrs))

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close_entity(
    opened: _Open, end_utf16: int, entities: list[dict[str, Any]], stack: list[_Open]
) -> None:
    length = end_utf16 - opened.start_utf16
    if length <= 0:
        return
    tag = opened.tag
    entity: dict[str, Any] = {
        "type": ENTITY_TYPES[tag],
        "offset": opened.start_utf16,
        "length": length,
    }
    if tag == "a":
        href = opened.attrs.get("href", "")
        if not href:
            return
        if href.startswith("tg://user?id="):
            entity["type"] = "text_mention"
        entity["url"] = href
    elif tag == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = opened.attrs["emoji-id"]
    elif tag == "code":
        language = opened.attrs.get("class", "")
        parent = stack[-1] if stack else None
        if parent is not None and parent.tag == "pre" and language.startswith("language-"):
            parent.attrs["_language"] = language.removeprefix("language-")
            if parent.start_utf16 == opened.start_utf16:
                return  # merged into the enclosing <pre>
    elif tag == "pre" and opened.attrs.get("_language"):
        entity["language"] = opened.attrs["_language"]
    entities.append(entity)


def trim_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram strips leading/trailing whitespace; shift and clip entities accordingly."""
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    total = utf16_len(result)
    fixed: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return result, fixed
