"""Request validation against api.json plus the Telegram-specific checks the spec can't express.

Everything raises `ApiError` carrying Telegram's error shape, so the HTTP layer only has to
serialise it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from .html_entities import HtmlParseError, parse_html, trim_text
from .spec import ApiSpec

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100

# Deprecated parameters that Telegram still silently accepts and aiogram/PTB may still send.
LEGACY_PARAMS: dict[str, set[str]] = {
    "reply_to_message_id": {"reply_parameters"},
    "allow_sending_without_reply": {"reply_parameters"},
    "disable_web_page_preview": {"link_preview_options"},
}

# Button fields that don't count as the button's "action".
_NON_ACTION_BUTTON_FIELDS = frozenset({"text", "icon_custom_emoji_id", "style"})
_DISCRIMINATOR_RE = re.compile(r"(?:must be|always)\s+[\"“]?([A-Za-z_]+)")
_INT_RE = re.compile(r"^-?\d+$")
_FLOAT_RE = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


class ApiError(Exception):
    """A Bot API error response: {"ok": false, "error_code", "description", "parameters"?}."""

    def __init__(
        self, error_code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class UploadedFile:
    """A multipart file part."""

    field_name: str
    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class RawRequest:
    """Decoded HTTP payload before validation: scalar params and uploaded file parts."""

    params: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    from_form: bool = False  # form values are strings that still need JSON/number decoding


class _NoMatch(Exception):
    """Value doesn't fit a type alternative; try the next one."""


