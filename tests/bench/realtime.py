"""One sender process for the real-time rows: ``python -m tests.bench.realtime MODE DB_URL [...]``.

Modes (each a process of its own, so its CPU time and memory are its own):

- ``seed-repmate DB N DUE``: N members each set a daily reminder through the real
  ``ReminderService.set_daily`` (services built by ``bot.wiring.build_services`` with a clock
  a minute before DUE), so N reminders fall due at DUE (an epoch second on a minute); their DM
  channels are known, as for any member who has had a DM before.
- ``repmate DB STANDIN OFFSET``: the real ``RepmateBot`` (every extension), logged in to the
  stand-in — ``setup_hook`` migrates, wires and starts the runtime — with its clock reading
  the wall clock plus OFFSET seconds (the seeded day), so the delivery engine sends in real
  time. No gateway: nothing the engine needs comes from it.
- ``seed-plain DB N DUE`` / ``polling DB STANDIN``: the loop a bot author writes first — every
  10 s, SELECT the due rows, send each, UPDATE it as sent.
- ``seed-aps DB N DUE`` / ``apscheduler DB STANDIN``: APScheduler 3.11 ``AsyncIOScheduler`` with
  a ``SQLAlchemyJobStore``, one ``date`` job per DM, as its user guide configures it (a
  ten-minute misfire grace time, so a busy loop does not skip jobs).

Every sender sends the same DM (an embed and two buttons) through discord.py's own client.
A sender prints ``{"ready": ...}`` once logged in, then waits for ``stop`` on standard input
and prints its CPU time since ready and its memory (RSS) as JSON.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import discord

from tests.bench.standin import point_discord_py_at

#: The DM channel the seed gives member ``user_id`` (the stand-in maps unknown channels back).
CHANNEL_BASE = 7 * 10**17
USER_BASE = 10**17


def channel_of(user_id: int) -> int:
    return CHANNEL_BASE + (user_id - USER_BASE)


def user_of(channel_id: int) -> int:
    return USER_BASE + (channel_id - CHANNEL_BASE)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def emit(**figures: Any) -> None:
    print(json.dumps(figures), flush=True)


async def wait_for_stop() -> None:
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


def sync_url(url: str) -> str:
    return url.replace("+aiosqlite", "").replace("+asyncpg", "+psycopg2")


# -- Repmate --------------------------------------------------------------------------------------


async def seed_repmate(url: str, n: int, due: float) -> None:
    from bot import Settings
    from bot.db.database import Database
    from bot.wiring import build_services

    due_at = datetime.fromtimestamp(due, UTC)
    seed_at = due_at - timedelta(minutes=1)
    db = Database.from_url(url)
    await db.migrate()
    services = build_services(db, Settings(database_url=url), lambda: seed_at)
    at = due_at.strftime("%H:%M")
    for i in range(n):
        user_id = USER_BASE + i
        await services.reminders.set_daily(user_id, None, at, None, None)
        await services.members.repo.update(user_id, seed_at, dm_channel_id=channel_of(user_id))
    await db.dispose()


async def run_repmate(url: str, standin: str, offset: float) -> None:
    from bot import Settings, create_bot

    real_utcnow = discord.utils.utcnow

    def shifted() -> datetime:
        return real_utcnow() + timedelta(seconds=offset)

    discord.utils.utcnow = shifted  # bot.clock reads it: the bot lives on the seeded day, in real time
    point_discord_py_at(standin)
    bot = create_bot(Settings(database_url=url, log_level="WARNING"))
    await bot.login("bench-token")
    cpu = time.process_time()
    emit(ready=True, rss_mb=rss_mb())
    await wait_for_stop()
    emit(cpu_s=time.process_time() - cpu, rss_mb=rss_mb())
    await bot.close()


#: The command mix a busy community sends: reads, and one write (a logged workout) in seven.
COMMANDS: list[tuple[str, str, list[dict[str, Any]]]] = [
    ("settings", "show", []),
    ("log", "history", [{"name": "days", "type": 4, "value": 30}]),
    ("routine", "list", []),
    ("remind", "show", []),
    ("plan", "show", []),
    ("exercise", "info", [{"name": "name", "type": 3, "value": "Back Squat"}]),
    ("log", "workout", [{"name": "exercises", "type": 3, "value": "Back Squat 3x5 @ 102.5kg"}]),
]
GUILD_ID = 5 * 10**17
CHANNEL_ID = 5 * 10**17 + 1


def interaction(
    interaction_id: int, user_id: int, command: tuple[str, str, list[dict[str, Any]]]
) -> dict[str, Any]:
    """An INTERACTION_CREATE for a slash command in a server channel, as the gateway delivers it."""
    from tests.bench.standin import APPLICATION_ID

    group, sub, options = command
    user = {"id": str(user_id), "username": f"member{user_id}", "discriminator": "0", "avatar": None}
    return {
        "id": str(interaction_id),
        "application_id": str(APPLICATION_ID),
        "type": 2,
        "token": f"token{interaction_id}",
        "version": 1,
        "guild_id": str(GUILD_ID),
        "channel_id": str(CHANNEL_ID),
        "channel": {
            "id": str(CHANNEL_ID),
            "type": 0,
            "guild_id": str(GUILD_ID),
            "name": "general",
            "position": 0,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": None,
        },
        "member": {
            "user": user,
            "roles": [],
            "joined_at": "2026-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(discord.Permissions.text().value | discord.Permissions.general().value),
        },
        "app_permissions": str(discord.Permissions.all().value),
        "locale": "en-US",
        "guild_locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 10 * 1024 * 1024,
        "authorizing_integration_owners": {"0": str(GUILD_ID)},
        "context": 0,
        "data": {
            "id": str(10**18 + hash((group, sub)) % 10**9),
            "name": group,
            "type": 1,
            "options": [{"type": 1, "name": sub, "options": options}],
        },
    }


async def run_commands(url: str, standin: str, rates: str, seconds: float) -> None:
    """Commands at each rate in turn (open loop: they arrive on time whether or not the last was answered).

    Each is handed to discord.py's INTERACTION_CREATE parser, as the gateway would; the
    stand-in records when its first response arrives. Prints each command's arrival time.
    """
    from bot import Settings, create_bot

    point_discord_py_at(standin)
    bot = create_bot(Settings(database_url=url, log_level="WARNING"))
    await bot.login("bench-token")
    parse = bot._connection.parsers["INTERACTION_CREATE"]
    emit(ready=True, rss_mb=rss_mb())
    next_id = 10**18
    for rate in (float(r) for r in rates.split(",")):
        arrivals: dict[str, float] = {}
        cpu = time.process_time()
        start = time.perf_counter()
        count = int(rate * seconds)
        for i in range(count):
            delay = start + i / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            next_id += 1
            user_id = USER_BASE + (i % 200)
            arrivals[str(next_id)] = time.time()
            parse(interaction(next_id, user_id, COMMANDS[i % len(COMMANDS)]))
        await asyncio.sleep(5.0)  # let the last ones finish
        emit(rate=rate, arrivals=arrivals, cpu_ms=(time.process_time() - cpu) * 1000 / max(1, count))
    await wait_for_stop()
    emit(rss_mb=rss_mb())
    await bot.close()


# -- the alternatives ----------------------------------------------------------------------------


def dm(delivery_id: int) -> dict[str, Any]:
    """The DM every alternative sends: an embed and two buttons, like Repmate's reminder."""
    embed = discord.Embed(title="⏰ Daily reminder", description="Time to train.", colour=0x5865F2)
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Snooze 1h", custom_id=f"bench:snooze:{delivery_id}"))
    view.add_item(discord.ui.Button(label="Done", custom_id=f"bench:done:{delivery_id}"))
    return {"embed": embed, "view": view}


