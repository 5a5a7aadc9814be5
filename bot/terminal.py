"""The intake in a terminal: the same service and SQLite draft as the bot, without Telegram.

Replies are printed as plain text and buttons as a numbered list; a number presses a button,
`/start /back /cancel /help /language /status /case N` are commands, `file: <path>` (or
`/file <path>`, or a bare path at a files step; several joined by `;`) sends files, anything
else is a text answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import mimetypes
import os
import re
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from bot.claimant.cases import (
    ANSWER_PREFIX,
    CASE_PREFIX,
    WITHDRAW_COMMAND,
    ClaimantCases,
)
from bot.claimant.commands import CASE_COMMANDS, PRIVACY_COMMANDS
from bot.claimant.intake import IntakeService, OfferedFile, Sender
from bot.config.settings import Settings, open_storage
from bot.ops.mydata import MyData
from bot.staff.desk import CaseDesk
from dialogs import engine
from dialogs.buttons import ButtonData, Verb
from dialogs.i18n import Texts, pick_lang, texts
from dialogs.inputs import Command, Input, Pressed, Typed
from dialogs.model import utcnow
from dialogs.replies import Choice, Reply
from dialogs.turn import Turn

QUIT = {"/quit", "/exit"}
FILE_PREFIXES = ("file:", "/file ")
LINE_WIDTH = 80
TYPED = ""  # the data of a reply-keyboard key: pressing it sends its label as text
_BOLD = re.compile(r"</?b>")
_TAG = re.compile(r"<[^>]+>")
_COMMAND = re.compile(r"/(\w+)(?:@\w+)?(?:\s+(.*))?")  # /start, /back, /case IP-2026-…


def plain(markup: str) -> str:
    """Telegram HTML as terminal text: bold as **…**, other tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", _BOLD.sub("**", markup)))


def button_lines(rows: list[tuple[Choice, ...]]) -> list[str]:
    """`[1] Start  [2] Русский`: on one line if it fits, else a line per row of buttons."""
    numbered: list[list[str]] = []
    number = 0
    for row in rows:
        numbered.append([f"[{number + i}] {b.label}" for i, b in enumerate(row, 1)])
        number += len(row)
    one_line = "  ".join(item for row in numbered for item in row)
    return [one_line] if len(one_line) <= LINE_WIDTH else ["  ".join(row) for row in numbered]


def terminal_language(env: dict[str, str] | None = None) -> str:
    """The `language_code` for a terminal user, from `LANG` (ru_RU.UTF-8 -> "ru")."""
    lang = (os.environ if env is None else env).get("LANG", "")
    return "ru" if lang.lower().startswith("ru") else "en"


def local_file(path: Path) -> OfferedFile:
    async def download() -> bytes:
        return await asyncio.to_thread(path.read_bytes)

    mime, _ = mimetypes.guess_type(path.name)
    return OfferedFile(path.name, mime, path.stat().st_size, download)


def file_paths(line: str, *, at_files_step: bool) -> list[Path] | None:
    """The paths a line sends, or None if it is not a file line."""
    for prefix in FILE_PREFIXES:
        if line.lower().startswith(prefix):
            return [
                Path(p.strip()).expanduser() for p in line[len(prefix) :].split(";") if p.strip()
            ]
    if at_files_step:
        paths = [Path(p.strip()).expanduser() for p in line.split(";") if p.strip()]
        if paths and all(p.is_file() for p in paths):
            return paths
    return None


