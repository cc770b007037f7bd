"""Real-time rows: scheduled DMs drained through discord.py to the loopback stand-in for Discord.

Each sender runs in a process of its own (:mod:`tests.bench.realtime`); the stand-in runs
here and records every request. Repmate is the real ``RepmateBot``; beside it, the two designs
a bot author would otherwise write (a 10-second polling loop, APScheduler with a
SQLAlchemyJobStore), sending the same DM through the same discord.py client to the same
stand-in. All figures are wall-clock. SQLite always; PostgreSQL when TEST_POSTGRES_URL is set
(a database of its own, ``repmate_bench``, is created and dropped there).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.bench.realtime import USER_BASE, user_of
from tests.bench.standin import StandIn, serve
from tests.runtime.harness import percentile

#: How long before the DMs fall due a sender is started (it logs in and migrates meanwhile).
LEAD_S = 10.0
DRAIN = {"default": 1_000, "full": 100_000}
KILL = {"default": 400, "full": 10_000}
FAULTS = {"default": 300, "full": 10_000}


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


@dataclass
class Child:
    proc: asyncio.subprocess.Process

    @classmethod
    async def start(cls, *args: str, stderr: Any = None, prefix: tuple[str, ...] = ()) -> Child:
        proc = await asyncio.create_subprocess_exec(
            *prefix,
            sys.executable,
            "-m",
            "tests.bench.realtime",
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )
        return cls(proc)

    async def line(self, within: float = 120.0) -> dict[str, Any]:
        assert self.proc.stdout is not None
        raw = await asyncio.wait_for(self.proc.stdout.readline(), within)
        if not raw:
            raise RuntimeError(f"sender exited ({await self.proc.wait()}) before reporting")
        return json.loads(raw)

    async def stop(self) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"stop\n")
        await self.proc.stdin.drain()
        figures = await self.line()
        await self.proc.wait()
        return figures


async def run_once(*args: str) -> None:
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.bench.realtime", *args)
    if await proc.wait() != 0:
        raise RuntimeError(f"{args[0]} failed")


def next_day_minute() -> float:
    """A minute boundary a day ahead: the seeded reminders' time (the bot's clock is moved there)."""
    return math.ceil(time.time() / 60) * 60 + 86_400.0


async def wait_for(standin: StandIn, n: int, within: float, *, users: bool = False) -> None:
    """Until ``n`` messages exist (``users``: ``n`` distinct members have one), then 3 s for stragglers."""
    deadline = time.monotonic() + within
    quiet_since, seen = time.monotonic(), -1
    while time.monotonic() < deadline:
        got = len({m.channel_id for m in standin.messages}) if users else len(standin.messages)
        if got >= n:
            break
        if len(standin.requests) != seen:
            quiet_since, seen = time.monotonic(), len(standin.requests)
        elif not users and standin.messages and time.monotonic() - quiet_since > 25:
            break  # nothing sent for 25 s (a polling loop waits 10 s): the sender has given up
        await asyncio.sleep(0.5)
    await asyncio.sleep(3.0)


def delivery_figures(standin: StandIn, n: int, due: float) -> dict[str, Any]:
    per_user: dict[int, list[float]] = {}
    for m in standin.messages:
        per_user.setdefault(user_of(m.channel_id), []).append(m.created)
    expected = {USER_BASE + i for i in range(n)}
    firsts = sorted(min(times) for user, times in per_user.items() if user in expected)
    lateness = [t - due for t in firsts]
    span = (firsts[-1] - firsts[0]) if len(firsts) > 1 else float("nan")
    return {
        "sent": len(firsts),
        "lost": len(expected - set(per_user)),
        "doubled": sum(len(times) - 1 for times in per_user.values()),
        "rate": (len(firsts) - 1) / span if span and span > 0 else float("nan"),
        "p50": percentile(lateness, 50),
        "p99": percentile(lateness, 99),
        "max_1s": standin.max_in_window(),
        "429": sum(1 for _, _, s in standin.requests if s == 429),
    }


async def drain(engine: str, url: str, n: int, log: Any) -> dict[str, Any]:
    """``n`` DMs due at the same instant, drained by ``engine`` in real time; its figures."""
    standin = StandIn()
    runner, base = await serve(standin)
    try:
        if engine == "repmate":
            seeded_due = next_day_minute()
            await run_once("seed-repmate", url, str(n), str(seeded_due))
            due = time.time() + LEAD_S
            child = await Child.start("repmate", url, base, str(seeded_due - due), stderr=log)
        else:
            # The due time is stored before the sender starts: leave time for seeding (slow under load).
            due = time.time() + LEAD_S + 10.0 + n * 0.03
            await run_once("seed-plain" if engine == "polling" else "seed-aps", url, str(n), str(due))
            child = await Child.start(engine, url, base, stderr=log)
        ready = await child.line()
        ready_at = time.time()
        await wait_for(standin, n, within=LEAD_S + 60 + n / 5)
        loadavg = load()
        stopped = await child.stop()
    finally:
        await runner.cleanup()
    figures = delivery_figures(standin, n, due)
    figures.update(
        cpu_ms=stopped["cpu_s"] * 1000 / max(1, figures["sent"]),
        rss_ready=ready["rss_mb"],
        rss=stopped["rss_mb"],
        late_start=max(0.0, ready_at - due),
        load=loadavg,
        n=n,
    )
    return figures


async def kill9(url: str, n: int, log: Any) -> dict[str, Any]:
    """The real bot killed (SIGKILL) mid-drain and started again over the same database."""
    standin = StandIn()
    runner, base = await serve(standin)
    try:
        seeded_due = next_day_minute()
        await run_once("seed-repmate", url, str(n), str(seeded_due))
        due = time.time() + LEAD_S
        offset = str(seeded_due - due)
        child = await Child.start("repmate", url, base, offset, stderr=log)
        await child.line()
        # Part-way through a claimed batch (batches are 100), so claims and sends are in flight.
        while len(standin.messages) < n * 11 // 20:  # noqa: ASYNC110 - the stand-in is polled, not signalled
            await asyncio.sleep(0.05)
        child.proc.send_signal(signal.SIGKILL)
        await child.proc.wait()
        at_kill = len(standin.messages)
        restarted_at = time.time()
        child = await Child.start("repmate", url, base, offset, stderr=log)
        await child.line()
        # Claims the killed process held return after their deadline (minutes): wait them out.
        await wait_for(standin, n, within=300 + n / 20, users=True)
        loadavg = load()
        await child.stop()
    finally:
        await runner.cleanup()
    figures = delivery_figures(standin, n, due)
    last = max(m.created for m in standin.messages)
    figures.update(at_kill=at_kill, after_restart_s=last - restarted_at, load=loadavg, n=n)
    return figures


async def faults(url: str, n: int, log: Any) -> dict[str, Any]:
    """The real bot through Discord's bad moments, in real time: a 30-second outage (503) part-way,
    then twenty messages created but answered 500 (discord.py retries them with the same nonce)."""
    standin = StandIn()
    runner, base = await serve(standin)
    try:
        seeded_due = next_day_minute()
        await run_once("seed-repmate", url, str(n), str(seeded_due))
        due = time.time() + LEAD_S
        child = await Child.start("repmate", url, base, str(seeded_due - due), stderr=log)
        await child.line()
        while len(standin.messages) < n // 4:  # noqa: ASYNC110 - the stand-in is polled, not signalled
            await asyncio.sleep(0.05)
        standin.outage_until = standin.clock() + 30.0
        recovered = time.time() + 30.0
        await asyncio.sleep(30.0)
        standin.create_then_500 = 20
        await wait_for(standin, n, within=300 + n / 20, users=True)
        loadavg = load()
        await child.stop()
    finally:
        await runner.cleanup()
    figures = delivery_figures(standin, n, due)
    last = max(m.created for m in standin.messages)
    figures.update(
        after_recovery_s=last - recovered,
        answered_500=sum(1 for _, _, s in standin.requests if s == 500),
        answered_503=sum(1 for _, _, s in standin.requests if s == 503),
        load=loadavg,
        n=n,
    )
    return figures


async def postgres_database() -> str | None:
    """A database of the bench's own on TEST_POSTGRES_URL's server (others share that one)."""
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        return None
    import asyncpg
    from sqlalchemy.engine import make_url

    url = make_url(base)
    conn = await asyncpg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, database=url.database
    )
    try:
        await conn.execute("DROP DATABASE IF EXISTS repmate_bench WITH (FORCE)")
        await conn.execute("CREATE DATABASE repmate_bench")
    finally:
        await conn.close()
    return url.set(database="repmate_bench").render_as_string(hide_password=False)


def pin() -> tuple[str, ...]:
    """``taskset -c N``: the command process on one core (the last), when taskset is there."""
    import shutil

    if shutil.which("taskset") is None:
        return ()
    return ("taskset", "-c", str((os.cpu_count() or 1) - 1))


async def capacity(url: str, rates: list[float], seconds: float, log: Any) -> list[dict[str, Any]]:
    """The real bot pinned to one core, answering commands arriving at each rate in turn."""
    standin = StandIn()
    runner, base = await serve(standin)
    results = []
    try:
        child = await Child.start(
            "commands", url, base, ",".join(str(r) for r in rates), str(seconds), stderr=log, prefix=pin()
        )
        await child.line()
        for _ in rates:
            report = await child.line(within=seconds + 600)
            waits = []
            for interaction_id, arrived in report["arrivals"].items():
                answered = standin.first_responses.get(int(interaction_id))
                waits.append(float("inf") if answered is None else answered - arrived)
            results.append(
                {
                    "rate": report["rate"],
                    "n": len(waits),
                    "p50": percentile(waits, 50),
                    "p99": percentile(waits, 99),
                    "unanswered": sum(1 for w in waits if w == float("inf")),
                    "cpu_ms": report["cpu_ms"],
                    "load": load(),
                }
            )
        await child.stop()
    finally:
        await runner.cleanup()
    return results


def _fmt_drain(label: str, f: dict[str, Any]) -> str:
    return (
        f"{f['rate']:.1f} DMs/s, {f['cpu_ms']:.1f} ms CPU/DM, max {f['max_1s']}/s, {f['429']} × 429, "
        f"lost {f['lost']}, doubled {f['doubled']}, p99 late {f['p99']:.1f} s"
    )


Row = tuple[str, str, str, str]


def run(size: str = "default", which: tuple[str, ...] = ("sqlite", "postgres")) -> list[Row]:
    n, k = DRAIN[size], KILL[size]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "senders.log", "w") as log:
        pg = asyncio.run(postgres_database()) if "postgres" in which else None
        databases = []
        if "sqlite" in which:
            databases.append(("SQLite", lambda name: f"sqlite+aiosqlite:///{tmp}/{name}.db"))
        if pg is not None:
            databases.append(("PostgreSQL", lambda name: pg))
        elif "postgres" in which:
            rows.append(("real-time rows, PostgreSQL", "skipped: TEST_POSTGRES_URL is not set", "", ""))
        for db_name, url_for in databases:
            results = {}
            for engine in ("repmate", "polling", "apscheduler"):
                if engine == "apscheduler" and db_name == "PostgreSQL":
                    try:
                        import psycopg2  # noqa: F401
                    except ImportError:
                        rows.append(
                            (
                                f"  {db_name}: APScheduler",
                                "skipped: SQLAlchemyJobStore needs psycopg2, not installed",
                                "",
                                "",
                            )
                        )
                        continue
                if db_name == "PostgreSQL":
                    pg = asyncio.run(postgres_database())
                print(f"…   drain {db_name} {engine} ({n:,} DMs)", file=sys.stderr, flush=True)
                results[engine] = asyncio.run(drain(engine, url_for(engine), n, log))
            ours = results["repmate"]
            head = f"real-time drain, {db_name}: {n:,} DMs due at once ({ours['load']})"
            rows.append((head, "", "", ""))
            rows.append(("  DMs/s sustained", f"{ours['rate']:.1f}", "≥ 44", _alt(results, "rate", "{:.1f}")))
            rows.append(
                ("  CPU per DM", f"{ours['cpu_ms']:.1f} ms", "≤ 3 ms", _alt(results, "cpu_ms", "{:.1f} ms"))
            )
            rows.append(
                ("  most requests in any second", str(ours["max_1s"]), "≤ 45", _alt(results, "max_1s", "{}"))
            )
            rows.append(("  429s from the stand-in", str(ours["429"]), "0", _alt(results, "429", "{}")))
            rows.append(
                (
                    "  lost / doubled",
                    f"{ours['lost']} / {ours['doubled']}",
                    "0 / 0",
                    " · ".join(
                        f"{e}: {r['lost']} / {r['doubled']}" for e, r in results.items() if e != "repmate"
                    ),
                )
            )
            rows.append(
                (
                    "  lateness p50 / p99",
                    f"{ours['p50']:.1f} s / {ours['p99']:.1f} s",
                    f"p99 ≤ {1.2 * n / 50:.0f} s (1.2 × n/50)",
                    " · ".join(
                        f"{e}: {r['p50']:.1f} s / {r['p99']:.1f} s"
                        for e, r in results.items()
                        if e != "repmate"
                    ),
                )
            )
            rows.append(
                (
                    f"  memory (RSS) after {n:,} DMs",
                    f"{ours['rss']:.0f} MB (ready: {ours['rss_ready']:.0f} MB)",
                    "≤ 150 MB, flat",
                    _alt(results, "rss", "{:.0f} MB"),
                )
            )
            if any(r["late_start"] > 0 for r in results.values()):
                rows.append(
                    (
                        "  (a sender was ready after the due time)",
                        ", ".join(
                            f"{e}: {r['late_start']:.1f} s" for e, r in results.items() if r["late_start"] > 0
                        ),
                        "",
                        "",
                    )
                )
            if db_name == "PostgreSQL":
                pg = asyncio.run(postgres_database())
            print(f"…   kill -9 {db_name} ({k:,} DMs)", file=sys.stderr, flush=True)
            killed = asyncio.run(kill9(url_for("kill"), k, log))
            rows.append(
                (
                    f"kill -9 mid-drain, {db_name}: {k:,} DMs ({killed['load']})",
                    f"lost {killed['lost']}, doubled {killed['doubled']}; killed at {killed['at_kill']:,} "
                    f"sent, last sent {killed['after_restart_s']:.0f} s after the restart",
                    "0 lost, 0 doubled",
                    "",
                )
            )
        print(f"…   faults SQLite ({FAULTS[size]:,} DMs)", file=sys.stderr, flush=True)
        hit = asyncio.run(faults(f"sqlite+aiosqlite:///{tmp}/faults.db", FAULTS[size], log))
        rows.append(
            (
                f"30 s outage (503) then 20 created-but-500, SQLite: {hit['n']:,} DMs ({hit['load']})",
                f"lost {hit['lost']}, doubled {hit['doubled']}; {hit['answered_503']} × 503, "
                f"{hit['answered_500']} × 500; last sent {hit['after_recovery_s']:.0f} s after recovery",
                "0 lost, 0 doubled",
                "",
            )
        )
    return rows


CAPACITY_RATES = {
    "default": [10.0, 25.0, 50.0, 75.0, 100.0, 150.0, 200.0],
    "full": [10.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0, 200.0, 250.0, 300.0],
}
CAPACITY_SECONDS = {"default": 6.0, "full": 15.0}


def run_capacity(size: str = "default") -> list[Row]:
    """Commands/s the real bot answers on one core with p99 first response ≤ 250 ms (SQLite)."""
    rates = CAPACITY_RATES[size]
    with tempfile.TemporaryDirectory() as tmp:
        log_path = Path(tmp) / "bot.log"
        with open(log_path, "w") as log:
            url = f"sqlite+aiosqlite:///{tmp}/commands.db"
            results = asyncio.run(capacity(url, rates, CAPACITY_SECONDS[size], log))
        text = log_path.read_text()
        locked, errors = text.count("database is locked"), text.count("Unexpected error")
    # The capacity is the last rate that held before the first that did not (rates rise in turn).
    best = 0.0
    for r in results:
        if r["p99"] > 0.25 or r["unanswered"]:
            break
        best = r["rate"]
    rows: list[Row] = [
        (
            f"command capacity, one process on one core ({'taskset' if pin() else 'not pinned'}), SQLite",
            f"{best:.0f} commands/s at p99 first response ≤ 250 ms (the last rate that held)",
            "p99 ≤ 50 ms at 50/s; none unanswered at 100/s",
            "",
        )
    ]
    for r in results:
        rows.append(
            (
                f"  {r['rate']:.0f}/s for {CAPACITY_SECONDS[size]:.0f} s ({r['load']})",
                f"p50 {r['p50'] * 1000:.0f} ms, p99 {_ms(r['p99'])}, {r['unanswered']} unanswered, "
                f"{r['cpu_ms']:.1f} ms CPU/command",
                "",
                "",
            )
        )
    rows.append(
        ("  'database is locked' / unexpected errors in the bot's log", f"{locked} / {errors}", "0 / 0", "")
    )
    return rows


def _ms(seconds: float) -> str:
    return "∞ (unanswered)" if seconds == float("inf") else f"{seconds * 1000:.0f} ms"


def _alt(results: dict[str, dict[str, Any]], key: str, fmt: str) -> str:
    return " · ".join(f"{e}: {fmt.format(r[key])}" for e, r in results.items() if e != "repmate")
