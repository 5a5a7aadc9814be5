"""The one place where configuration, logging, storage and a runtime are wired.

python -m bot                      run the bot (without BOT_TOKEN: the intake in the terminal)
python -m bot graph                print the intake tree as a Mermaid diagram
python -m bot graph --cases        print the case lifecycle as a Mermaid diagram
python -m bot export CASE [--out DIR]          write a case's dossier PDF and ZIP
python -m bot export --since DATE [--out DIR]  the same for every case since DATE
python -m bot check                check the settings, the Bot API and the staff group
python -m bot backup DIR           a consistent snapshot of DATA_DIR (while the bot runs)
python -m bot restore DIR          restore a backup into an empty DATA_DIR
python -m bot erase --user ID | --case NUMBER  anonymise personal data, delete unshared files
python -m bot export --user ID [--out DIR]     everything held about one person (access request)
python -m bot stats [--since DATE] case figures and the intake funnel
python -m bot api-key create --name NAME --scope read|decide   a case API key (shown once)
python -m bot api-key list | revoke --name NAME                 the case API's keys
python -m bot --version            the installed version
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from bot.config.derived_keys import log_pseudonym_key
from bot.config.settings import Settings, open_storage
from bot.config.version import installed_version
from bot.ops.check import load_settings
from bot.telemetry.logs import configure, quiet
from storage import Storage


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the bot (the default)")
    graph = commands.add_parser("graph", help="print the intake tree as a Mermaid diagram")
    graph.add_argument("--readme", type=Path, help="renew the diagram embedded in this file")
    graph.add_argument(
        "--cases", action="store_true", help="the case lifecycle (statuses and actions) instead"
    )
    export = commands.add_parser("export", help="write dossiers (PDF + ZIP) to a folder")
    export.add_argument("case", nargs="?", help="case number, e.g. IP-2026-000001")
    export.add_argument("--since", help="every case submitted since this date (YYYY-MM-DD)")
    export.add_argument("--user", type=int, help="everything held about this Telegram user id")
    export.add_argument("--out", type=Path, default=Path("dossiers"), help="output folder")
    commands.add_parser("check", help="check the settings, the Bot API and the staff group")
    backup = commands.add_parser("backup", help="a consistent snapshot of DATA_DIR, bot running")
    backup.add_argument("dir", type=Path, help="a new (or empty) folder for the backup")
    restore = commands.add_parser("restore", help="restore a backup into an empty DATA_DIR")
    restore.add_argument("dir", type=Path, help="the backup folder")
    stats = commands.add_parser("stats", help="case figures and the intake funnel")
    stats.add_argument("--since", help="from this date (YYYY-MM-DD); all time without it")
    erase = commands.add_parser("erase", help="anonymise a claimant's or a case's personal data")
    whom = erase.add_mutually_exclusive_group(required=True)
    whom.add_argument("--user", type=int, help="a claimant's Telegram user id")
    whom.add_argument("--case", help="a case number, e.g. IP-2026-000001")
    from bot.api.keys_cli import add_parser as add_api_key_parser

    add_api_key_parser(commands)
    args = parser.parse_args(argv)

    if args.command == "graph":
        from bot.staff import lifecycle_graph
        from dialogs import graph as intake_graph

        embed = lifecycle_graph.embed if args.cases else intake_graph.embed
        diagram = lifecycle_graph.mermaid() if args.cases else intake_graph.mermaid()
        if args.readme:
            args.readme.write_text(embed(args.readme.read_text(encoding="utf-8")), "utf-8")
            return 0
        with contextlib.suppress(BrokenPipeError):
            print(diagram)
        return 0
    if args.command == "check":
        from bot.ops.check import check_command

        return asyncio.run(check_command())
    settings, problems = load_settings()
    if settings is None:  # said plainly, not as a traceback
        print("\n".join(str(problem) for problem in problems), file=sys.stderr)
        return 2
    configure(
        settings.log_format,
        settings.log_level,
        pseudonym_key=log_pseudonym_key(settings),
        phone_region=settings.circulation_country,
    )
    if args.command == "backup":
        from bot.ops.backup import backup_command

        return asyncio.run(
            backup_command(
                settings.data_dir,
                args.dir,
                database_url=settings.database_url,
                file_store_url=settings.file_store_url,
                keep=settings.backup_keep,
            )
        )
    if args.command == "restore":
        from bot.ops.backup import restore_command

        return asyncio.run(
            restore_command(
                args.dir,
                settings.data_dir,
                database_url=settings.database_url,
                file_store_url=settings.file_store_url,
            )
        )
    if args.command == "stats":
        from bot.ops.export import parse_since
        from bot.ops.stats import stats_command

        since = parse_since(args.since) if args.since else None
        if args.since and since is None:
            parser.error("--since needs a date, e.g. 2026-11-01")
        return asyncio.run(with_storage(settings, lambda storage: stats_command(storage, since)))
    if args.command == "api-key":
        from bot.api.keys_cli import api_key_command

        return asyncio.run(api_key_command(settings, args))
    if args.command == "erase":
        from bot.ops.erasure import erase_command

        return asyncio.run(erase_command(settings, args.user, args.case))
    if args.command == "export" and args.user is not None:
        from bot.ops.access import export_user_command

        return asyncio.run(export_user_command(settings, args.user, args.out))
    if args.command == "export":
        from bot.ops.export import export_command

        if not args.case and not args.since:
            parser.error("export needs a case number or --since DATE")
        return asyncio.run(export_command(settings, args.case, args.since, args.out))
    if settings.bot_token is None:
        from bot.terminal import run_terminal

        quiet()

        async def terminal() -> None:
            # SIGTERM (systemd, docker, kill) ends the session like end of input: the draft is
            # saved after every answer; exit status 0.
            task = asyncio.current_task()
            assert task is not None
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
            await run_terminal(settings)

        with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
            asyncio.run(terminal())
        return 0

    if not settings.staff_chats:
        logging.getLogger("bot").warning(
            "STAFF_CHAT_ID is not set: complaints are filed and receipts sent, but no dossier"
            " reaches a staff group"
        )

    async def serve() -> None:
        from bot.ops.shutdown import stop_on_signals

        stop = stop_on_signals()
        if settings.runtime == "ptb":
            from bot.serving.ptb_app import PtbApp

            await (await PtbApp.create(settings)).run(stop)
        else:
            from bot.serving.aiogram_app import AiogramApp

            await (await AiogramApp.create(settings)).run(stop)
        logging.getLogger("bot").info("stopped")

    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(serve())
    return 0


async def with_storage(settings: Settings, command: Callable[[Storage], Awaitable[int]]) -> int:
    storage = await open_storage(settings)
    try:
        return await command(storage)
    finally:
        await storage.close()


if __name__ == "__main__":
    sys.exit(main())
