"""Files: sendDocument/sendPhoto/sendMediaGroup, getFile and the /file/ download endpoint."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .content import Content
from .models import FileInfo, StoredFile
from .state import json_response
from .validation import FormattedText, RawRequest, bad_request

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile limit of the cloud Bot API


class Files(Content):
    """Sending media, getFile, and downloads (with their injected failures)."""

    async def _send_media(self, params: dict[str, Any], kind: str, method: str) -> dict[str, Any]:
        chat = self._writable_chat(params["chat_id"])
        caption = self._caption(params)
        info = self._input_file(params[kind], kind)
        msg = self._new_sent(
            chat,
            method,
            params,
            caption=caption.text if caption else None,
            entities=caption.entities if caption else [],
            raw_text=params.get("caption"),
            **{kind: info},
        )
        return self._message_json(self._store_sent(msg))

    async def _send_document(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        return await self._send_media(params, "document", "sendDocument")

    async def _send_photo(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        return await self._send_media(params, "photo", "sendPhoto")

    async def _send_media_group(
        self, params: dict[str, Any], raw: RawRequest
    ) -> list[dict[str, Any]]:
        chat = self._writable_chat(params["chat_id"])
        media: list[dict[str, Any]] = params["media"]
        if not 2 <= len(media) <= 10:
            raise bad_request("media group must include 2-10 items")
        kinds = {item["type"] for item in media}
        if len(kinds) > 1 and kinds & {"document", "audio"}:
            raise bad_request("document and audio can't be mixed with other media types")
        unsupported = kinds - {"document", "photo"}
        if unsupported:
            raise bad_request(f"media type {sorted(unsupported)} is not supported by the fake")
        self._media_group_counter += 1
        group_id = f"1338{self._media_group_counter:010d}"
        prepared: list[tuple[FileInfo, FormattedText | None, dict[str, Any]]] = []
        for item in media:
            value: Any = item["media"]
            if isinstance(value, str) and value.startswith("attach://"):
                attach = value.removeprefix("attach://")
                if attach not in raw.files:
                    raise bad_request(f'file "{attach}" referenced by media was not uploaded')
                value = raw.files[attach]
            caption = self._caption(item)
            prepared.append((self._input_file(value, item["type"]), caption, item))
        results = []
        for info, caption, item in prepared:
            msg = self._new_sent(
                chat,
                "sendMediaGroup",
                {**params, "reply_markup": None, "parse_mode": item.get("parse_mode")},
                caption=caption.text if caption else None,
                entities=caption.entities if caption else [],
                raw_text=item.get("caption"),
                media_group_id=group_id,
                **{item["type"]: info},
            )
            results.append(self._message_json(self._store_sent(msg)))
        return results

    async def _get_file(self, params: dict[str, Any], raw: RawRequest) -> dict[str, Any]:
        stored = self.files.get(params["file_id"])
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.size > MAX_DOWNLOAD_SIZE and self.local_dir is None:
            raise bad_request("file is too big")
        if self.local_dir is not None:  # a local server (--local): the file is on its disk
            local = self.local_dir / stored.file_id
            local.parent.mkdir(parents=True, exist_ok=True)
            local.write_bytes(stored.data)
            stored.file_path = str(local.resolve())
        if stored.file_path is None:
            folder = {"photo": "photos", "sticker": "stickers"}.get(stored.kind, "documents")
            ext = {"photo": ".jpg", "sticker": ".webp"}.get(stored.kind, "")
            if not ext and stored.file_name and "." in stored.file_name:
                ext = "." + stored.file_name.rsplit(".", 1)[-1]
            stored.file_path = f"{folder}/file_{self._file_counter_for(stored)}{ext}"
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    def _file_counter_for(self, stored: StoredFile) -> int:
        return list(self.files).index(stored.file_id)

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, 401
            )
        path = request.match_info["file_path"]
        for stored in self.files.values():
            if stored.file_path == path:
                self.downloads_started.append(stored.file_id)
                if stored.file_id in self.held_downloads:
                    await self.held_downloads[stored.file_id].wait()
                failure = self._take_failure(self._download_failures, stored.file_id)
                if failure is not None:
                    self._notify()
                    if failure.error_code == 0:
                        return await self._drop_mid_body(request, stored.data)
                    return json_response(
                        {"ok": False, "error_code": failure.error_code, "description": "failed"},
                        failure.error_code,
                    )
                return web.Response(
                    body=stored.data,
                    content_type=stored.mime_type or "application/octet-stream",
                )
        return await self._handle_not_found(request)

    @staticmethod
    async def _drop_mid_body(request: web.Request, data: bytes) -> web.StreamResponse:
        """Announce the whole file, send half of it, then close the connection."""
        response = web.StreamResponse(headers={"Content-Length": str(len(data))})
        await response.prepare(request)
        await response.write(data[: len(data) // 2])
        assert request.transport is not None
        request.transport.close()
        return response