def _plain_table() -> Any:
    import sqlalchemy as sa

    meta = sa.MetaData()
    return sa.Table(
        "bench_due",
        meta,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.BigInteger, nullable=False),
        sa.Column("channel_id", sa.BigInteger, nullable=False),
        sa.Column("due_at", sa.Float, nullable=False, index=True),
        sa.Column("sent_at", sa.Float),
        sa.Column("message_id", sa.BigInteger),
    )


async def seed_plain(url: str, n: int, due: float) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    table = _plain_table()
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(table.metadata.create_all)
        rows = [
            {"user_id": USER_BASE + i, "channel_id": channel_of(USER_BASE + i), "due_at": due}
            for i in range(n)
        ]
        for start in range(0, n, 5000):
            await conn.execute(table.insert(), rows[start : start + 5000])
    await engine.dispose()


async def run_polling(url: str, standin: str) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    table = _plain_table()
    point_discord_py_at(standin)
    client = discord.Client(intents=discord.Intents.none())
    await client.login("bench-token")
    engine = create_async_engine(url)
    cpu = time.process_time()
    emit(ready=True, rss_mb=rss_mb())

    async def loop() -> None:
        while True:
            async with engine.connect() as conn:
                due = (
                    await conn.execute(
                        table.select()
                        .where(table.c.sent_at.is_(None), table.c.due_at <= time.time())
                        .order_by(table.c.due_at)
                    )
                ).all()
            for row in due:
                channel = client.get_partial_messageable(row.channel_id, type=discord.ChannelType.private)
                try:
                    message = await channel.send(**dm(row.id))
                except discord.HTTPException:
                    continue  # tried again on the next poll
                async with engine.begin() as conn:
                    await conn.execute(
                        table.update()
                        .where(table.c.id == row.id)
                        .values(sent_at=time.time(), message_id=message.id)
                    )
            await asyncio.sleep(10)

    task = asyncio.create_task(loop())
    await wait_for_stop()
    emit(cpu_s=time.process_time() - cpu, rss_mb=rss_mb())
    task.cancel()
    await client.close()
    await engine.dispose()


