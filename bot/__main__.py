"""``python -m bot [run|sandbox|migrate]``."""

from __future__ import annotations

import argparse
import asyncio
import sys

from bot.config import Settings, configure_logging
from bot.errors import ConfigError

MISSING_TOKEN = (
    "Repmate can't connect to Discord: DISCORD_TOKEN is not set. Create a bot in the Discord "
    "developer portal, copy its token, and put it in a `.env` file in this folder as "
    "`DISCORD_TOKEN=...` (copy `.env.example` to start; every setting is explained there). "
    "To try Repmate without a token or network, run `make sandbox` (or `python -m bot sandbox`), "
    "which starts the real bot against an offline Discord you can use in your browser."
)


def _fail(message: str) -> int:
    print(f"\n{message}\n", file=sys.stderr)
    return 2


def _settings() -> Settings:
    return Settings.from_env()


def cmd_run(_args: argparse.Namespace) -> int:
    settings = _settings()
    if not settings.discord_token:
        return _fail(MISSING_TOKEN)
    from bot.triage import TriageRulesError, load_rules

    try:
        load_rules()
    except TriageRulesError as exc:
        return _fail(f"Repmate can't start: {exc}")
    configure_logging(settings)
    from bot.app import create_bot

    bot = create_bot(settings)
    bot.run(settings.discord_token, log_handler=None)
    return 0


def cmd_migrate(_args: argparse.Namespace) -> int:
    settings = _settings()
    configure_logging(settings)
    from bot.db.database import Database
    from bot.db.engine import current_revision

    async def run() -> str | None:
        db = Database.from_url(settings.database_url)
        try:
            await db.migrate()
            return await current_revision(db.engine)
        finally:
            await db.dispose()

    revision = asyncio.run(run())
    print(f"Database is at migration {revision}.")
    return 0


def cmd_migrate_data(args: argparse.Namespace) -> int:
    """Copy all data from DATABASE_URL (the source) to --to, with progress and verified counts."""
    settings = _settings()
    target_url = Settings(database_url=args.to).database_url  # validated like DATABASE_URL
    if target_url == settings.database_url:
        return _fail("Repmate can't copy a database onto itself: --to must name another database.")
    from bot.db.copy import CopyError, copy_database
    from bot.db.database import Database

    def progress(table: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r  {table:<24} {done:>10,} / {total:,}", end=end, flush=True)

    async def run() -> int:
        source, target = Database.from_url(settings.database_url), Database.from_url(target_url)
        try:
            copied = await copy_database(source, target, progress=progress)
        except CopyError as exc:
            return _fail(f"Copy stopped: {exc}")
        finally:
            await source.dispose()
            await target.dispose()
        rows = sum(c.target_rows for c in copied)
        print(f"Copied {rows:,} rows in {len(copied)} tables; every table's row count matches.")
        print(f"Now set DATABASE_URL={args.to} and start the bot.")
        return 0

    return asyncio.run(run())


def cmd_sandbox(args: argparse.Namespace) -> int:
    from bot.dev.sandbox import main as sandbox_main

    return sandbox_main(screenshots=args.screenshots, port=args.port, fresh=args.fresh)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Run Repmate.")
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="connect to Discord and run the bot (default)")
    sandbox = sub.add_parser("sandbox", help="run the real bot against an offline Discord in your browser")
    sandbox.add_argument("--screenshots", metavar="DIR", help="play a short demo, save PNGs to DIR and exit")
    sandbox.add_argument(
        "--port",
        type=int,
        default=None,
        help="port for the sandbox page (default: the last run's, or any free)",
    )
    sandbox.add_argument("--fresh", action="store_true", help="start over: a new database and clock")
    sub.add_parser("migrate", help="apply database migrations and exit")
    copy = sub.add_parser("migrate-data", help="copy all data from DATABASE_URL to another database")
    copy.add_argument("--to", required=True, metavar="URL", help="the target database URL (must be empty)")
    args = parser.parse_args(argv)
    handlers = {
        "run": cmd_run,
        "sandbox": cmd_sandbox,
        "migrate": cmd_migrate,
        "migrate-data": cmd_migrate_data,
        None: cmd_run,
    }
    try:
        return handlers[args.command](args)
    except ConfigError as exc:
        return _fail(
            f"Repmate can't start: {exc} Settings come from the environment or a `.env` file "
            "(see `.env.example`)."
        )
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