class Validator:
    """Checks parameters of a method call against the spec and coerces them to Python types."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec

    # ---- top level ---------------------------------------------------------------------------

    def validate(self, method: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        fields = self.spec.fields(method)
        result: dict[str, Any] = {}
        for name in raw.params:
            if name not in fields and not (
                name in LEGACY_PARAMS and LEGACY_PARAMS[name] & fields.keys()
            ):
                raise bad_request(f'unexpected parameter "{name}" for method {method["name"]}')
        for name, spec_field in fields.items():
            present = name in raw.params or (
                "InputFile" in spec_field["types"] and name in raw.files
            )
            if not present:
                if spec_field["required"]:
                    raise self._missing(method["name"], name)
                continue
            value = raw.params.get(name)
            if value is None and name in raw.files:
                result[name] = raw.files[name]
                continue
            result[name] = self._coerce_param(name, value, spec_field["types"], raw)
        for legacy in LEGACY_PARAMS:
            if legacy in raw.params:
                legacy_type = "Integer" if legacy == "reply_to_message_id" else "Boolean"
                result[legacy] = self._coerce_param(legacy, raw.params[legacy], [legacy_type], raw)
        return result

    @staticmethod
    def _missing(method: str, name: str) -> ApiError:
        if name == "text" and method.lower() in {"sendmessage", "editmessagetext"}:
            return bad_request("message text is empty")
        if name == "chat_id":
            return bad_request("chat_id is empty")
        return bad_request(f"{name} is required")

    def _coerce_param(self, name: str, value: Any, types: list[str], raw: RawRequest) -> Any:
        if isinstance(value, str) and value.startswith("attach://") and "InputFile" in types:
            attach = value.removeprefix("attach://")
            if attach not in raw.files:
                raise bad_request(f'file "{attach}" referenced by {name} was not uploaded')
            return raw.files[attach]
        if name == "reply_markup":
            markup = self._json(value, name) if isinstance(value, str) else value
            if not isinstance(markup, dict):
                raise bad_request("can't parse reply keyboard markup JSON object")
            check_reply_markup(markup)
            value = markup
        for type_name in types:
            if type_name == "InputFile":
                if isinstance(value, UploadedFile):
                    return value
                continue
            try:
                return self.coerce(value, type_name, path=name, decode_json=True)
            except _NoMatch:
                continue
        expected = " or ".join(types)
        raise bad_request(f'field "{name}" must be of type {expected}')

    # ---- generic typing ----------------------------------------------------------------------

    def coerce(self, value: Any, type_name: str, *, path: str, decode_json: bool = False) -> Any:
        """Coerce one value to a spec type; raises _NoMatch (try other alternative) or ApiError."""
        if type_name == "Integer":
            if isinstance(value, bool):
                raise _NoMatch
            if isinstance(value, int):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str) and _INT_RE.match(value.strip()):
                return int(value.strip())
            raise _NoMatch
        if type_name == "Float":
            if isinstance(value, bool):
                raise _NoMatch
            if isinstance(value, int | float):
                return float(value)
            if isinstance(value, str) and _FLOAT_RE.match(value.strip()):
                return float(value)
            raise _NoMatch
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in {"true", "false", "1", "0"}:
                return value.lower() in {"true", "1"}
            if isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise _NoMatch
        if type_name == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise _NoMatch
        if type_name == "InputFile":
            if isinstance(value, UploadedFile):
                return value
            raise _NoMatch
        if type_name.startswith("Array of "):
            inner = type_name.removeprefix("Array of ")
            if isinstance(value, str) and decode_json:
                value = self._json(value, path)
            if not isinstance(value, list):
                raise _NoMatch
            return [
                self._coerce_one_of(item, [inner], path=f"{path}[{idx}]")
                for idx, item in enumerate(value)
            ]
        type_def = self.spec.types.get(type_name)
        if type_def is None:
            return value  # unknown pseudo type: accept as-is
        if isinstance(value, str) and decode_json:
            value = self._json(value, path)
        if not isinstance(value, dict):
            raise _NoMatch
        return self.validate_object(value, type_name, path=path)

    def _coerce_one_of(self, value: Any, types: list[str], *, path: str) -> Any:
        for type_name in types:
            try:
                return self.coerce(value, type_name, path=path)
            except _NoMatch:
                continue
        raise _NoMatch

    @staticmethod
    def _json(value: str, path: str) -> Any:
        try:
            return json.loads(value)
        except ValueError as exc:
            raise bad_request(f"can't parse {path} JSON object") from exc

    def validate_object(self, value: dict[str, Any], type_name: str, *, path: str) -> Any:
        type_def = self.spec.types[type_name]
        subtypes = type_def.get("subtypes")
        if subtypes:
            chosen = self._pick_subtype(value, subtypes)
            if chosen is None:
                raise _NoMatch
            return self.validate_object(value, chosen, path=path)
        fields = self.spec.fields(type_def)
        discriminator = self._discriminator(type_def)
        if discriminator is not None:
            key, expected = discriminator
            if value.get(key) != expected:
                raise _NoMatch
        required_missing = [n for n, f in fields.items() if f["required"] and n not in value]
        if required_missing:
            raise _NoMatch
        result = dict(value)
        for name, spec_field in fields.items():
            if name in value:
                try:
                    result[name] = self._coerce_one_of(
                        value[name], spec_field["types"], path=f"{path}.{name}"
                    )
                except _NoMatch as exc:
                    raise bad_request(
                        f'can\'t parse {type_name}: field "{name}" must be of type '
                        + " or ".join(spec_field["types"])
                    ) from exc
        return result

    def _discriminator(self, type_def: dict[str, Any]) -> tuple[str, str] | None:
        if not type_def.get("subtype_of"):
            return None
        for f in type_def.get("fields", []):
            if f["name"] in {"type", "status", "source"} and f["required"]:
                match = _DISCRIMINATOR_RE.search(" ".join([f.get("description", "")]))
                if match:
                    return f["name"], match.group(1)
        return None

    def _pick_subtype(self, value: dict[str, Any], subtypes: list[str]) -> str | None:
        for sub in subtypes:
            disc = self._discriminator(self.spec.types[sub])
            if disc is not None and value.get(disc[0]) == disc[1]:
                return sub
        return None


# ---- Telegram-specific checks -----------------------------------------------------------------


def check_inline_keyboard(markup: dict[str, Any]) -> None:
    """Validate InlineKeyboardMarkup the way Telegram does (actions, callback_data bytes)."""
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
        )
    count = 0
    for row in rows:
        for button in row:
            count += 1
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            if not isinstance(button.get("text"), str):
                raise bad_request(
                    'can\'t parse inline keyboard button: Field "text" must be of type String'
                )
            actions = [k for k in button if k not in _NON_ACTION_BUTTON_FIELDS]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are unallowed in the "
                    "inline keyboard"
                )
            if len(actions) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of the optional fields "
                    f"must be used, got {', '.join(sorted(actions))}"
                )
            if "callback_data" in button:
                data = button["callback_data"]
                if not isinstance(data, str) or not (
                    1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
                ):
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = button["url"]
                if not isinstance(url, str) or not re.match(r"^(https?|tg)://\S+$", url):
                    raise bad_request("BUTTON_URL_INVALID")
    if count > MAX_INLINE_BUTTONS:
        raise bad_request("reply markup is too long")


def check_reply_markup(markup: dict[str, Any], *, inline_only: bool = False) -> None:
    if "inline_keyboard" in markup:
        check_inline_keyboard(markup)
        return
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else button.get("text")
                if not isinstance(text, str) or not text:
                    raise bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )


@dataclass
class FormattedText:
    text: str
    entities: list[dict[str, Any]]


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[dict[str, Any]] | None,
    *,
    caption: bool,
) -> FormattedText:
    """Apply parse_mode and Telegram's length limits (counted after entity parsing)."""
    if entities is not None:
        plain, parsed = text, list(entities)
    elif parse_mode:
        mode = parse_mode.lower()
        if mode == "html":
            try:
                plain, parsed = parse_html(text)
            except HtmlParseError as exc:
                raise bad_request(f"can't parse entities: {exc}") from exc
        elif mode in {"markdown", "markdownv2"}:
            raise bad_request(
                f"can't parse entities: parse_mode {parse_mode} is not supported by the fake "
                "Telegram server (the project uses HTML)"
            )
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    else:
        plain, parsed = text, []
    plain, parsed = trim_text(plain, parsed)
    if caption:
        if len(plain) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    else:
        if not plain:
            raise bad_request("message text is empty")
        if len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
    return FormattedText(plain, parsed)