#: The client the stored APScheduler jobs send through (jobs are stored by reference).
aps_client: discord.Client | None = None


async def aps_send(delivery_id: int, channel_id: int) -> None:
    assert aps_client is not None
    channel = aps_client.get_partial_messageable(channel_id, type=discord.ChannelType.private)
    await channel.send(**dm(delivery_id))


def _aps_scheduler(url: str) -> Any:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    return AsyncIOScheduler(
        jobstores={"default": SQLAlchemyJobStore(url=sync_url(url))},
        job_defaults={"misfire_grace_time": 600, "coalesce": False},
        timezone=UTC,
    )


async def seed_aps(url: str, n: int, due: float) -> None:
    scheduler = _aps_scheduler(url)
    scheduler.start(paused=True)
    when = datetime.fromtimestamp(due, UTC)
    for i in range(n):
        user_id = USER_BASE + i
        scheduler.add_job(
            "tests.bench.realtime:aps_send",
            "date",
            run_date=when,
            id=f"dm{i}",
            args=[i, channel_of(user_id)],
            replace_existing=True,
        )
    scheduler.shutdown(wait=False)


async def run_apscheduler(url: str, standin: str) -> None:
    # The stored jobs name ``tests.bench.realtime:aps_send``: that module's client is the one they use.
    from tests.bench import realtime

    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    point_discord_py_at(standin)
    client = realtime.aps_client = discord.Client(intents=discord.Intents.none())
    await client.login("bench-token")
    scheduler = _aps_scheduler(url)
    cpu = time.process_time()
    scheduler.start()
    emit(ready=True, rss_mb=rss_mb())
    await wait_for_stop()
    emit(cpu_s=time.process_time() - cpu, rss_mb=rss_mb())
    scheduler.shutdown(wait=False)
    await client.close()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    logging.getLogger("discord").setLevel(logging.ERROR)  # it warns on every 429 it waits out
    mode, url, *rest = sys.argv[1:]
    if mode == "seed-repmate":
        asyncio.run(seed_repmate(url, int(rest[0]), float(rest[1])))
    elif mode == "repmate":
        asyncio.run(run_repmate(url, rest[0], float(rest[1])))
    elif mode == "seed-plain":
        asyncio.run(seed_plain(url, int(rest[0]), float(rest[1])))
    elif mode == "polling":
        asyncio.run(run_polling(url, rest[0]))
    elif mode == "seed-aps":
        asyncio.run(seed_aps(url, int(rest[0]), float(rest[1])))
    elif mode == "apscheduler":
        asyncio.run(run_apscheduler(url, rest[0]))
    elif mode == "commands":
        asyncio.run(run_commands(url, rest[0], rest[1], float(rest[2])))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main()