class Terminal:
    def __init__(self, service: IntakeService, sender: Sender, output: TextIO) -> None:
        self.service = service
        self.sender = sender
        self.output = output
        self.menu: list[Choice] = []
        self.cases = ClaimantCases(CaseDesk(service.storage, service.settings), service)
        self.mydata = MyData(service.storage, service.settings)
        self.presses = 0  # a key for each press or line handed to the case services

    def say(self, text: str) -> None:
        self.output.write(text + "\n")
        self.output.flush()

    async def texts(self) -> Texts:
        """The claimant's language: the draft's (after /language), else the terminal's."""
        draft = await self.service.storage.drafts.load(self.sender.user_id)
        return texts(draft.lang if draft else pick_lang(self.sender.language_code))

    def show(self, replies: list[Reply]) -> None:
        # A phone's "share my number" key means nothing here (the number is typed); the
        # keyboard's other keys (Back, Skip…) send their label, as in Telegram.
        rows = [row for reply in replies for row in reply.buttons]
        rows += [(Choice(key, TYPED),) for reply in replies for key in reply.reply_keys]
        for reply in replies:
            self.say("\n" + plain(reply.text))
        if rows:
            self.menu = [b for row in rows for b in row]
            self.say("\n".join(button_lines(rows)))

    async def send(self, event: Input) -> None:
        outcome = await self.service.handle(self.sender, event)
        if isinstance(event, Pressed) and _language_chosen(event.data):
            self.say("\n" + plain((await self.texts())("terminal-howto")))  # in the new language
        await self.after(outcome)

    async def after(self, outcome: Turn) -> None:
        self.show(outcome.replies)
        await self.deliver_outbox()
        if outcome.submit:  # the review's buttons are spent: after the receipt, what next
            self.menu = []
            self.say("\n" + plain((await self.texts())("terminal-after-submit")))

    async def deliver_outbox(self) -> None:
        """Messages queued for this user (the receipt, staff requests, a case's buttons) are
        printed here, with their buttons."""
        outbox = self.service.storage.outbox
        for item in await outbox.due(utcnow(), limit=1000):
            if item.chat_id == self.sender.chat_id and item.method == "text":
                keyboard = item.payload.get("keyboard") or []
                rows = tuple(
                    tuple(Choice(b["text"], b["callback_data"]) for b in row) for row in keyboard
                )
                self.show([Reply(str(item.payload.get("text", "")), rows)])
                await outbox.mark_sent(item.id, {"delivered_to": "terminal"})

    def key(self) -> str:
        self.presses += 1
        return f"terminal:{utcnow().isoformat()}:{self.presses}"

    async def case_command(self, name: str, args: str) -> None:
        """/status, /case N and /withdraw N: the claimant's filed cases, as in Telegram."""
        if name == WITHDRAW_COMMAND:
            await self.cases.withdraw_command(self.sender, args, self.key())
        elif name == "status":
            self.show([await self.cases.status(self.sender)])
        else:
            self.show([await self.cases.case(self.sender, args)])
        await self.deliver_outbox()

    async def case_press(self, data: str) -> None:
        """A button of a filed case (withdraw, add evidence, finish) or of a staff question."""
        if data.startswith(f"{CASE_PREFIX}:"):
            refusal = await self.cases.press_case(self.sender, data, self.key())
        else:
            refusal = await self.cases.press(self.sender, data, self.key())
        if refusal:
            self.say("\n" + plain(refusal))
        await self.deliver_outbox()

    async def my_data(self) -> None:
        """/mydata: what is held about this user, as in Telegram."""
        user = self.sender
        await self.mydata.request(user.user_id, user.chat_id, user.language_code, None)
        await self.deliver_outbox()

    async def offer(self, paths: list[Path]) -> None:
        missing = [str(p) for p in paths if not p.is_file()]
        if missing or not paths:
            t = await self.texts()
            self.say(t.plain("terminal-no-file", paths=", ".join(missing) or "—"))
            return
        if len(paths) == 1:
            await self.after(await self.service.offer_file(self.sender, local_file(paths[0])))
            return
        # Several files are answered once, like an album: how many were received, then the
        # step (a refusal of one of them is said as it comes).
        saved = 0
        for path in paths:
            offered = replace(local_file(path), quiet=True)
            outcome = await self.service.offer_file(self.sender, offered)
            saved += outcome.changed
            self.show([r for r in outcome.replies if r.text.startswith("⚠️")])
        draft = await self.service.storage.drafts.load(self.sender.user_id)
        context = await self.service.context(self.sender)
        await self.after(engine.show_current(draft, context, received=saved))

    async def line(self, line: str) -> None:
        draft = await self.service.storage.drafts.load(self.sender.user_id)
        pending = await self.cases.answering(self.sender.user_id)  # adding to a filed case
        at_files_step = pending is not None or engine.expected_file_section(draft) is not None
        paths = file_paths(line, at_files_step=at_files_step)
        if pending is not None and not _COMMAND.fullmatch(line) and not line.isdigit():
            items: list[Path | None] = list(paths) if paths else [None]  # a text: no file
            for path in items:
                offered = local_file(path) if path is not None and path.is_file() else None
                text = "" if path is not None else line
                await self.cases.answer(self.sender, pending, text, offered, self.key())
            await self.deliver_outbox()
        elif paths is not None:
            await self.offer(paths)
        elif line.isdigit() and 1 <= int(line) <= len(self.menu):
            chosen = self.menu[int(line) - 1]
            if chosen.data.startswith((f"{CASE_PREFIX}:", f"{ANSWER_PREFIX}:")):
                await self.case_press(chosen.data)
            else:
                await self.send(
                    Typed(chosen.label) if chosen.data == TYPED else Pressed(chosen.data)
                )
        elif (command := _COMMAND.fullmatch(line)) and command[1].lower() in CASE_COMMANDS:
            await self.case_command(command[1].lower(), command[2] or "")
        elif (command := _COMMAND.fullmatch(line)) and command[1].lower() in PRIVACY_COMMANDS:
            await self.my_data()
        elif command := _COMMAND.fullmatch(line):
            await self.send(Command(command[1].lower()))
        else:
            await self.send(Typed(line))


def _language_chosen(data: str) -> bool:
    pressed = ButtonData.decode(data)
    return pressed is not None and pressed.verb is Verb.LANGUAGE


async def read_line(stream: TextIO) -> str:
    """One line from a blocking stream without blocking the loop (so Ctrl-C still works)."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = loop.create_future()

    def deliver(result: str | BaseException) -> None:
        if future.done():
            return
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)

    def work() -> None:
        try:
            result: str | BaseException = stream.readline()
        except Exception as error:
            result = error
        with contextlib.suppress(RuntimeError):  # the loop is gone (interrupted): nobody waits
            loop.call_soon_threadsafe(deliver, result)

    threading.Thread(target=work, name="terminal-input", daemon=True).start()
    return await future


async def run_terminal(
    settings: Settings,
    *,
    input_stream: TextIO = sys.stdin,
    output: TextIO = sys.stdout,
    user_id: int = 1,
) -> None:
    """Run the intake for one terminal user until end of input or `/quit`."""
    storage = await open_storage(settings)
    sender = Sender(user_id=user_id, chat_id=user_id, language_code=terminal_language())
    terminal = Terminal(IntakeService(storage, settings), sender, output)
    echo = not input_stream.isatty()
    try:
        terminal.say(plain((await terminal.texts())("terminal-howto")))
        await terminal.send(Command("start"))
        while True:
            output.write("> ")
            output.flush()
            raw = await read_line(input_stream)
            if not raw:  # end of input
                break
            line = raw.strip()
            if echo:
                terminal.say(line)
            if line.lower() in QUIT:
                break
            if line:
                await terminal.line(line)
    finally:
        terminal.say("\n" + (await terminal.texts()).plain("terminal-farewell"))
        await storage.close()
