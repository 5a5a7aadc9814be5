"""`python -m bot api-key create|list|revoke`: the case API's keys. A new key is printed once;
only its hash is kept."""

from __future__ import annotations

import argparse

from bot.config.settings import Settings, open_storage
from storage.api_keys import ApiKeys, KeyNameTaken, Scope


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = commands.add_parser("api-key", help="create, list or revoke case API keys")
    what = keys.add_subparsers(dest="key_command", required=True)
    create = what.add_parser("create", help="a new key (printed once)")
    create.add_argument("--name", required=True, help="who uses it, e.g. ip-team-backoffice")
    create.add_argument("--scope", required=True, choices=[s.value for s in Scope])
    what.add_parser("list", help="the keys (names, scopes, dates; never the keys)")
    revoke = what.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("--name", required=True)


async def api_key_command(settings: Settings, args: argparse.Namespace) -> int:
    storage = await open_storage(settings)
    try:
        keys = ApiKeys(storage.db)
        if args.key_command == "create":
            name = args.name.strip()
            if not name or len(name) > 64 or not name.isprintable():
                print("A key name is 1-64 printable characters.")
                return 2
            try:
                key = await keys.create(name, Scope(args.scope))
            except KeyNameTaken:
                print(f"A key named {name!r} exists already (revoked or not); pick another name.")
                return 1
            print(f"API key {name!r} ({args.scope}); shown once, keep it secret:")
            print(key)
            return 0
        if args.key_command == "list":
            for k in await keys.all():
                state = f"revoked {k.revoked_at:%Y-%m-%d %H:%M}" if k.revoked_at else "active"
                print(f"{k.name}\t{k.scope}\tcreated {k.created_at:%Y-%m-%d %H:%M}\t{state}")
            return 0
        if await keys.revoke(args.name):
            print(f"Revoked {args.name!r}.")
            return 0
        print(f"No active key named {args.name!r}.")
        return 1
    finally:
        await storage.close()
